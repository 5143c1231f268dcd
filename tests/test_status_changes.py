"""The status changes the feed is built from: each new figure or stance of a
pair, compared with the pair's previous one, newest first, read in a bounded
number of queries and kept as plain values."""

from __future__ import annotations

import datetime
import pickle
import random
from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from deployments.models import (
    Deployment,
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    Standing,
    TroopCount,
)
from deployments.status.changes import (
    READ_WINDOW_FACTOR,
    StatusChange,
    status_changes,
)
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db

JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


@pytest.fixture
def canada() -> Nation:
    return NationFactory(code="CAN", name="Canada")


def summaries(limit: int = 50) -> list[str]:
    return [change.summary for change in status_changes(limit=limit)]


def test_a_count_is_compared_with_the_pairs_previous_count(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, troops=350, counted_on=JAN[10])
    # Entered last, dated in between: order is by date, not by entry.
    TroopCountFactory(nation=canada, troops=400, counted_on=JAN[7])

    assert summaries() == [
        "Canada in Iraq: troops ~400 → ~350",
        "Canada in Iraq: troops ~500 → ~400",
        "Canada in Iraq: troops ~500",
    ]


def test_counts_of_the_same_date_follow_their_ids(canada: Nation) -> None:
    first = TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    second = TroopCountFactory(nation=canada, troops=600, counted_on=JAN[3])

    changes = status_changes()

    assert [(change.record_id, change.before, change.after) for change in changes] == [
        (second.pk, "~500", "~600"),
        (first.pk, None, "~500"),
    ]


def test_a_repeat_figure_is_not_a_change(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[5])
    TroopCountFactory(nation=canada, troops=800, counted_on=JAN[9])

    assert summaries() == [
        "Canada in Iraq: troops ~500 → ~800",
        "Canada in Iraq: troops ~500",
    ]


def test_the_same_number_with_another_precision_is_a_change(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(
        nation=canada, troops=500, precision=Precision.EXACT, counted_on=JAN[5]
    )

    assert summaries()[0] == "Canada in Iraq: troops ~500 → 500"


def test_a_count_without_a_number_is_a_change_to_unknown(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(
        nation=canada, troops=None, precision=Precision.UNKNOWN, counted_on=JAN[5]
    )

    assert summaries()[0] == "Canada in Iraq: troops ~500 → unknown"


def test_each_pair_has_its_own_previous_value(canada: Nation) -> None:
    syria = NationFactory(code="SYR", name="Syria")
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    TroopCountFactory(nation=canada, host=syria, troops=500, counted_on=JAN[5])
    TroopCountFactory(nation=NationFactory(name="Chile"), troops=500, counted_on=JAN[6])

    assert summaries() == [
        "Chile in Iraq: troops ~500",
        "Canada in Syria: troops ~500",
        "Canada in Iraq: troops ~500",
    ]


def test_a_statement_is_compared_by_the_date_it_was_said(canada: Nation) -> None:
    # Said first, reported last.
    IntentionFactory(
        nation=canada, stance=Stance.STAYING, stated_on=JAN[1], reported_on=JAN[10]
    )
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[5])

    assert summaries() == [
        "Canada in Iraq: stance Staying → Withdrawing",
        "Canada in Iraq: stance Staying",
    ]


def test_statements_said_the_same_day_follow_their_report_then_id(
    canada: Nation,
) -> None:
    later_report = IntentionFactory(
        nation=canada, stance=Stance.STAYING, stated_on=JAN[3], reported_on=JAN[9]
    )
    earlier_report = IntentionFactory(
        nation=canada, stance=Stance.WITHDRAWING, stated_on=JAN[3], reported_on=JAN[6]
    )
    same_report = IntentionFactory(
        nation=canada, stance=Stance.REINFORCING, stated_on=JAN[3], reported_on=JAN[9]
    )

    changes = status_changes()

    assert {change.record_id: (change.before, change.after) for change in changes} == {
        earlier_report.pk: (None, "Withdrawing"),
        later_report.pk: ("Withdrawing", "Staying"),
        same_report.pk: ("Staying", "Reinforcing"),
    }


def test_a_repeat_stance_is_not_a_change(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[4])

    assert summaries() == ["Canada in Iraq: stance Staying"]


def test_a_retracted_statement_is_neither_a_change_nor_the_previous_one(
    canada: Nation,
) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[4],
        standing=Standing.RETRACTED,
    )
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[6])
    IntentionFactory(
        nation=canada,
        stance=Stance.STAYING,
        reported_on=JAN[8],
        standing=Standing.RETRACTED,
    )

    assert summaries() == [
        "Canada in Iraq: stance Staying → Withdrawing",
        "Canada in Iraq: stance Staying",
    ]


