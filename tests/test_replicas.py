"""Read replicas: web reads go to a replica, writes and a writing client's
next reads to the primary, and a replica that lags or is down is left alone.

The replica here is a second connection to the test database (Django's test
MIRROR, tests/conftest.py), so it holds what the tests commit: the tests run
in autocommit (``transaction=True``), as production does. What a real,
lagging standby does is shown in tests/system/test_replicas.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core import signing
from django.db import OperationalError, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from deployments import caching
from deployments.models import DataRevision, Nation
from tests.conftest import TEST_REPLICA
from tests.factories import NationFactory
from tracker import replica_health
from tracker.db_routers import PRIMARY, reads_from
from tracker.replica_reads import PIN_COOKIE

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, TEST_REPLICA])

NATIONS = "/api/nations/"


@pytest.fixture
def replica(settings: Settings) -> str:
    settings.DATABASE_REPLICAS = [TEST_REPLICA]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 10
    return TEST_REPLICA


class Queries:
    """The SQL each database was sent inside ``Queries.on_each()``."""

    def __init__(self) -> None:
        self.primary: list[str] = []
        self.replica: list[str] = []

    @classmethod
    @contextmanager
    def on_each(cls) -> Iterator[Queries]:
        queries = cls()
        with (
            CaptureQueriesContext(connections[PRIMARY]) as primary,
            CaptureQueriesContext(connections[TEST_REPLICA]) as replica,
        ):
            yield queries
        queries.primary = [query["sql"] for query in primary.captured_queries]
        queries.replica = [query["sql"] for query in replica.captured_queries]


def reads_nations(sql: list[str]) -> bool:
    return any('FROM "deployments_nation"' in statement for statement in sql)


def new_nation(client: APIClient, code: str = "CAN") -> None:
    response = client.post(NATIONS, {"code": code, "name": code}, format="json")
    assert response.status_code == 201, response.json()


def test_without_replicas_every_query_goes_to_the_primary_and_nothing_is_pinned(
    editor_client: APIClient,
) -> None:
    NationFactory(code="CAN")
    with Queries.on_each() as queries:
        assert editor_client.get(NATIONS).status_code == 200
        response = editor_client.post(
            NATIONS, {"code": "KWT", "name": "Kuwait"}, format="json"
        )
    assert response.status_code == 201
    assert PIN_COOKIE not in response.cookies
    assert reads_nations(queries.primary)
    assert queries.replica == []


def test_a_read_request_reads_the_replica(api_client: APIClient, replica: str) -> None:
    NationFactory(code="CAN")
    with Queries.on_each() as queries:
        response = api_client.get(NATIONS)
    assert [row["code"] for row in response.json()["results"]] == ["CAN"]
    assert reads_nations(queries.replica)
    assert not reads_nations(queries.primary)


def test_a_write_reads_and_writes_the_primary_and_pins_its_client(
    editor_client: APIClient, replica: str
) -> None:
    with Queries.on_each() as queries:
        new_nation(editor_client)
    assert queries.replica == []
    assert reads_nations(queries.primary)

    with Queries.on_each() as queries:
        response = editor_client.get(NATIONS)
    assert [row["code"] for row in response.json()["results"]] == ["CAN"]
    assert queries.replica == []


def test_the_pin_is_a_short_lived_http_only_cookie(
    editor_client: APIClient, replica: str, settings: Settings
) -> None:
    settings.DATABASE_REPLICA_PIN_SECONDS = 7
    response = editor_client.post(NATIONS, {"code": "CAN", "name": "C"}, format="json")
    cookie = response.cookies[PIN_COOKIE]
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (
        7,
        True,
        "Lax",
    )


def test_an_expired_pin_reads_the_replica_again(
    editor_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_time = signing.time.time
    # The pin is signed with the time it was given: six seconds ago.
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 6)
    new_nation(editor_client)
    monkeypatch.undo()
    with Queries.on_each() as queries:
        editor_client.get(NATIONS)
    assert reads_nations(queries.replica)


def test_a_forged_pin_reads_the_replica(api_client: APIClient, replica: str) -> None:
    NationFactory(code="CAN")
    api_client.cookies[PIN_COOKIE] = "1"
    with Queries.on_each() as queries:
        api_client.get(NATIONS)
    assert reads_nations(queries.replica)


def test_a_refused_write_does_not_pin(api_client: APIClient, replica: str) -> None:
    response = api_client.post(NATIONS, {"code": "CAN", "name": "C"}, format="json")
    assert response.status_code in {401, 403}
    assert PIN_COOKIE not in response.cookies


def test_a_replica_lagging_beyond_the_limit_is_left_alone(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    monkeypatch.setattr(replica_health, "replica_lag_seconds", lambda alias: 11.0)
    with Queries.on_each() as queries:
        response = api_client.get(NATIONS)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["CAN"]
    assert reads_nations(queries.primary)
    assert queries.replica == []


def test_a_replica_within_the_limit_is_read(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    monkeypatch.setattr(replica_health, "replica_lag_seconds", lambda alias: 9.0)
    with Queries.on_each() as queries:
        api_client.get(NATIONS)
    assert reads_nations(queries.replica)


def test_an_unreachable_replica_is_left_alone_without_an_error(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    unreachable = connections[TEST_REPLICA]
    if unreachable.vendor == "postgresql":
        monkeypatch.setitem(unreachable.settings_dict, "PORT", "1")
    else:
        monkeypatch.setitem(unreachable.settings_dict, "NAME", "/no/such/folder/db")
    unreachable.close()  # (SQLite keeps an in-memory database's open)
    try:
        response = api_client.get(NATIONS)
        assert response.status_code == 200
        assert [row["code"] for row in response.json()["results"]] == ["CAN"]
        assert not replica_health.is_usable(TEST_REPLICA)
    finally:
        unreachable.close()


def test_replica_lag_is_measured_at_most_every_few_seconds(
    replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    measured: list[str] = []
    clock = [1000.0]
    monkeypatch.setattr(replica_health.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        replica_health,
        "replica_lag_seconds",
        lambda alias: measured.append(alias) or 0.0,
    )
    assert replica_health.is_usable(TEST_REPLICA)
    clock[0] += replica_health.CHECK_EVERY_SECONDS - 0.1
    assert replica_health.is_usable(TEST_REPLICA)
    assert measured == [TEST_REPLICA]
    clock[0] += 0.2
    assert replica_health.is_usable(TEST_REPLICA)
    assert measured == [TEST_REPLICA, TEST_REPLICA]


def test_reads_in_a_transaction_on_the_primary_stay_on_the_primary(
    replica: str,
) -> None:
    with reads_from(TEST_REPLICA):
        assert Nation.objects.all().db == TEST_REPLICA
        with transaction.atomic():
            assert Nation.objects.all().db == PRIMARY


def test_outside_a_request_reads_go_to_the_primary(replica: str) -> None:
    # Management commands and the shell see their own writes.
    assert Nation.objects.all().db == PRIMARY


def test_writes_and_migrations_go_to_the_primary_only(replica: str) -> None:
    primary_nation = NationFactory(code="CAN")
    with reads_from(TEST_REPLICA):
        replica_nation = Nation.objects.get(code="CAN")
        assert router.db_for_write(Nation) == PRIMARY
    assert replica_nation._state.db == TEST_REPLICA
    assert router.allow_relation(primary_nation, replica_nation)
    assert router.allow_migrate(PRIMARY, "deployments")
    assert not router.allow_migrate(TEST_REPLICA, "deployments")


def where_derived() -> str:
    """A value to remember: the database its derivation read."""
    return Nation.objects.all().db


def test_a_value_is_derived_on_a_replica_that_has_caught_up(replica: str) -> None:
    NationFactory(code="CAN")  # a revision to file it under
    with reads_from(TEST_REPLICA):
        assert caching.remember("test", (), where_derived) == TEST_REPLICA


def replica_behind_by_one(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the replica report the revision before the primary's."""
    current = DataRevision.current

    def lagging(using: str = PRIMARY) -> int | None:
        number = current(PRIMARY)
        return number - 1 if using == TEST_REPLICA and number else number

    monkeypatch.setattr(DataRevision, "current", staticmethod(lagging))
    return monkeypatch.undo


