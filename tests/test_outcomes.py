"""What became of each stated intention: outcomes derived from later counts
(status/outcomes.py), as the status rows and the page show them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from deployments.models import Intention, Nation, Precision, Stance, TroopCount
from deployments.status import current_status, summarize
from deployments.status.outcomes import Judged, Outcome, outcomes_of
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db

JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


@pytest.fixture
def canada() -> Nation:
    return NationFactory(code="CAN", name="Canada")


def count(
    nation: Nation, troops: int, on: datetime.date, host: str = "IRQ"
) -> TroopCount:
    return TroopCountFactory(
        nation=nation,
        host=NationFactory(code=host),
        troops=troops,
        precision=Precision.EXACT,
        counted_on=on,
    )


def said(nation: Nation, stance: str, on: datetime.date, **fields: object) -> Intention:
    return IntentionFactory(nation=nation, stance=stance, reported_on=on, **fields)


def outcome(statement: Intention, as_of: datetime.date | None = None) -> Judged:
    return outcomes_of(Intention.objects.filter(pk=statement.pk), as_of)[statement.pk]


def test_a_withdrawal_is_fulfilled_when_the_count_reaches_zero(canada: Nation) -> None:
    before = count(canada, 500, JAN[1])
    statement = said(canada, Stance.WITHDRAWING, JAN[5])
    after = count(canada, 0, JAN[20])
    assert outcome(statement) == Judged(Outcome.FULFILLED, (before.pk, after.pk))


@pytest.mark.parametrize(
    ("later", "expected"),
    [(300, Outcome.PARTLY), (500, Outcome.PENDING), (700, Outcome.CONTRADICTED)],
)
def test_a_withdrawal_short_of_zero(canada: Nation, later: int, expected: str) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.WITHDRAWING, JAN[5])
    count(canada, later, JAN[20])
    assert outcome(statement).outcome == expected


def test_without_later_counts_a_move_is_pending(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.PARTIAL_WITHDRAWAL, JAN[5], troops_affected=200)
    assert outcome(statement) == Judged(Outcome.PENDING, ())


@pytest.mark.parametrize(
    ("later", "expected"), [(300, Outcome.FULFILLED), (400, Outcome.PARTLY)]
)
def test_a_partial_withdrawal_is_measured_by_the_troops_affected(
    canada: Nation, later: int, expected: str
) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.PARTIAL_WITHDRAWAL, JAN[5], troops_affected=200)
    count(canada, later, JAN[20])
    assert outcome(statement).outcome == expected


def test_a_planned_level_reached_fulfils_the_move(canada: Nation) -> None:
    count(canada, 34500, JAN[1])
    statement = said(canada, Stance.PARTIAL_WITHDRAWAL, JAN[5], target_troops=24000)
    count(canada, 30000, JAN[10])
    assert outcome(statement).outcome == Outcome.PARTLY
    count(canada, 24000, JAN[20])
    assert outcome(statement).outcome == Outcome.FULFILLED


def test_a_move_to_a_destination_is_fulfilled_when_the_troops_arrive(
    canada: Nation,
) -> None:
    """Canada moving some of its 500 to Kuwait: Kuwait's count shows it even
    before Iraq's is counted again."""
    kuwait = NationFactory(code="KWT", name="Kuwait")
    count(canada, 500, JAN[1])
    count(canada, 0, JAN[1], host="KWT")
    statement = said(
        canada, Stance.REPOSITIONING, JAN[8], destination=kuwait, troops_affected=100
    )
    arrived = count(canada, 120, JAN[15], host="KWT")
    judged = outcome(statement)
    assert judged.outcome == Outcome.FULFILLED
    assert arrived.pk in judged.counts


def test_a_reinforcement_is_the_same_the_other_way_up(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.REINFORCING, JAN[5], troops_affected=200)
    count(canada, 400, JAN[20])
    assert outcome(statement).outcome == Outcome.CONTRADICTED
    count(canada, 800, JAN[25])
    assert outcome(statement).outcome == Outcome.FULFILLED


@pytest.mark.parametrize(
    ("later", "expected"), [(0, Outcome.CONTRADICTED), (950, Outcome.FULFILLED)]
)
def test_a_statement_to_stay_is_checked_against_later_counts(
    canada: Nation, later: int, expected: str
) -> None:
    count(canada, 1000, JAN[1])
    statement = said(canada, Stance.STAYING, JAN[5])
    assert outcome(statement).outcome == Outcome.PENDING
    count(canada, later, JAN[20])
    assert outcome(statement).outcome == expected


