"""Status is derived: latest count and latest standing statement per pair."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from pytest_django import DjangoAssertNumQueries

from deployments.models import (
    Deployment,
    Intention,
    Nation,
    Precision,
    Stance,
    Standing,
    TroopCount,
    standing_on,
)
from deployments.status import (
    STATUS_COLUMNS,
    StatusRow,
    StatusScope,
    current_status,
    derive_status,
)
from deployments.status.evidence import window_days
from deployments.status.outcomes import outcomes_of
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db

JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


@pytest.fixture
def canada() -> Nation:
    return NationFactory(code="CAN", name="Canada")


def only_row(**filters: object) -> StatusRow:
    rows = current_status(**filters)
    assert len(rows) == 1, rows
    return rows[0]


def test_latest_count_drives_the_status(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, troops=350, counted_on=JAN[10])
    TroopCountFactory(nation=canada, troops=400, counted_on=JAN[7])
    assert only_row().troops == 350


def test_latest_statement_drives_the_status(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[3])
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[9])
    assert only_row().stance == Stance.WITHDRAWING


def test_retracted_statement_does_not_drive_status(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[6])
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[8],
        standing=Standing.RETRACTED,
    )
    assert only_row().stance == Stance.STAYING


def test_disputed_statement_still_drives_status(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[6])
    disputed = IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[8],
        standing=Standing.DISPUTED,
    )
    row = only_row()
    assert (row.quote, row.standing) == (disputed.quote, Standing.DISPUTED)


def test_only_retracted_statements_leave_no_stance(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500)
    IntentionFactory(nation=canada, standing=Standing.RETRACTED)
    row = only_row()
    assert (row.troops, row.stance, row.quote) == (500, None, None)


def test_pair_with_only_a_retracted_statement_has_no_row(canada: Nation) -> None:
    IntentionFactory(nation=canada, standing=Standing.RETRACTED)
    assert current_status() == []


def test_statement_date_beats_report_date_when_choosing_latest(
    canada: Nation,
) -> None:
    # A later report of an older statement must not override a newer statement.
    IntentionFactory(
        nation=canada, stance=Stance.STAYING, stated_on=JAN[7], reported_on=JAN[7]
    )
    IntentionFactory(
        nation=canada, stance=Stance.WITHDRAWING, stated_on=JAN[2], reported_on=JAN[9]
    )
    assert only_row().stance == Stance.STAYING


def test_as_of_uses_only_what_was_known_then(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, troops=350, counted_on=JAN[10])
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[3])
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[9])

    row = only_row(as_of=JAN[8])
    assert (row.troops, row.troops_as_of, row.stance) == (500, JAN[3], Stance.STAYING)


def test_as_of_before_any_record_gives_no_rows(canada: Nation) -> None:
    TroopCountFactory(nation=canada, counted_on=JAN[3])
    assert current_status(as_of=JAN[2]) == []


def test_retraction_dated_later_did_not_apply_earlier(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[6],
        standing=Standing.RETRACTED,
        standing_changed_on=JAN[7],
    )
    assert only_row(as_of=JAN[6]).stance == Stance.WITHDRAWING
    assert only_row(as_of=JAN[7]).stance == Stance.STAYING
    assert only_row().stance == Stance.STAYING


def test_undated_retraction_applies_to_every_as_of_date(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[6],
        standing=Standing.RETRACTED,
    )
    assert only_row(as_of=JAN[6]).stance == Stance.STAYING


def test_each_host_is_its_own_row(canada: Nation) -> None:
    kuwait = NationFactory(code="KWT", name="Kuwait")
    TroopCountFactory(nation=canada, troops=500)
    TroopCountFactory(nation=canada, host=kuwait, troops=200)
    rows = current_status()
    assert [(row.host, row.troops) for row in rows] == [
        ("IRQ", 500),
        ("KWT", 200),
    ]
    assert [row.host for row in current_status(host_codes=["KWT"])] == ["KWT"]


def test_stance_filter_applies_to_the_latest_statement_only(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[3])
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[9])
    assert current_status(stances=[Stance.WITHDRAWING]) == []
    assert len(current_status(stances=[Stance.STAYING])) == 1


def test_filters_by_nation_and_kind(canada: Nation) -> None:
    nato = NationFactory(code="NATO", name="NATO", kind=Nation.Kind.ALLIANCE)
    TroopCountFactory(nation=canada)
    TroopCountFactory(nation=nato, troops=None, precision=Precision.UNKNOWN)
    assert [r.nation for r in current_status(nation_codes=["CAN"])] == ["CAN"]
    alliances = current_status(nation_kinds=[Nation.Kind.ALLIANCE])
    assert [r.nation for r in alliances] == ["NATO"]


def make_history(nations: int, records_per_nation: int) -> None:
    for _ in range(nations):
        nation = NationFactory()
        for day in range(1, records_per_nation + 1):
            TroopCountFactory(nation=nation, counted_on=JAN[day])
            IntentionFactory(nation=nation, reported_on=JAN[day])


@pytest.mark.parametrize(("nations", "records"), [(1, 1), (8, 5)])
def test_deriving_the_status_takes_seven_queries_whatever_the_data(
    nations: int, records: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_history(nations, records)
    # 1. each deployment's newest standing counts and statements, by index
    # 2. what the rules compare of those counts; 3. of those statements
    # 4. the chosen counts' columns, with nation, host and source
    # 5. the latest statements' columns, with destination and source
    # 6. those statements' evidence; 7. the evidence's figures
    # (what the cache adds: tests/test_caching.py)
    with django_assert_num_queries(7):
        rows = derive_status(StatusScope())
        for row in rows:
            assert row.troops_source is not None
            assert row.intention_source is not None
            assert row.nation_name and row.host_name
    assert len(rows) == nations


@pytest.mark.parametrize("years_back", [None, 2, 6])
def test_with_status_finds_the_same_records_as_reading_every_row(
    years_back: int | None,
) -> None:
    """``Deployment.objects.with_status()`` reads each deployment's latest
    records along its indexes; here the same answer is worked out in Python
    from every row, on synthetic data with several hosts per nation,
    retractions and retraction dates."""
    generate(Plan(nations=7, hosts=3, records_per_nation=60, seed=3))
    # Some pairs lose every standing statement, some nations a whole host.
    Intention.objects.filter(nation__code="ZSAAAB").update(
        standing=Standing.RETRACTED, standing_changed_on=None
    )
    TroopCount.objects.filter(nation__code="ZSAAAC", host__code="ZHAAAA").delete()
    Intention.objects.filter(nation__code="ZSAAAC", host__code="ZHAAAA").delete()
    Intention.objects.filter(standing=Standing.RETRACTED).exclude(
        nation__code="ZSAAAB"
    ).update(standing_changed_on=datetime.date(2015, 1, 1))
    # Entered out of date order: a later id is not always a later date.
    earlier = datetime.timedelta(days=900)
    for count in TroopCount.objects.order_by("id")[::3]:
        TroopCount.objects.filter(pk=count.pk).update(
            counted_on=count.counted_on - earlier
        )
    for statement in Intention.objects.order_by("id")[::3]:
        Intention.objects.filter(pk=statement.pk).update(
            stated_on=None, reported_on=statement.reported_on - earlier
        )
    as_of = None if years_back is None else datetime.date(2020 - years_back, 6, 30)

    def newest(records: list, key: Callable) -> dict[tuple[int, int], int]:
        chosen: dict[tuple[int, int], object] = {}
        for record in records:
            pair = (record.nation_id, record.host_id)
            if pair not in chosen or key(record) > key(chosen[pair]):
                chosen[pair] = record
        return {pair: record.pk for pair, record in chosen.items()}

    counts = [
        count
        for count in TroopCount.objects.all()
        if as_of is None or count.counted_on <= as_of
    ]
    statements = [
        statement
        for statement in Intention.objects.all()
        if (as_of is None or statement.reported_on <= as_of)
        and not (
            statement.standing == Standing.RETRACTED
            and (
                as_of is None
                or statement.standing_changed_on is None
                or statement.standing_changed_on <= as_of
            )
        )
    ]
    expected_counts = newest(counts, lambda count: (count.counted_on, count.pk))
    expected_statements = newest(
        statements,
        lambda statement: (statement.said_on, statement.reported_on, statement.pk),
    )
    assert expected_counts and expected_statements

    latest = Deployment.objects.with_status(as_of).values_list(
        "nation_id", "host_id", "latest_count_id", "latest_intention_id"
    )
    found_counts = {(n, h): count for n, h, count, _ in latest if count is not None}
    found_statements = {(n, h): said for n, h, _, said in latest if said is not None}
    assert found_counts == expected_counts
    assert found_statements == expected_statements


def expected_row(deployment: Deployment, as_of: datetime.date | None) -> dict:
    """What the status must say of a deployment, column by column, worked out
    from its records as model instances."""
    count = (
        TroopCount.objects.filter(deployment=deployment)
        .known_on(as_of)
        .standing_on(as_of)
        .latest_first()
        .first()
    )
    statement = (
        Intention.objects.filter(deployment=deployment)
        .known_on(as_of)
        .standing_on(as_of)
        .latest_first()
        .first()
    )
    row = dict.fromkeys(STATUS_COLUMNS)
    row.update(
        deployment=deployment.pk,
        nation=deployment.nation.code,
        nation_name=deployment.nation.name,
        nation_kind=deployment.nation.kind,
        host=deployment.host.code,
        host_name=deployment.host.name,
        operation=deployment.operation,
        troops_display="unknown",
        troops_sources=0,
        troops_conflict=False,
        stance_sources=0,
        stance_conflict=False,
        outcome_counts=(),
    )
    if count is not None:
        row.update(
            troops=count.troops,
            troops_low=count.troops_low,
            troops_high=count.troops_high,
            troops_precision=count.precision,
            troops_location=count.location,
            troops_display=count.display_troops,
            figure_text=count.figure_text,
            troops_as_of=count.counted_on,
            troops_excerpt=count.excerpt,
            troops_source=count.source_id,
            troops_source_title=count.source.title,
            troops_source_publisher=count.source.publisher,
            troops_source_published_on=count.source.published_on,
            troops_source_url=count.source.url,
            troops_standing=count.standing,
            # One publisher in the synthetic data: its newest figure alone;
            # a count without a number corroborates nothing.
            troops_sources=int(count.troops is not None),
            troops_conflict=False,
        )
    if statement is not None:
        destination = statement.destination
        row.update(
            stance=statement.stance,
            temporary=statement.temporary,
            troops_affected=statement.troops_affected,
            troops_affected_low=statement.troops_affected_low,
            troops_affected_high=statement.troops_affected_high,
            target_troops=statement.target_troops,
            intention_location=statement.location,
            destination=destination.code if destination else None,
            destination_name=destination.name if destination else None,
            destination_note=statement.destination_note,
            stated_by=statement.speaker,
            stated_by_role=statement.speaker_role,
            stated_on=statement.stated_on,
            reported_on=statement.reported_on,
            standing=standing_on(
                statement.standing, statement.standing_changed_on, as_of
            ),
            quote=statement.quote,
            intention_source=statement.source_id,
            intention_source_title=statement.source.title,
            intention_source_publisher=statement.source.publisher,
            intention_source_published_on=statement.source.published_on,
            intention_source_url=statement.source.url,
            # One publisher: one source at most, and nobody to disagree with.
            stance_sources=int(
                any(
                    other.stance == statement.stance
                    and standing_on(other.standing, other.standing_changed_on, as_of)
                    == Standing.ASSERTED
                    and statement.said_on - other.said_on <= window_days()
                    for other in Intention.objects.filter(deployment=deployment)
                    .known_on(as_of)
                    .standing_on(as_of)
                )
            ),
            stance_conflict=False,
        )
        judged = outcomes_of(Intention.objects.filter(pk=statement.pk), as_of)
        row.update(
            outcome=judged[statement.pk].outcome,
            outcome_counts=judged[statement.pk].counts,
        )
    return row


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"as_of": datetime.date(2016, 6, 30)},
        {"stances": [Stance.STAYING, Stance.WITHDRAWING]},
        {"host_codes": ["ZHAAAB"], "nation_codes": ["ZSAAAA", "ZSAAAD", "KWT"]},
        {"nation_kinds": [Nation.Kind.ALLIANCE]},
    ],
)
def test_each_row_says_what_its_records_say(filters: dict[str, object]) -> None:
    """Every column of every row, whatever the filters: the same values as
    the deployment's latest records read one by one."""
    generate(Plan(nations=6, hosts=3, records_per_nation=40, seed=5))
    # Pairs with only a count, only a statement, a destination, an alliance.
    kuwait = NationFactory(code="KWT", name="Kuwait")
    TroopCountFactory(nation=kuwait, troops=None, precision=Precision.UNKNOWN)
    IntentionFactory(
        nation=NationFactory(code="NATO", name="NATO", kind=Nation.Kind.ALLIANCE),
        stance=Stance.REPOSITIONING,
        destination=kuwait,
    )
    Intention.objects.filter(nation__code="ZSAAAB", host__code="ZHAAAA").delete()
    Deployment.objects.filter(nation__code="ZSAAAA").update(operation="Op Test")

    rows = current_status(**filters)

    assert rows, "the filters must leave rows to compare"
    as_of = filters.get("as_of")
    assert [row.as_dict() for row in rows] == [
        expected_row(Deployment.objects.get(pk=row.deployment), as_of) for row in rows
    ]
    assert all(list(row.as_dict()) == STATUS_COLUMNS for row in rows)