def test_a_value_is_derived_on_the_primary_while_the_replica_lags(
    replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    replica_behind_by_one(monkeypatch)
    with reads_from(TEST_REPLICA):
        assert caching.remember("test", (), where_derived) == PRIMARY
        # Filed under the primary's revision, as it was derived there.
        with CaptureQueriesContext(connections[PRIMARY]) as queries:
            assert caching.remember("test", (), where_derived) == PRIMARY
    assert len(queries) == 1  # the revision


def test_a_value_derived_while_the_replica_moved_on_is_not_filed(
    replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    derivations: list[str] = []

    def derive_then_replica_lags() -> str:
        # The replica was at the primary's revision when this began; from
        # the replica's answer here on, it says otherwise.
        derivations.append(where_derived())
        replica_behind_by_one(monkeypatch)
        return derivations[-1]

    with reads_from(TEST_REPLICA):
        caching.remember("test", (), derive_then_replica_lags)
        monkeypatch.undo()
        caching.remember("test", (), derive_then_replica_lags)
    assert derivations == [TEST_REPLICA, TEST_REPLICA]


def test_a_value_asked_for_on_the_replica_agrees_with_its_rows_while_it_lags(
    replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A list's count, beside the page of rows read on the same replica: it is
    # derived there and filed under the replica's own (older) revision.
    NationFactory(code="CAN")
    replica_behind_by_one(monkeypatch)
    derivations: list[str] = []

    def derive() -> str:
        derivations.append(where_derived())
        return derivations[-1]

    for _ in range(2):
        caching.remember("test", (), derive, TEST_REPLICA)
    assert derivations == [TEST_REPLICA]


def revision_reads(sql: list[str]) -> int:
    return sum("deployments_datarevision" in statement for statement in sql)


def test_a_read_asks_the_primary_its_revision_and_the_replica_the_rest(
    api_client: APIClient, replica: str
) -> None:
    NationFactory(code="CAN")
    api_client.get(NATIONS)  # the replica is seen to have caught up
    with Queries.on_each() as queries:
        response = api_client.get(NATIONS)
    assert response.status_code == 200
    assert len(queries.primary) == revision_reads(queries.primary) == 1
    assert revision_reads(queries.replica) == 0
    assert reads_nations(queries.replica)


def test_while_the_replica_lags_a_write_changes_every_etag_at_once(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lagging replica's rows must not go out under the primary's newer
    ETag (a cache would keep them, with 304s, past the change), nor its
    older ETag be answered 304 after the change: its readers go to the
    primary until it has applied the change."""
    NationFactory(code="CAN")
    before = api_client.get(NATIONS)
    NationFactory(code="IRQ")
    replica_behind_by_one(monkeypatch)
    with Queries.on_each() as queries:
        after = api_client.get(NATIONS, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert [row["code"] for row in after.json()["results"]] == ["CAN", "IRQ"]
    assert after["ETag"] != before["ETag"]
    assert reads_nations(queries.primary) and not reads_nations(queries.replica)


def test_without_the_primary_a_replica_still_answers_as_fresh_as_it_is(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    current = DataRevision.current

    def primary_down(using: str = PRIMARY) -> int | None:
        if using == PRIMARY:
            raise OperationalError("the primary is down")
        return current(using)

    monkeypatch.setattr(DataRevision, "current", staticmethod(primary_down))
    with Queries.on_each() as queries:
        response = api_client.get(NATIONS)
    assert response.status_code == 200
    assert reads_nations(queries.replica)


def test_a_replica_that_cannot_say_its_revision_is_left_alone(
    api_client: APIClient, replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    NationFactory(code="CAN")
    current = DataRevision.current

    def replica_fails(using: str = PRIMARY) -> int | None:
        if using == TEST_REPLICA:
            raise OperationalError("the replica broke off")
        return current(using)

    monkeypatch.setattr(DataRevision, "current", staticmethod(replica_fails))
    with Queries.on_each() as queries:
        response = api_client.get(NATIONS)
    assert response.status_code == 200
    assert reads_nations(queries.primary) and not reads_nations(queries.replica)
    assert not replica_health.is_usable(TEST_REPLICA)
