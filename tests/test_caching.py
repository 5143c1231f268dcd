"""Derived values are reused while the data stays the same, and never after
it changes: the data revision and what is cached under it."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from deployments.models import DataRevision, DeletedTroopCount, TroopCount
from deployments.services import restore_deleted
from deployments.status import current_status
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

# Committed transactions, as in production: the revision moves on commit.
pytestmark = pytest.mark.django_db(transaction=True)


def troops_now(nation: str = "CAN", host: str = "IRQ") -> int | None:
    rows = current_status(nation_codes=[nation], host_codes=[host])
    return rows[0].troops if rows else None


def change_troops_behind_djangos_back(count: TroopCount, troops: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deployments_troopcount SET troops = %s WHERE id = %s",
            [troops, count.pk],
        )


@pytest.fixture
def canada_in_iraq() -> TroopCount:
    return TroopCountFactory(
        nation=NationFactory(code="CAN"), host=NationFactory(code="IRQ"), troops=500
    )


@pytest.fixture
def bumps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The revision bumps made, by database alias."""
    made: list[str] = []
    bump = DataRevision.bump

    def counted(using: str = "default") -> None:
        made.append(using)
        bump(using)

    monkeypatch.setattr(DataRevision, "bump", counted)
    return made


def test_every_committed_save_and_delete_moves_the_revision_on() -> None:
    seen = [DataRevision.current()]
    count = TroopCountFactory()  # a nation, a host, a source and the count
    seen.append(DataRevision.current())
    count.troops = 12
    count.save()
    seen.append(DataRevision.current())
    count.delete()
    seen.append(DataRevision.current())
    assert seen == sorted(set(seen)), seen  # strictly increasing


def test_a_transaction_moves_it_once_and_only_when_it_commits(
    bumps: list[str],
) -> None:
    before = DataRevision.current()
    with transaction.atomic():
        TroopCountFactory()
        IntentionFactory()
        assert DataRevision.current() == before  # nothing visible yet
    assert bumps == ["default"]
    after = DataRevision.current()
    assert after > before

    with pytest.raises(RuntimeError), transaction.atomic():
        TroopCountFactory()
        raise RuntimeError("rolled back")
    assert bumps == ["default"]
    assert DataRevision.current() == after


def test_a_number_never_comes_back_after_a_backup_is_restored() -> None:
    backup = DataRevision.current()
    TroopCountFactory()
    live = DataRevision.current()
    DataRevision.objects.update(number=backup)  # the backup is restored
    call_command("mark_data_changed", stdout=io.StringIO())
    # Entries cached at any number up to now describe other data.
    assert DataRevision.current() > live


def troops_served_by_the_api() -> int | None:
    rows = Client().get("/api/status/?nation=CAN&host=IRQ").json()["results"]
    return rows[0]["troops"] if rows else None


@pytest.mark.parametrize(
    "troops", [troops_now, troops_served_by_the_api], ids=["rows", "api table"]
)
def test_status_is_reused_while_nothing_changes(
    troops: Callable[[], int | None],
    canada_in_iraq: TroopCount,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    assert troops() == 500
    # A repeat costs one query, the revision: proven by a change made with SQL,
    # which no signal reports, staying unseen.
    change_troops_behind_djangos_back(canada_in_iraq, 450)
    with django_assert_num_queries(1):
        assert troops() == 500
    DataRevision.bump()
    assert troops() == 450


def test_a_change_through_django_is_seen_at_once(canada_in_iraq: TroopCount) -> None:
    assert troops_now() == 500
    canada_in_iraq.troops = 250
    canada_in_iraq.save()
    assert troops_now() == 250
    canada_in_iraq.delete()
    assert troops_now() is None


def test_a_transaction_that_wrote_reads_its_own_changes_not_the_cache(
    canada_in_iraq: TroopCount,
) -> None:
    assert troops_now() == 500
    with transaction.atomic():
        canada_in_iraq.troops = 300
        canada_in_iraq.save()
        assert troops_now() == 300
        transaction.set_rollback(True)
    assert troops_now() == 500


def test_bulk_generation_and_restores_move_the_revision_on(
    canada_in_iraq: TroopCount,
) -> None:
    before = DataRevision.current()
    generate(Plan(nations=1, hosts=1, records_per_nation=2))  # bulk_create
    assert DataRevision.current() > before

    assert troops_now() == 500
    canada_in_iraq.delete()
    assert troops_now() is None
    restore_deleted(DeletedTroopCount.objects.still_deleted())
    assert troops_now() == 500


def test_no_cache_when_turned_off(
    canada_in_iraq: TroopCount, settings: Settings
) -> None:
    settings.DERIVED_CACHE_SECONDS = 0
    assert troops_now() == 500
    change_troops_behind_djangos_back(canada_in_iraq, 450)
    assert troops_now() == 450


def test_a_revision_row_removed_by_hand_is_recreated() -> None:
    DataRevision.objects.all().delete()
    assert DataRevision.current() == 0
    TroopCountFactory()
    assert DataRevision.current() >= 1


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
    canada_in_iraq.delete()
    assert anonymous.get("/api/troop-counts/").json()["count"] == 2
    # Each filter has its own count.
    assert anonymous.get("/api/troop-counts/?nation=CAN").json()["count"] == 0


def test_mark_data_changed_makes_sql_edits_visible(canada_in_iraq: TroopCount) -> None:
    assert troops_now() == 500
    change_troops_behind_djangos_back(canada_in_iraq, 450)
    assert troops_now() == 500
    output = io.StringIO()
    call_command("mark_data_changed", stdout=output)
    assert "Data revision is now" in output.getvalue()
    assert troops_now() == 450