def test_a_later_change_of_course_supersedes_the_statement(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.WITHDRAWING, JAN[5])
    changed = said(canada, Stance.STAYING, JAN[10])
    count(canada, 500, JAN[20])
    assert outcome(statement) == Judged(Outcome.SUPERSEDED, (), changed.pk)
    assert outcome(statement, as_of=JAN[9]).outcome == Outcome.PENDING


def test_evidence_after_as_of_leaves_a_move_pending(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.WITHDRAWING, JAN[5])
    count(canada, 0, JAN[20])
    assert outcome(statement, as_of=JAN[19]).outcome == Outcome.PENDING
    assert outcome(statement, as_of=JAN[20]).outcome == Outcome.FULFILLED


def test_an_undecided_statement_has_no_outcome(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.UNDECIDED, JAN[5])
    count(canada, 0, JAN[20])
    assert outcome(statement) == Judged(None, ())


def test_the_status_row_carries_the_outcome_and_its_evidence(canada: Nation) -> None:
    before = count(canada, 500, JAN[1])
    said(canada, Stance.WITHDRAWING, JAN[5])
    after = count(canada, 0, JAN[20])
    (row,) = current_status()
    assert (row.outcome, row.outcome_counts) == (
        Outcome.FULFILLED,
        (before.pk, after.pk),
    )
    assert [r.nation for r in current_status(outcomes=[Outcome.FULFILLED])] == ["CAN"]
    assert current_status(outcomes=[Outcome.PENDING]) == []


def make_three_moves() -> None:
    """One fulfilled withdrawal, two pending moves, one statement to stay."""
    for code, stance, later in [
        ("CAN", Stance.WITHDRAWING, 0),
        ("DEU", Stance.REPOSITIONING, None),
        ("ROU", Stance.PARTIAL_WITHDRAWAL, None),
        ("ITA", Stance.STAYING, None),
    ]:
        nation = NationFactory(code=code)
        count(nation, 100, JAN[1])
        said(nation, stance, JAN[5])
        if later is not None:
            count(nation, later, JAN[20])


def test_the_summary_counts_announced_moves_by_outcome() -> None:
    make_three_moves()
    summary = summarize(current_status())
    assert summary.announced_moves == 3
    assert summary.outcome_counts() == [
        ("fulfilled", "Fulfilled", 1),
        ("pending", "Pending", 2),
    ]


def test_the_status_page_summarises_and_filters_by_outcome(client: Client) -> None:
    make_three_moves()
    page = client.get("/").text
    assert "3 announced moves:" in page
    assert ">1 fulfilled</a>" in page
    assert ">2 pending</a>" in page
    filtered = client.get("/", {"outcome": "fulfilled"}).text
    assert filtered.count('<th scope="row"') == 1
    assert client.get("/", {"outcome": "promised"}).status_code == 400


def test_the_status_api_filters_by_outcome_and_rejects_unknown_ones(
    api_client: object,
) -> None:
    make_three_moves()
    response = api_client.get("/api/status/", {"outcome": "pending,fulfilled"})  # type: ignore[attr-defined]
    assert sorted(row["nation"] for row in response.json()["results"]) == [
        "CAN",
        "DEU",
        "ITA",  # staying, not yet checked by a later count
        "ROU",
    ]
    bad = api_client.get("/api/status/", {"outcome": "kept"})  # type: ignore[attr-defined]
    assert bad.status_code == 400
    assert "outcome" in bad.json()["errors"]


def test_the_nation_page_shows_each_statements_outcome_and_its_evidence(
    client: Client, canada: Nation
) -> None:
    before = count(canada, 500, JAN[1])
    said(canada, Stance.WITHDRAWING, JAN[5], quote="We are leaving.")
    after = count(canada, 0, JAN[20])
    said(canada, Stance.STAYING, JAN[25], quote="We stay where we are.")
    page = client.get("/nations/CAN/").text
    withdrawal = page.split("We are leaving.")[0].rsplit('<li class="entry', 1)[1]
    assert '<span class="outcome outcome-fulfilled"' in withdrawal
    assert f'href="/api/troop-counts/{before.pk}/"' in withdrawal
    assert f'href="/api/troop-counts/{after.pk}/"' in withdrawal
    staying = page.split("We stay where we are.")[0].rsplit('<li class="entry', 1)[1]
    assert ">pending</span>" in staying


def test_a_disputed_count_shows_nothing_either_way(canada: Nation) -> None:
    count(canada, 500, JAN[1])
    statement = said(canada, Stance.WITHDRAWING, JAN[5])
    doubted = count(canada, 0, JAN[20])
    doubted.standing, doubted.standing_changed_on = "disputed", JAN[25]
    doubted.save()
    assert outcome(statement).outcome == Outcome.PENDING
    assert outcome(statement, as_of=JAN[24]).outcome == Outcome.FULFILLED
