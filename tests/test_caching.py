"""Derived values are reused while the data stays the same, and never after
it changes: the data revision, moved by database triggers, and what the
cache keeps under it.

Most tests commit, as production does (``transaction=True``): the cache is
only used in autocommit, so inside the test transaction of an ordinary test
it would never be reached.
"""

from __future__ import annotations

import datetime
import io
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from benchmarks.servers import DEADLINE_SECONDS, ThrowawayRedis, wait_until
from deployments import caching
from deployments.migrations._revision_triggers import trigger_names
from deployments.models import (
    DataRevision,
    Deployment,
    Intention,
    Nation,
    Source,
    TroopCount,
)
from deployments.status import current_status
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRACKED_MODELS = [Nation, Source, Deployment, TroopCount, Intention]


def troops_now(nation: str = "CAN", host: str = "IRQ") -> int | None:
    rows = current_status(nation_codes=[nation], host_codes=[host])
    return rows[0].troops if rows else None


def troops_served_by_the_api() -> int | None:
    rows = Client().get("/api/status/?nation=CAN&host=IRQ").json()["results"]
    return rows[0]["troops"] if rows else None


READERS = pytest.mark.parametrize(
    "troops", [troops_now, troops_served_by_the_api], ids=["rows", "api table"]
)


def update_with_sql(count: TroopCount, troops: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deployments_troopcount SET troops = %s WHERE id = %s",
            [troops, count.pk],
        )


