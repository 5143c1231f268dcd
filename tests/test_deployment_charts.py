"""The geometry of the nation page's charts (deployments/deployment_charts.py):
plain values in, marks out; no database."""

from __future__ import annotations

import datetime
import random

from deployments.deployment_charts import (
    MAX_MARKS,
    MAX_STATEMENTS,
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    PLOT_TOP,
    deployment_chart,
)
from deployments.models import Precision, Stance, Standing
from deployments.status.evidence import (
    Figure,
    conflict_groups,
    in_conflict,
    window_days,
)
from deployments.status.history import ChartFigure, ChartStatement, DeploymentHistory
from deployments.status.outcomes import Outcome

DAY = datetime.date(2020, 1, 8)


def figure(
    pk: int,
    days: int,
    troops: int,
    publisher: str,
    *,
    low: int | None = None,
    high: int | None = None,
    precision: str = Precision.EXACT,
    standing: str = Standing.ASSERTED,
) -> ChartFigure:
    return ChartFigure(
        Figure(
            id=pk,
            counted_on=DAY + datetime.timedelta(days=days),
            troops=troops,
            low=low,
            high=high,
            precision=precision,
            standing=standing,
            source_key=f"publisher:{publisher.casefold()}",
        ),
        f"Report {pk}",
        publisher,
    )


def statement(
    pk: int, days: int, stance: str, outcome: str | None = None
) -> ChartStatement:
    return ChartStatement(
        id=pk,
        said_on=DAY + datetime.timedelta(days=days),
        stance=stance,
        temporary=False,
        standing=Standing.ASSERTED,
        troops_affected=None,
        target_troops=None,
        destination_name=None,
        source_title=f"Statement {pk}",
        publisher="Wire",
        outcome=outcome,
    )


def history(
    figures: list[ChartFigure], statements: list[ChartStatement] | None = None
) -> DeploymentHistory:
    return DeploymentHistory(7, "IRQ", "Iraq", "", figures, statements or [])


def test_marks_are_placed_by_date_and_value() -> None:
    chart = deployment_chart(
        history(
            [
                figure(1, 0, 1000, "A"),
                figure(2, 60, 2000, "A"),
                figure(3, 120, 500, "A"),
            ]
        )
    )
    first, second, third = chart.marks
    assert PLOT_LEFT < first.x < second.x < third.x < PLOT_RIGHT
    # Higher figures sit higher (smaller y), all inside the plot.
    assert PLOT_TOP <= second.y < first.y < third.y <= PLOT_BOTTOM
    # On a linear scale from zero: 2,000 is twice as far from the axis as 1,000.
    assert abs((PLOT_BOTTOM - second.y) - 2 * (PLOT_BOTTOM - first.y)) < 1
    assert [mark.shape for mark in chart.marks] == ["point"] * 3
    assert [mark.figure for mark in chart.marks] == ["1,000", "2,000", "500"]


def test_reports_of_one_day_are_drawn_side_by_side() -> None:
    chart = deployment_chart(
        history([figure(1, 0, 1000, "A"), figure(2, 0, 1000, "B")])
    )
    assert chart.marks[0].x != chart.marks[1].x
    assert abs(chart.marks[0].x - chart.marks[1].x) < 10


def test_a_range_is_drawn_from_its_low_to_its_high_end() -> None:
    chart = deployment_chart(
        history([figure(1, 0, 30, "A", low=30, high=40), figure(2, 90, 100, "A")])
    )
    ranged = chart.marks[0]
    assert ranged.shape == "range"
    assert ranged.y_low > ranged.y_high  # the low end is lower on the page
    assert ranged.bar_height > 2
    assert "30" in ranged.title


def test_bounds_are_open_ended_bars_with_an_arrow() -> None:
    chart = deployment_chart(
        history(
            [
                figure(1, 0, 900, "A", low=900),  # over 900
                figure(2, 90, 12000, "A", high=12000),  # nearly 12,000
            ]
        )
    )
    over, nearly = chart.marks
    assert over.shape == "lower_bound" and over.arrow_tip == over.y_high < over.y
    assert nearly.shape == "upper_bound" and nearly.arrow_tip == nearly.y_low > nearly.y


def test_approximate_figures_have_whiskers_of_their_tolerance() -> None:
    chart = deployment_chart(
        history(
            [
                figure(1, 0, 1000, "A", precision=Precision.APPROXIMATE),
                figure(2, 90, 1000, "A"),
            ]
        )
    )
    approximate, exact = chart.marks
    assert approximate.whiskers and approximate.y_low > approximate.y_high
    assert not exact.whiskers