def test_a_disputed_statement_still_counts(canada: Nation) -> None:
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[2])
    IntentionFactory(
        nation=canada,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[4],
        standing=Standing.DISPUTED,
    )

    assert summaries()[0] == "Canada in Iraq: stance Staying → Withdrawing"


def test_counts_and_statements_come_together_newest_first(canada: Nation) -> None:
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on=JAN[5])
    TroopCountFactory(nation=canada, troops=300, counted_on=JAN[7])

    assert summaries() == [
        "Canada in Iraq: troops ~500 → ~300",
        "Canada in Iraq: stance Staying",
        "Canada in Iraq: troops ~500",
    ]
    assert summaries(limit=2) == summaries()[:2]


def fill_other_pairs(count: int) -> None:
    """``count`` first figures and stances, each of its own pair, dated from
    JAN[2] to JAN[29]."""
    for day in range(count):
        nation = NationFactory()
        on = JAN[2 + day % 28]
        TroopCountFactory(nation=nation, counted_on=on)
        IntentionFactory(nation=nation, reported_on=on)


def test_a_change_whose_previous_value_is_older_than_the_read_window_is_right(
    canada: Nation,
) -> None:
    limit = 2
    # A busy pair: a long history, all of it before the window read.
    december = [datetime.date(2019, 12, day) for day in range(1, 21)]
    for day, on in enumerate(december):
        TroopCountFactory(nation=canada, troops=100 + day % 2 * 100, counted_on=on)
        IntentionFactory(
            nation=canada,
            stance=[Stance.STAYING, Stance.REINFORCING][day % 2],
            reported_on=on,
        )
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[1])
    IntentionFactory(nation=canada, stance=Stance.UNDECIDED, reported_on=JAN[1])
    fill_other_pairs(limit * READ_WINDOW_FACTOR + 2)
    TroopCountFactory(nation=canada, troops=900, counted_on=JAN[31])
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on=JAN[30])

    assert summaries(limit=limit) == [
        "Canada in Iraq: troops ~500 → ~900",
        "Canada in Iraq: stance Undecided → Withdrawing",
    ]


def test_more_repeats_than_the_read_window_hide_an_older_change(
    canada: Nation,
) -> None:
    """The documented price of the bound: only the newest ``limit *
    READ_WINDOW_FACTOR`` rows of each kind are read."""
    limit = 1
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[1])
    for day in range(2, limit * READ_WINDOW_FACTOR + 3):
        TroopCountFactory(nation=canada, troops=900, counted_on=JAN[day])

    assert summaries(limit=limit) == []
    assert summaries(limit=limit * 10)[0] == "Canada in Iraq: troops ~500 → ~900"


def random_history(seed: int) -> None:
    """Counts and statements of a few pairs with few distinct values and dates,
    so that repeats, ties of date and retractions are common, entered in no
    particular order."""
    rng = random.Random(seed)
    nations = [NationFactory() for _ in range(3)]
    hosts = [NationFactory(code="IRQ", name="Iraq"), NationFactory(code="SYR")]
    sources = Source.objects.bulk_create(
        Source(title=f"Report {number}", publisher="Wire", published_on=JAN[1])
        for number in range(160)
    )
    deployments = {
        (nation, host): Deployment.objects.of(nation.pk, host.pk)
        for nation in nations
        for host in hosts
    }

    def where() -> dict[str, object]:
        nation, host = rng.choice(nations), rng.choice(hosts)
        return {"nation": nation, "host": host, "deployment": deployments[nation, host]}

    counts = []
    for source in sources[:80]:
        troops = rng.choice([100, 200, 200, None])
        counts.append(
            TroopCount(
                **where(),
                troops=troops,
                precision=Precision.UNKNOWN
                if troops is None
                else rng.choice([Precision.EXACT, Precision.APPROXIMATE]),
                counted_on=JAN[rng.randint(1, 8)],
                source=source,
                excerpt="some troops",
            )
        )
    TroopCount.objects.bulk_create(counts)
    statements = []
    for source in sources[80:]:
        reported = rng.randint(2, 9)
        statements.append(
            Intention(
                **where(),
                stance=rng.choice([Stance.STAYING, Stance.WITHDRAWING]),
                speaker="A spokesperson",
                stated_on=rng.choice([None, JAN[rng.randint(1, reported)]]),
                reported_on=JAN[reported],
                quote="We will.",
                source=source,
                standing=rng.choice([Standing.ASSERTED] * 3 + [Standing.RETRACTED]),
            )
        )
    Intention.objects.bulk_create(statements)