def queries_made(read: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


@pytest.fixture
def canada_in_iraq() -> TroopCount:
    return TroopCountFactory(
        nation=NationFactory(code="CAN"), host=NationFactory(code="IRQ"), troops=500
    )


@pytest.fixture
def stored_keys(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys the derived-value cache is asked to store."""
    stored: list[str] = []
    cache = caches["default"]
    set_in_cache = cache.set

    def recorded(key: str, *args: Any, **kwargs: Any) -> None:
        if key.startswith("derived:"):
            stored.append(key)
        set_in_cache(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recorded)
    return stored


# The revision.


@pytest.mark.parametrize("model", TRACKED_MODELS, ids=lambda model: model.__name__)
def test_every_tracked_table_has_its_revision_triggers(model: type) -> None:
    # A migration that rebuilds a table on SQLite drops its triggers; it must
    # install them again (deployments/migrations/_revision_triggers.py).
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled = 'O'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = %s",
                [table],
            )
        installed = {name for (name,) in cursor.fetchall()}
    assert set(trigger_names(connection.vendor, table)) <= installed


@pytest.mark.parametrize("model", TRACKED_MODELS, ids=lambda model: model.__name__)
def test_a_sql_update_of_any_tracked_table_moves_the_revision(model: type) -> None:
    TroopCountFactory()
    IntentionFactory()
    before = DataRevision.current()
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")
    assert DataRevision.current() > before


def test_committed_changes_move_the_revision_once_seen_rolled_back_ones_never() -> None:
    count = TroopCountFactory()
    before = DataRevision.current()
    with transaction.atomic():
        TroopCount.objects.filter(pk=count.pk).update(troops=12)
        NationFactory(code="FRA")
        if connection.vendor == "postgresql":
            # Deferred: the number moves at the commit (SQLite's at once).
            assert DataRevision.current() == before
    after = DataRevision.current()
    assert after > before

    with pytest.raises(RuntimeError), transaction.atomic():
        TroopCount.objects.filter(pk=count.pk).update(troops=999)
        TroopCount.objects.filter(pk=count.pk).delete()
        raise RuntimeError("rolled back")
    assert DataRevision.current() == after


def wait_for_the_clock_to_pass(number: int) -> None:
    """A restore takes far longer than the clock's step (a millisecond on
    SQLite); a test that restores at once must wait for one."""
    wait_until(
        lambda: time.time() * 1_000_000 > number + 1_000,
        "the clock to pass the revision",
    )


def test_a_number_never_comes_back_after_a_backup_is_restored() -> None:
    NationFactory(code="CAN")
    backup = DataRevision.current()
    TroopCountFactory()
    live = DataRevision.current()
    wait_for_the_clock_to_pass(live)
    DataRevision.objects.update(number=backup)  # the backup is restored
    NationFactory(code="FRA")
    # Entries cached at any number up to now describe other data.
    assert DataRevision.current() > live


def test_a_number_never_comes_back_after_the_row_is_removed() -> None:
    TroopCountFactory()
    live = DataRevision.current()
    wait_for_the_clock_to_pass(live)
    DataRevision.objects.all().delete()
    assert DataRevision.current() is None
    NationFactory(code="FRA")  # the next change puts the row back
    assert DataRevision.current() > live


def test_mark_data_changed_moves_the_revision_on() -> None:
    TroopCountFactory()
    before = DataRevision.current()
    output = io.StringIO()
    call_command("mark_data_changed", stdout=output)
    assert DataRevision.current() > before
    assert f"Data revision is now {DataRevision.current()}." in output.getvalue()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer at a time hold the whole database anyway",
)
def test_an_open_writing_transaction_does_not_hold_up_other_writers(
    canada_in_iraq: TroopCount,
) -> None:
    before = DataRevision.current()
    committed = threading.Event()

    def write_elsewhere() -> None:
        try:  # its own thread, so its own connection and transaction
            NationFactory(code="FRA")
            committed.set()
        finally:
            connections.close_all()

    other_writer = threading.Thread(target=write_elsewhere)
    with transaction.atomic():
        TroopCount.objects.filter(pk=canada_in_iraq.pk).update(troops=600)
        other_writer.start()
        # Were the revision row locked at the first write, the other writer
        # would wait for this transaction to end.
        committed_meanwhile = committed.wait(timeout=DEADLINE_SECONDS)
        seen_meanwhile = DataRevision.current()
    other_writer.join(timeout=DEADLINE_SECONDS)
    assert committed_meanwhile, "the other writer waited for this transaction"
    assert seen_meanwhile > before  # its commit moved the number
    assert DataRevision.current() > seen_meanwhile  # and then this one did


# What is cached under it.


@READERS
def test_a_repeat_read_with_nothing_changed_costs_one_query(
    troops: Callable[[], int | None],
    canada_in_iraq: TroopCount,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    assert troops() == 500
    with django_assert_num_queries(1):  # the revision
        assert troops() == 500


@READERS
@pytest.mark.parametrize("read_inside", [False, True], ids=["", "read inside"])
def test_a_rolled_back_update_is_never_served(
    troops: Callable[[], int | None], read_inside: bool, canada_in_iraq: TroopCount
) -> None:
    with transaction.atomic():
        TroopCount.objects.filter(pk=canada_in_iraq.pk).update(troops=999)
        if read_inside:
            assert troops() == 999  # its own write
        transaction.set_rollback(True)
    assert troops() == 500
    assert troops() == 500  # and not later from the cache either


def test_a_read_inside_a_transaction_sees_its_write_and_stores_nothing(
    canada_in_iraq: TroopCount, stored_keys: list[str]
) -> None:
    with transaction.atomic():
        TroopCount.objects.filter(pk=canada_in_iraq.pk).update(troops=300)
        assert troops_now() == 300
        assert troops_now() == 300
    assert stored_keys == []
    assert troops_now() == 300
    assert len(stored_keys) == 1  # from autocommit, after the commit


def bulk_create_a_later_count(count: TroopCount) -> None:
    TroopCount.objects.bulk_create(
        [
            TroopCount(
                nation=count.nation,
                host=count.host,
                deployment=count.deployment,
                troops=700,
                precision=count.precision,
                figure_text="about 700",
                counted_on=count.counted_on + datetime.timedelta(days=1),
                source=count.source,
                excerpt="some 700 troops",
            )
        ]
    )


@pytest.mark.parametrize(
    ("change", "troops_after"),
    [
        (lambda count: TroopCount.objects.filter(pk=count.pk).update(troops=450), 450),
        (bulk_create_a_later_count, 700),
        (lambda count: TroopCount.objects.filter(pk=count.pk).delete(), None),
        (lambda count: update_with_sql(count, 400), 400),
    ],
    ids=["update()", "bulk_create()", "delete()", "SQL"],
)
def test_a_committed_change_is_seen_by_the_next_read(
    change: Callable[[TroopCount], object],
    troops_after: int | None,
    canada_in_iraq: TroopCount,
) -> None:
    assert troops_now() == 500
    assert troops_served_by_the_api() == 500
    change(canada_in_iraq)
    assert troops_now() == troops_after
    assert troops_served_by_the_api() == troops_after


def test_a_change_committed_while_deriving_is_not_filed_under_the_old_revision(
    canada_in_iraq: TroopCount, stored_keys: list[str]
) -> None:
    def derive_while_someone_writes() -> int:
        value = TroopCount.objects.get(pk=canada_in_iraq.pk).troops
        update_with_sql(canada_in_iraq, 250)  # commits in autocommit
        return value

    assert caching.remember("troops", (), derive_while_someone_writes) == 500
    assert stored_keys == []
    assert caching.remember("troops", (), lambda: 250) == 250
    assert len(stored_keys) == 1  # nothing moved this time


def test_an_unknown_revision_is_derived_afresh_and_stored_nowhere(
    canada_in_iraq: TroopCount, stored_keys: list[str]
) -> None:
    DataRevision.objects.all().delete()
    assert troops_now() == 500
    assert troops_now() == 500
    assert stored_keys == []


def test_no_cache_when_turned_off(
    canada_in_iraq: TroopCount, settings: Settings, stored_keys: list[str]
) -> None:
    settings.DERIVED_CACHE_SECONDS = 0
    assert troops_now() == 500
    assert queries_made(troops_now) > 1
    assert stored_keys == []


def test_bulk_generation_is_seen_at_once(canada_in_iraq: TroopCount) -> None:
    assert troops_now("ZSAAAA", "ZHAAAA") is None
    generate(Plan(nations=1, hosts=1, records_per_nation=2))  # bulk_create
    assert troops_now("ZSAAAA", "ZHAAAA") is not None


def test_status_api_and_page_see_a_change_made_through_the_api(
    canada_in_iraq: TroopCount, editor_client: APIClient
) -> None:
    client = Client()
    assert client.get("/api/status/").json()["results"][0]["troops"] == 500
    assert "~500" in client.get("/").text
    response = editor_client.patch(
        f"/api/troop-counts/{canada_in_iraq.pk}/", {"troops": 480}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert client.get("/api/status/").json()["results"][0]["troops"] == 480
    page = client.get("/").text
    assert "~480" in page and "~500" not in page


def test_list_counts_are_reused_and_follow_changes(
    canada_in_iraq: TroopCount,
    editor_client: APIClient,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    TroopCountFactory.create_batch(2)
    assert editor_client.get("/api/troop-counts/").json()["count"] == 3
    anonymous = APIClient()
    # 1. the revision; 2. the page (the count is remembered)
    with django_assert_num_queries(2):
        assert anonymous.get("/api/troop-counts/").json()["count"] == 3
    TroopCount.objects.filter(pk=canada_in_iraq.pk).delete()
    assert anonymous.get("/api/troop-counts/").json()["count"] == 2
    # Each filter has its own count.
    assert anonymous.get("/api/troop-counts/?nation=CAN").json()["count"] == 0


# Where it is kept.


def redis_client(server: ThrowawayRedis) -> RedisCache:
    """A cache client of its own, as another worker or machine would have."""
    return RedisCache(
        server.url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_entries_are_shared_by_every_client_of_one_redis(
    canada_in_iraq: TroopCount,
    redis_server: ThrowawayRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(caching, "caches", {"default": redis_client(redis_server)})
    assert troops_now() == 500
    assert redis_server.keys("*derived:*"), "the entry is in Redis"

    # Another worker: a client of its own, and none of this one's copies.
    monkeypatch.setattr(caching, "caches", {"default": redis_client(redis_server)})
    caching.forget_recent()
    assert queries_made(troops_now) == 1  # the revision: the first one's entry

    redis_client(redis_server).clear()
    caching.forget_recent()
    assert queries_made(troops_now) > 1  # no entry anywhere else


def test_a_worker_answers_the_entries_it_used_last_from_its_own_memory(
    canada_in_iraq: TroopCount,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    settings.DERIVED_CACHE_LOCAL_ENTRIES = 2
    asked: list[str] = []
    cache = caches["default"]
    get_from_cache = cache.get

    def recorded(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return get_from_cache(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", recorded)
    NationFactory(code="KWT")
    NationFactory(code="JOR")
    for host in ["IRQ", "KWT", "JOR"]:
        current_status(host_codes=[host])  # derived, stored in both
    asked.clear()

    current_status(host_codes=["JOR"])
    current_status(host_codes=["KWT"])
    assert asked == []  # the two used last: from this worker's memory
    current_status(host_codes=["IRQ"])
    assert len(asked) == 1  # beyond the bound: from the shared cache

    TroopCount.objects.filter(pk=canada_in_iraq.pk).update(troops=250)
    assert troops_now() == 250  # a new revision: never an old copy


def test_redis_going_away_falls_back_to_deriving(
    canada_in_iraq: TroopCount,
    redis_server: ThrowawayRedis,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(caching, "caches", {"default": redis_client(redis_server)})
    assert troops_now() == 500
    redis_server.kill()
    TroopCount.objects.filter(pk=canada_in_iraq.pk).update(troops=420)
    with caplog.at_level(logging.WARNING, logger="deployments.caching"):
        assert troops_now() == 420
        assert troops_served_by_the_api() == 420
    warnings = [r for r in caplog.records if r.name == "deployments.caching"]
    assert len(warnings) == 1, warnings  # once, not at every read

    redis_server.start()  # back on the same port
    caching.forget_outage()
    caching.forget_recent()  # this worker's own copy would answer otherwise
    assert troops_now() == 420
    assert redis_server.keys("*derived:*"), "entries are stored in Redis again"


class EntriesFromOtherCode:
    """A shared cache holding what an older deploy filed: unpickling it fails
    as pickle does for a class renamed since."""

    def __init__(self) -> None:
        self.stored: dict[str, object] = {}

    def get(self, key: str, default: object = None) -> object:
        raise AttributeError("Can't get attribute 'KeptBody' on <module>")

    def set(self, key: str, value: object, timeout: object = None) -> None:
        self.stored[key] = value


def test_an_entry_this_code_cannot_read_is_derived_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    TroopCountFactory()
    shared = EntriesFromOtherCode()
    monkeypatch.setattr(caching, "caches", {"default": shared})
    assert caching.remember("test", "parts", lambda: 42) == 42
    assert list(shared.stored.values()) == [42]  # filed again, readable now