def test_conflicting_marks_are_flagged_apart_and_labelled() -> None:
    # 1,000 and 3,000 a week apart from independent sources: the rules say
    # they conflict; the third, from the same source as the first, agrees.
    chart = deployment_chart(
        history(
            [
                figure(1, 0, 1000, "A"),
                figure(2, 7, 3000, "B"),
                figure(3, 200, 1000, "A"),
            ]
        )
    )
    one, other, alone = chart.marks
    assert "conflict" in one.classes.split() and "conflict" in other.classes.split()
    assert "conflict" not in alone.classes.split()
    assert [one.label, other.label] == ["conflict", ""]  # one label per group
    assert one.relation == "in conflict with B (3,000)"
    assert other.relation == "in conflict with A (1,000)"
    assert chart.conflicts == 1
    assert "1 unresolved conflict between figures." in chart.summary


def test_a_resolved_conflict_keeps_its_figures_together_marked_resolved() -> None:
    preferred = figure(1, 0, 1000, "A")
    preferred = preferred._replace(figure=preferred.figure._replace(preferred=True))
    set_aside = figure(2, 7, 3000, "B", standing=Standing.SUPERSEDED)
    chart = deployment_chart(history([preferred, set_aside]))
    assert all("resolved" in mark.classes for mark in chart.marks)
    assert chart.marks[0].relation == (
        "conflict with B (3,000) resolved; preferred figure"
    )
    assert chart.marks[0].label == "resolved"
    assert "standing-superseded" in chart.marks[1].classes
    assert chart.conflicts == 0


def test_corroborating_marks_share_a_band() -> None:
    chart = deployment_chart(
        history(
            [
                figure(1, 0, 1000, "A", precision=Precision.APPROXIMATE),
                figure(2, 3, 1050, "B"),
                # The same source again: corroborates B, not its own first.
                figure(3, 5, 1020, "A", precision=Precision.APPROXIMATE),
                figure(4, 300, 5000, "C"),
            ]
        )
    )
    first, second, third, far = chart.marks
    assert all("corroborated" in mark.classes for mark in (first, second, third))
    assert first.relation == third.relation == "corroborated by 1 other source (B)"
    assert second.relation == "corroborated by 1 other source (A)"
    assert far.relation == ""
    (band,) = chart.bands
    for mark in (first, second, third):
        assert band.x < mark.x < band.x + band.width
        assert band.y < mark.y < band.y + band.height
    assert not band.x < far.x < band.x + band.width


def test_statements_are_markers_labelled_with_their_outcome() -> None:
    chart = deployment_chart(
        history(
            [figure(1, 0, 1000, "A"), figure(2, 100, 400, "A")],
            [
                statement(1, 30, Stance.WITHDRAWING, Outcome.PENDING),
                statement(2, 60, Stance.STAYING, Outcome.FULFILLED),
                statement(3, 90, Stance.UNDECIDED),
            ],
        )
    )
    labels = [mark.label for mark in chart.statements]
    assert labels == ["withdrawing — pending", "staying — fulfilled", "undecided"]
    assert chart.marks[0].x < chart.statements[0].x < chart.marks[1].x
    assert all(mark.label_y is not None for mark in chart.statements)
    assert "outcome-pending" in chart.statements[0].classes
    assert chart.statements[2].outcome == "none (no move announced)"


def test_labels_that_would_overlap_go_to_other_lanes() -> None:
    chart = deployment_chart(
        history(
            [figure(1, 0, 1000, "A"), figure(2, 400, 1000, "A")],
            [
                statement(n, 10 + n, Stance.WITHDRAWING, Outcome.PENDING)
                for n in range(5)
            ],
        )
    )
    lanes = [mark.label_y for mark in chart.statements]
    assert len({lane for lane in lanes if lane is not None}) == 3
    assert lanes.count(None) == 2  # no room left; the table still lists them


def test_many_figures_are_bucketed_keeping_lowest_highest_and_counts() -> None:
    chooser = random.Random(3)
    figures = [
        figure(n, n, chooser.randint(800, 1200), f"P{n % 5}")
        for n in range(MAX_MARKS + 300)
    ]
    figures[42] = figure(42, 42, 5, "P2")
    figures[43] = figure(43, 43, 20_000, "P3")
    chart = deployment_chart(history(figures))
    assert chart.aggregated_by == "month"
    assert len(chart.marks) <= 60
    assert {mark.shape for mark in chart.marks} == {"bucket"}
    assert sum(mark.reports for mark in chart.marks) == len(figures)
    # 8 January 2020 + 42 days is in February.
    february = next(mark for mark in chart.marks if mark.on.month == 2)
    assert february.figure.startswith("5–") and february.figure.endswith("20,000")
    assert february.until == datetime.date(2020, 2, 29)
    assert "conflict" in february.classes  # 5 and 20,000 conflict with the rest
    assert february.y_low > february.y_high


