"""End to end over fixtures/examples_multi_source.json: invented reports
(clearly marked as examples, not real sources) about the seed article's
deployments, loaded beside it, read back through the status, the conflicts
list and the statements' outcomes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from deployments.models import Nation, Source, TroopCount
from deployments.status import StatusRow, current_status
from tests.factories import SourceFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db: None) -> dict[tuple[str, str], StatusRow]:
    call_command(
        "loaddata",
        "nations",
        "article_2020_01_08",
        "examples_multi_source",
        verbosity=0,
    )
    return {(row.nation, row.host): row for row in current_status()}


def test_every_invented_source_says_it_is_an_example(rows: dict) -> None:
    invented = Source.objects.exclude(publisher="International Business Times (AFP)")
    assert invented.count() == 5
    for source in invented:
        assert "invented" in source.publisher and "EXAMPLE" in source.title


def test_italy_is_corroborated_by_three_sources_the_wire_counted_once(
    rows: dict,
) -> None:
    italy = rows["ITA", "IRQ"]
    # The seed's ~1,000, "over 900" and the wire's ~950 (printed twice).
    assert (italy.troops_sources, italy.troops_conflict) == (3, False)
    assert (italy.troops_low, italy.troops_high) == (900, None)
    # Staying (the seed) and bringing some home (the wire) within the window.
    assert (italy.stance, italy.stance_conflict) == ("partial_withdrawal", True)


def test_croatia_is_in_open_conflict_and_shows_the_lower_figure(rows: dict) -> None:
    croatia = rows["HRV", "IRQ"]
    assert (croatia.troops, croatia.troops_conflict) == (14, True)
    assert (croatia.troops_low, croatia.troops_high) == (14, 21)
    assert (croatia.stance, croatia.outcome) == ("repositioning", "pending")


def test_the_us_conflict_is_resolved_for_the_pentagons_figure(rows: dict) -> None:
    usa = rows["USA", "IRQ"]
    assert (usa.troops, usa.troops_conflict, usa.troops_standing) == (
        5200,
        False,
        "asserted",
    )
    # The disputed 6,000 shows nothing about "staying": still pending.
    assert usa.outcome == "pending"


def test_canadas_move_to_kuwait_is_fulfilled_by_the_kuwait_count(rows: dict) -> None:
    canada = rows["CAN", "IRQ"]
    arrived = rows["CAN", "KWT"]
    assert arrived.troops == 200
    assert canada.outcome == "fulfilled"
    kuwait_count = TroopCount.objects.get(nation__code="CAN", host__code="KWT")
    assert kuwait_count.pk in canada.outcome_counts


def test_the_api_lists_one_open_and_one_resolved_conflict(
    rows: dict, api_client: APIClient
) -> None:
    conflicts = api_client.get("/api/conflicts/").json()["results"]
    assert [(c["nation"], c["state"]) for c in conflicts] == [
        ("HRV", "open"),
        ("USA", "resolved"),
    ]
    usa = conflicts[1]
    assert usa["resolution"]["note"].startswith("The Pentagon's own figure")
    assert [f["troops"] for f in usa["figures"]] == [5200, 6000, 6000]
    assert [f["preferred"] for f in usa["figures"]] == [True, False, False]
    status = api_client.get("/api/status/", {"conflict": "true"}).json()["results"]
    assert [(r["nation"], r["host"]) for r in status] == [("HRV", "IRQ")]


def test_the_status_page_marks_the_conflict_and_summarises_the_moves(
    rows: dict, client: object
) -> None:
    page = client.get("/").text  # type: ignore[attr-defined]
    assert "1 row with conflicting figures" in page
    assert "6 announced moves:" in page
    assert '<tr class="conflict">' in page
    assert "stances differ" in page


def test_another_outlet_printing_the_articles_afp_story_adds_no_source(
    rows: dict,
) -> None:
    TroopCountFactory(
        nation=Nation.objects.get(code="CAN"),
        host=Nation.objects.get(code="IRQ"),
        troops=500,
        precision="estimated",
        counted_on="2020-01-09",
        source=SourceFactory(publisher="Another paper", agency="afp"),
    )
    (canada,) = current_status(nation_codes=["CAN"], host_codes=["IRQ"])
    assert canada.troops_sources == 1