def changes_read_from_every_row(limit: int) -> list[tuple[object, ...]]:
    """What ``status_changes(limit)`` must return, worked out in Python from
    every row: (kind, id, before, after, date)."""
    window = limit * READ_WINDOW_FACTOR

    def changes(
        kind: str,
        records: list[Any],
        key: Callable[[Any], tuple[object, ...]],
        value: Callable[[Any], str],
    ) -> list[tuple[object, ...]]:
        previous: dict[tuple[int, int], str] = {}
        found = []
        for record in sorted(records, key=key):
            pair = (record.nation_id, record.host_id)
            before, after = previous.get(pair), value(record)
            previous[pair] = after
            found.append((before != after, (kind, record.pk, before, after)))
        newest = found[::-1][:window]
        return [change for is_change, change in newest if is_change]

    counts = changes(
        "troops",
        list(TroopCount.objects.all()),
        lambda count: (count.counted_on, count.pk),
        lambda count: count.display_troops,
    )
    statements = changes(
        "stance",
        list(Intention.objects.exclude(standing=Standing.RETRACTED)),
        lambda statement: (statement.said_on, statement.reported_on, statement.pk),
        lambda statement: statement.get_stance_display(),
    )
    dates = {
        **{
            ("troops", count.pk): count.counted_on for count in TroopCount.objects.all()
        },
        **{
            ("stance", statement.pk): statement.said_on
            for statement in Intention.objects.all()
        },
    }
    everything = [(*change, dates[change[:2]]) for change in counts + statements]
    everything.sort(key=lambda change: (change[4], change[1]), reverse=True)
    return everything[:limit]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("limit", [2, 5, 100])
def test_the_changes_are_those_read_from_every_row(seed: int, limit: int) -> None:
    random_history(seed)

    found = [
        (change.kind, change.record_id, change.before, change.after, change.changed_on)
        for change in status_changes(limit=limit)
    ]

    assert found
    assert found == changes_read_from_every_row(limit)


def test_changes_are_plain_values_with_everything_the_feed_shows(
    canada: Nation,
) -> None:
    count = TroopCountFactory(
        nation=canada, troops=500, counted_on=JAN[3], source__url="https://a.example/"
    )
    statement = IntentionFactory(
        nation=canada, stated_on=JAN[2], reported_on=JAN[4], quote="We stay."
    )

    troops, stance = status_changes()

    assert troops == StatusChange(
        kind="troops",
        record_type="troopcount",
        record_id=count.pk,
        nation_code="CAN",
        nation_name="Canada",
        host_code="IRQ",
        host_name="Iraq",
        before=None,
        after="~500",
        changed_on=JAN[3],
        source_id=count.source_id,
        source_title=count.source.title,
        source_publisher="Test Wire",
        source_published_on=count.source.published_on,
        source_url="https://a.example/",
        quote="some 500 troops",
    )
    assert troops.source == str(count.source)
    assert (stance.kind, stance.record_type, stance.record_id) == (
        "stance",
        "intention",
        statement.pk,
    )
    assert (stance.changed_on, stance.quote, stance.source) == (
        JAN[2],
        "We stay.",
        str(statement.source),
    )
    assert pickle.loads(pickle.dumps([troops, stance])) == [troops, stance]


@pytest.mark.parametrize("pairs", [1, 10])
def test_changes_take_two_queries_whatever_the_data(
    pairs: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(pairs):
        count = TroopCountFactory(counted_on=JAN[1])
        TroopCountFactory(nation=count.nation, counted_on=JAN[2], troops=900)
        IntentionFactory(nation=count.nation)
    # A transaction that has written reads around the cache:
    # 1. the newest counts, each with its pair's previous figure;
    # 2. the newest standing statements, each with its pair's previous stance.
    with django_assert_num_queries(2):
        changes = status_changes()
    assert len(changes) == pairs * 3


@pytest.mark.django_db(transaction=True)
def test_changes_are_kept_until_the_data_changes(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500, counted_on=JAN[3])
    # 1. the revision; 2. counts; 3. statements; 4. the revision again,
    # which must not have moved for the result to be kept
    with django_assert_num_queries(4):
        first = status_changes()
    # 1. the revision
    with django_assert_num_queries(1):
        assert status_changes() == first

    TroopCountFactory(nation=canada, troops=700, counted_on=JAN[5])

    with django_assert_num_queries(4):
        assert status_changes()[0].summary == "Canada in Iraq: troops ~500 → ~700"