def test_a_short_crowded_history_is_bucketed_by_week_from_monday() -> None:
    figures = [figure(n, n, 1000, "A") for n in range(MAX_MARKS + 10)]
    chart = deployment_chart(history(figures))
    assert chart.aggregated_by == "week"
    first, second = chart.marks[:2]
    # 8 January 2020 was a Wednesday: its week ran from the 6th to the 12th.
    assert (first.on, first.until) == (datetime.date(2020, 1, 6), DAY.replace(day=12))
    assert first.reports == 5
    assert (second.on, second.reports) == (datetime.date(2020, 1, 13), 7)
    assert sum(mark.reports for mark in chart.marks) == len(figures)


def test_a_few_figures_are_not_bucketed() -> None:
    figures = [figure(n, n, 1000, "A") for n in range(MAX_MARKS)]
    chart = deployment_chart(history(figures))
    assert chart.aggregated_by is None
    assert len(chart.marks) == MAX_MARKS


def test_many_statements_are_bucketed_with_their_numbers() -> None:
    statements = [
        statement(n, n * 3, Stance.WITHDRAWING, Outcome.PENDING)
        for n in range(MAX_STATEMENTS + 1)
    ]
    chart = deployment_chart(history([], statements))
    assert chart.statements_aggregated_by is not None
    assert chart.statement_count == MAX_STATEMENTS + 1
    assert len(chart.statements) <= MAX_STATEMENTS // 2
    assert "withdrawing — pending" in chart.statements[0].details


def test_an_empty_deployment_draws_nothing() -> None:
    chart = deployment_chart(history([], []))
    assert chart.empty
    assert chart.marks == chart.statements == chart.bands == []
    assert chart.x_ticks == chart.y_ticks == []


def pairwise_groups(figures: list[Figure]) -> list[tuple[list[Figure], bool]]:
    """The rules read literally: every pair asked ``in_conflict`` (as if
    asserted), chains of conflicts joined, a group open when a pair still
    standing and not replaced by its source conflicts. Slow, and obviously
    right."""
    considered = sorted(
        (f for f in figures if f.troops is not None and f.standing != "retracted"),
        key=lambda f: (f.counted_on, f.id),
    )
    groups: list[list[Figure]] = []
    for one in considered:
        touching = [
            g
            for g in groups
            if any(
                in_conflict(
                    one._replace(standing="asserted"), o._replace(standing="asserted")
                )
                for o in g
            )
        ]
        merged = [f for g in touching for f in g] + [one]
        groups = [g for g in groups if g not in touching] + [merged]
    found = [
        sorted(g, key=lambda f: (f.counted_on, f.id)) for g in groups if len(g) > 1
    ]
    found.sort(key=lambda g: (g[0].counted_on, g[0].id))

    def replaced(one: Figure) -> bool:
        """A later asserted figure of its source within the window."""
        return any(
            other.source_key == one.source_key
            and other.standing == "asserted"
            and (other.counted_on, other.id) > (one.counted_on, one.id)
            and other.counted_on - one.counted_on <= window_days()
            for other in considered
        )

    return [
        (
            g,
            any(
                in_conflict(a, b) and not replaced(a) and not replaced(b)
                for i, a in enumerate(g)
                for b in g[i + 1 :]
            ),
        )
        for g in found
    ]


def test_many_figures_are_grouped_in_conflicts_as_the_rules_group_them() -> None:
    chooser = random.Random(11)
    grouped = opened = 0
    for _ in range(10):
        figures = [
            figure(
                n,
                chooser.randint(0, 600),
                chooser.choice([100, 1000, 1100, 3000]),
                chooser.choice("ABC"),
                precision=chooser.choice(list(Precision)[:3]),
                standing=chooser.choice(list(Standing)),
            ).figure
            for n in range(MAX_MARKS + 50)
        ]
        expected = pairwise_groups(figures)
        assert [tuple(g) for g in conflict_groups(figures)] == expected
        grouped += len(expected)
        opened += sum(still_open for _, still_open in expected)
    # The data did have conflicts to find, open and resolved.
    assert grouped > opened > 0
