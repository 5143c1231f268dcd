"""Geometry of the nation page's charts: one deployment's troop figures over
time, one mark per report, and its statements as labelled markers.

Everything is placed here, in Python; ``_deployment_chart.html`` only draws.
What the marks say comes from the written rules (``status/evidence.py``):

- a figure given as one number is a dot; an approximate or estimated one has
  whiskers for the tolerance the rules give it; a range is a bar from its low
  to its high end; a bound ("over 900", "nearly 12,000") is a bar ending in
  an arrow, open on its unbounded side;
- figures in a conflict (``conflict_groups``) are hollow with a dashed
  outline and labelled "conflict" (or "resolved" once an analyst preferred
  one); figures that corroborate each other (independent sources, within the
  window, spans overlapping) sit on one shaded band;
- disputed and superseded figures are hollow and grey;
- beyond ``MAX_MARKS`` figures, marks would cover one another: the figures are
  then bucketed by a calendar period (a week, a month, a quarter, a year …)
  into one bar per bucket from its lowest to its highest figure, with the
  number of reports, and the text equivalent says so. Statements are bucketed
  the same way beyond ``MAX_STATEMENTS``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from deployments.models import Precision, Standing
from deployments.status.evidence import (
    Figure,
    conflict_groups,
    window_days,
)
from deployments.status.history import ChartFigure, ChartStatement, DeploymentHistory

WIDTH = 640
HEIGHT = 290
PLOT_LEFT = 64
PLOT_RIGHT = WIDTH - 16
PLOT_TOP = 28
PLOT_BOTTOM = 196
# Statement markers sit under the date axis, their labels in lanes below.
STATEMENT_Y = 226
LABEL_LANES = (244, 258, 272)
LABEL_CHAR_WIDTH = 6.0  # at the chart's 11px label size, roughly
ARROW = 16  # length of a bound's open end
DOT = 3.5
# More figures than this and marks cover one another on 560 pixels.
MAX_MARKS = 200
MAX_STATEMENTS = 40
MAX_BUCKETS = 60
# Calendar periods to bucket by, in months (0: a week), finest first.
PERIODS = (0, 1, 3, 6, 12, 24, 60, 120)
PERIOD_NAMES = {
    0: "week",
    1: "month",
    3: "quarter",
    6: "half-year",
    12: "year",
    24: "two years",
    60: "five years",
    120: "ten years",
}


@dataclass(frozen=True)
class Mark:
    """One figure (or one bucket of figures) as drawn and as listed."""

    x: float
    y: float  # the figure (a bucket's lowest)
    y_low: float  # the bottom of the bar or whisker
    y_high: float  # the top of the bar or whisker
    shape: str  # point, range, lower_bound, upper_bound, bucket
    classes: str
    title: str  # the mark's own <title>
    # For the text equivalent:
    on: datetime.date
    until: datetime.date | None  # a bucket's last day
    figure: str
    source: str
    standing: str
    relation: str  # "conflict with …", "corroborated by …", ""
    label: str = ""  # "conflict", "resolved": written beside the mark
    reports: int = 1

    @property
    def whiskers(self) -> bool:
        return self.shape == "point" and self.y_low != self.y_high

    @property
    def arrow_tip(self) -> float:
        """Where a bound's arrow points."""
        return self.y_high if self.shape == "lower_bound" else self.y_low

    @property
    def arrow_path(self) -> str:
        tip = self.arrow_tip
        back = tip + (5 if self.shape == "lower_bound" else -5)
        left, right = self.x - 4, self.x + 4
        return f"M{left:.1f} {back:.1f}L{self.x:.1f} {tip:.1f}L{right:.1f} {back:.1f}"

    @property
    def bar_width(self) -> float:
        """A bound is a thin bar ending in an arrow; a range a thick one."""
        return 2.0 if self.shape in ("lower_bound", "upper_bound") else 6.0

    @property
    def bar_x(self) -> float:
        return round(self.x - self.bar_width / 2, 1)

    @property
    def bar_y(self) -> float:
        return min(self.y_low, self.y_high)

    @property
    def bar_height(self) -> float:
        return max(abs(self.y_low - self.y_high), 2.0)

    @property
    def label_y(self) -> float:
        return min(self.y_low, self.y_high) - 5


@dataclass(frozen=True)
class Band:
    """Behind figures that corroborate one another."""

    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class StatementMark:
    x: float
    label: str
    title: str
    classes: str
    label_y: float | None  # None: no room for a label (the table has it)
    label_anchor: str
    on: datetime.date
    until: datetime.date | None
    statement: str
    details: str
    source: str
    outcome: str
    statements: int = 1


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class DeploymentChart:
    """One deployment's chart, ready to draw."""

    chart_id: str
    host: str
    host_name: str
    operation: str
    marks: list[Mark]
    bands: list[Band]
    statements: list[StatementMark]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    figures: int  # reports drawn (in buckets, when aggregated)
    sources: int  # independent sources among them
    conflicts: int  # conflict groups still open
    unknown_figures: int
    aggregated_by: str | None = None  # the period, when figures are bucketed
    statements_aggregated_by: str | None = None
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    statement_y: int = STATEMENT_Y
    title: str = ""
    summary: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.marks and not self.statements

    @property
    def statement_count(self) -> int:
        return sum(mark.statements for mark in self.statements)


def deployment_chart(history: DeploymentHistory) -> DeploymentChart:
    """Place a deployment's figures and statements (see the module's rules)."""
    figures = history.figures
    dates = [f.figure.counted_on for f in figures] + [
        s.said_on for s in history.statements
    ]
    x_of, x_ticks = _time_scale(dates)
    top = _value_top(figures)
    y_of, y_ticks = _value_scale(top)
    if not figures:
        y_ticks = []
    groups = conflict_groups([f.figure for f in figures])
    # Each conflicting figure's group, and whether that conflict is open.
    in_group = {
        figure.id: (index, still_open)
        for index, (group, still_open) in enumerate(groups)
        for figure in group
    }
    sources = len({f.figure.source_key for f in figures})
    if len(figures) > MAX_MARKS:
        period = _period_for([f.figure.counted_on for f in figures], MAX_BUCKETS)
        marks = _bucket_marks(figures, period, x_of, y_of, in_group)
        bands: list[Band] = []
        aggregated_by: str | None = PERIOD_NAMES[period]
    else:
        marks, bands = _figure_marks(figures, x_of, y_of, in_group)
        aggregated_by = None
    statements, statements_by = _statement_marks(history.statements, x_of)
    open_conflicts = sum(still_open for _, still_open in groups)
    title = f"Troops of the nation in {history.host_name} over time"
    summary = _summary(len(figures), sources, open_conflicts, statements, top)
    return DeploymentChart(
        chart_id=f"deployment-{history.deployment}",
        host=history.host,
        host_name=history.host_name,
        operation=history.operation,
        marks=marks,
        bands=bands,
        statements=statements,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        figures=len(figures),
        sources=sources,
        conflicts=open_conflicts,
        unknown_figures=history.unknown_figures,
        aggregated_by=aggregated_by,
        statements_aggregated_by=statements_by,
        title=title,
        summary=summary,
    )


# Scales.


def _time_scale(
    dates: Sequence[datetime.date],
) -> tuple[dict[datetime.date, float], list[Tick]]:
    """x of each date (a dict: the same dates come again and again) and the
    axis's ticks at the start of months or years."""
    if not dates:
        return {}, []
    first, last = min(dates), max(dates)
    if (last - first).days < 30:  # a month at least, centred on the dates
        pad = datetime.timedelta(days=(30 - (last - first).days) // 2 + 1)
        first, last = first - pad, last + pad
    start, span = first.toordinal(), (last - first).days
    # A little room at both ends, so that a mark is never cut by the frame.
    usable = PLOT_RIGHT - PLOT_LEFT - 16

    def x(day: datetime.date) -> float:
        return round(PLOT_LEFT + 8 + usable * (day.toordinal() - start) / span, 1)

    months = (last.year - first.year) * 12 + last.month - first.month
    step = next(s for s in (1, 2, 3, 6, 12, 24, 60, 120, 240) if months / s <= 6)
    ticks = []
    month = (first.year * 12 + first.month - 1) // step * step + step
    while month <= last.year * 12 + last.month - 1:
        day = datetime.date(month // 12, month % 12 + 1, 1)
        text = f"{day:%Y}" if step >= 12 else f"{day:%b %Y}"
        ticks.append(Tick(x(day), text))
        month += step
    return {day: x(day) for day in set(dates)}, ticks


def _value_top(figures: Sequence[ChartFigure]) -> float:
    """The largest number the chart must show, a bound's arrow included."""
    largest = 0.0
    for chart_figure in figures:
        low, high = chart_figure.figure.span()
        largest = max(largest, low if math.isinf(high) else high)
    return largest


def _value_scale(largest: float) -> tuple[_Scale, list[Tick]]:
    """y of a number from 0 to a round top with room above the largest, and
    about five ticks."""
    step = 1.0
    for magnitude in range(0, 8):
        for factor in (1, 2, 2.5, 5):
            step = factor * 10**magnitude
            if largest * 1.08 / step <= 5:
                break
        else:
            continue
        break
    top = max(step * math.ceil(largest * 1.08 / step), step)
    scale = _Scale(top)
    ticks = [
        Tick(scale(step * n), f"{step * n:,.0f}") for n in range(int(top / step) + 1)
    ]
    return scale, ticks


@dataclass(frozen=True)
class _Scale:
    top: float

    def __call__(self, value: float) -> float:
        value = min(value, self.top)
        return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / self.top, 1)


# Figures one by one.


def _figure_marks(
    figures: Sequence[ChartFigure],
    x_of: dict[datetime.date, float],
    y_of: _Scale,
    in_group: dict[int, tuple[int, bool]],
) -> tuple[list[Mark], list[Band]]:
    """One mark per report, reports of one day side by side, and a band
    behind each set of figures that corroborate one another."""
    same_day: dict[datetime.date, int] = {}
    for chart_figure in figures:
        day = chart_figure.figure.counted_on
        same_day[day] = same_day.get(day, 0) + 1
    placed_on_day: dict[datetime.date, int] = {}
    pairs = _pairs(figures, in_group)
    by_id = {f.figure.id: f for f in figures}
    marks = []
    x_by_id = {}
    labelled: set[int] = set()
    for chart_figure in figures:
        figure = chart_figure.figure
        day = figure.counted_on
        nth = placed_on_day.get(day, 0)
        placed_on_day[day] = nth + 1
        x = x_of[day] + (nth - (same_day[day] - 1) / 2) * 7
        x_by_id[figure.id] = x
        shape, y, y_low, y_high = _shape(figure, y_of)
        classes, label, relation = _relation(figure, in_group, pairs, by_id, labelled)
        classes += f" precision-{figure.precision}"
        if figure.standing != Standing.ASSERTED:
            classes += f" standing-{figure.standing}"
        standing = str(Standing(figure.standing).label)
        marks.append(
            Mark(
                x=round(x, 1),
                y=y,
                y_low=y_low,
                y_high=y_high,
                shape=shape,
                classes=classes,
                title=_title(chart_figure, standing, relation),
                on=day,
                until=None,
                figure=chart_figure.display,
                source=chart_figure.source_label,
                standing=standing,
                relation=relation,
                label=label,
            )
        )
    bands = [
        _band([by_id[pk] for pk in cluster], x_by_id, y_of)
        for cluster in _clusters(pairs[0])
    ]
    return marks, bands


def _shape(figure: Figure, y_of: _Scale) -> tuple[str, float, float, float]:
    """The mark's shape and its y: the figure, the bottom and the top."""
    assert figure.troops is not None
    if figure.low is not None and figure.high is None:
        y = y_of(figure.low)
        return "lower_bound", y, y, max(y - ARROW, PLOT_TOP)
    if figure.high is not None and figure.low is None:
        y = y_of(figure.high)
        return "upper_bound", y, min(y + ARROW, PLOT_BOTTOM), y
    if figure.low is not None and figure.high is not None:
        return "range", y_of(figure.low), y_of(figure.low), y_of(figure.high)
    low, high = figure.span()
    return "point", y_of(figure.troops), y_of(low), y_of(high)


def _pairs(
    figures: Sequence[ChartFigure], in_group: dict[int, tuple[int, bool]]
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """For each figure, the figures of other sources within the window that
    corroborate it (both credible, spans overlapping: ``agree``) and those it
    conflicts with (both in one conflict group, spans apart, judged as
    ``conflict_groups`` does, as if asserted). Spans are worked out once."""
    spans = {f.figure.id: f.figure.span() for f in figures}
    window = window_days()
    agreeing: dict[int, set[int]] = {f.figure.id: set() for f in figures}
    opposing: dict[int, set[int]] = {f.figure.id: set() for f in figures}
    for index, chart_figure in enumerate(figures):  # oldest first
        one = chart_figure.figure
        low, high = spans[one.id]
        for other_figure in figures[index + 1 :]:
            other = other_figure.figure
            if other.counted_on - one.counted_on > window:
                break
            if other.source_key == one.source_key:
                continue
            other_low, other_high = spans[other.id]
            if low <= other_high and other_low <= high:
                if one.credible and other.credible:
                    agreeing[one.id].add(other.id)
                    agreeing[other.id].add(one.id)
            elif in_group.get(one.id, (-1,))[0] == in_group.get(other.id, (-2,))[0]:
                opposing[one.id].add(other.id)
                opposing[other.id].add(one.id)
    return agreeing, opposing


def _relation(
    figure: Figure,
    in_group: dict[int, tuple[int, bool]],
    pairs: tuple[dict[int, set[int]], dict[int, set[int]]],
    by_id: dict[int, ChartFigure],
    labelled: set[int],
) -> tuple[str, str, str]:
    """The mark's classes, its label and the words of its relation to others:
    "in conflict with Weekly (600); corroborated by 1 other source (Daily)"."""
    agreeing, opposing = pairs
    classes, label, words = "mark", "", []
    if figure.id in in_group:
        group, still_open = in_group[figure.id]
        others = ", ".join(
            f"{by_id[pk].publisher} ({by_id[pk].display})"
            for pk in sorted(opposing[figure.id])
        )
        words.append(
            f"in conflict with {others}"
            if still_open
            else f"conflict with {others} resolved"
        )
        if figure.preferred:
            words.append("preferred figure")
        classes = "mark conflict" if still_open else "mark conflict resolved"
        # The group's first figure carries its label; the others its style.
        if group not in labelled:
            label = "conflict" if still_open else "resolved"
        labelled.add(group)
    if agreeing.get(figure.id):
        # Independent sources, however many outlets printed each.
        sources = len({by_id[pk].figure.source_key for pk in agreeing[figure.id]})
        names = sorted({by_id[pk].publisher for pk in agreeing[figure.id]})
        classes += " corroborated"
        words.append(
            f"corroborated by {sources} other source{'s' if sources > 1 else ''}"
            f" ({', '.join(names)})"
        )
    return classes, label, "; ".join(words)


def _title(chart_figure: ChartFigure, standing: str, relation: str) -> str:
    figure = chart_figure.figure
    words = f"{figure.counted_on:%-d %B %Y}: {chart_figure.display} troops"
    words += f" ({Precision(figure.precision).label.lower()}), "
    words += chart_figure.source_label
    if figure.standing != Standing.ASSERTED:
        words += f"; {standing.lower()}"
    if relation:
        words += f"; {relation}"
    return words


def _clusters(corroborating: dict[int, set[int]]) -> list[list[int]]:
    """Figures linked by chains of corroboration, two or more to a cluster."""
    seen: set[int] = set()
    clusters = []
    for start in corroborating:
        if start in seen or not corroborating[start]:
            continue
        cluster, stack = [], [start]
        seen.add(start)
        while stack:
            pk = stack.pop()
            cluster.append(pk)
            for other in corroborating[pk] - seen:
                seen.add(other)
                stack.append(other)
        clusters.append(sorted(cluster))
    return clusters


def _band(members: list[ChartFigure], x_by_id: dict[int, float], y_of: _Scale) -> Band:
    xs = [x_by_id[member.figure.id] for member in members]
    ends = [member.figure.given() for member in members]
    low = min(low for low, _ in ends)
    high = max(high if high is not None else low for low, high in ends)
    y_top, y_bottom = y_of(high), y_of(low)
    publishers = sorted({member.publisher for member in members})
    return Band(
        x=round(min(xs) - 6, 1),
        y=round(y_top - 6, 1),
        width=round(max(xs) - min(xs) + 12, 1),
        height=round(y_bottom - y_top + 12, 1),
        title=f"{len(members)} figures that corroborate one another, "
        f"from {', '.join(publishers)}",
    )


# Figures in buckets.


def _period_for(dates: Sequence[datetime.date], most: int) -> int:
    """The finest period giving at most ``most`` buckets between the dates."""
    first, last = min(dates), max(dates)
    for months in PERIODS:
        if months == 0:
            buckets = (last - first).days // 7 + 1
        else:
            buckets = ((last.year - first.year) * 12 + last.month - first.month) // (
                months
            ) + 1
        if buckets <= most:
            return months
    return PERIODS[-1]


def _period_of(day: datetime.date, months: int) -> int:
    """Which period of ``months`` (weeks when 0) holds ``day``, as a number:
    cheap enough to work out for every figure of a long history."""
    if months == 0:
        return day.toordinal() - day.weekday()
    return (day.year * 12 + day.month - 1) // months * months


def _period_days(period: int, months: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a period numbered by ``_period_of``."""
    if months == 0:
        start = datetime.date.fromordinal(period)
        return start, start + datetime.timedelta(days=6)
    start = datetime.date(period // 12, period % 12 + 1, 1)
    after = period + months
    end = datetime.date(after // 12, after % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def _bucket_of(day: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the period of ``months`` holding ``day``."""
    return _period_days(_period_of(day, months), months)


def _bucket_marks(
    figures: Sequence[ChartFigure],
    months: int,
    x_of: dict[datetime.date, float],
    y_of: _Scale,
    in_group: dict[int, tuple[int, bool]],
) -> list[Mark]:
    """One bar per period from its lowest figure given to its highest."""
    buckets: dict[int, list[ChartFigure]] = {}
    for chart_figure in figures:
        period = _period_of(chart_figure.figure.counted_on, months)
        buckets.setdefault(period, []).append(chart_figure)
    marks = []
    for period, members in buckets.items():
        start, end = _period_days(period, months)
        given = [member.figure.given() for member in members]
        low = min(low for low, _ in given)
        high = max(high if high is not None else low for low, high in given)
        open_high = any(high is None for _, high in given)
        conflicts = sum(
            in_group.get(member.figure.id, (0, False))[1] for member in members
        )
        sources = len({member.figure.source_key for member in members})
        first = min(member.figure.counted_on for member in members)
        last = max(member.figure.counted_on for member in members)
        x = round((x_of[first] + x_of[last]) / 2, 1)
        figure = f"{low:,}–{high:,}" if low != high else f"{low:,}"
        if open_high:
            figure += " (and more: an open bound)"
        relation = (
            f"{conflicts} of them in conflict"
            if conflicts
            else f"from {sources} source{'s' if sources > 1 else ''}"
        )
        reports = len(members)
        marks.append(
            Mark(
                x=x,
                y=y_of(low),
                y_low=y_of(low),
                y_high=y_of(high),
                shape="bucket",
                classes="mark bucket" + (" conflict" if conflicts else ""),
                title=f"{start:%-d %b %Y} to {end:%-d %b %Y}: {reports} reports, "
                f"{figure} troops, {relation}",
                on=start,
                until=end,
                figure=figure,
                source=f"{reports} reports from {sources} "
                f"source{'s' if sources > 1 else ''}",
                standing="",
                relation=relation,
                reports=reports,
            )
        )
    return marks


# Statements.


def _statement_marks(
    statements: Sequence[ChartStatement], x_of: dict[datetime.date, float]
) -> tuple[list[StatementMark], str | None]:
    """A marker per statement with its label where it fits; beyond
    ``MAX_STATEMENTS``, a marker per period with how many were made."""
    if len(statements) > MAX_STATEMENTS:
        months = _period_for([s.said_on for s in statements], MAX_STATEMENTS // 2)
        return _statement_buckets(statements, months, x_of), PERIOD_NAMES[months]
    lane_ends = [float("-inf")] * len(LABEL_LANES)
    marks = []
    for statement in statements:
        x = x_of[statement.said_on]
        width = len(statement.label) * LABEL_CHAR_WIDTH
        anchor = "start" if x < (PLOT_LEFT + PLOT_RIGHT) / 2 else "end"
        left = x - 2 if anchor == "start" else x - width + 2
        lane = next(
            (n for n, end in enumerate(lane_ends) if end < left - 4),
            None,
        )
        if lane is not None:
            lane_ends[lane] = left + width
        classes = f"statement stance-{statement.stance}"
        if statement.outcome:
            classes += f" outcome-{statement.outcome}"
        marks.append(
            StatementMark(
                x=x,
                label=statement.label,
                title=f"{statement.said_on:%-d %B %Y}: {statement.label}"
                + (f" ({statement.details})" if statement.details else "")
                + f", {statement.source_label}",
                classes=classes,
                label_y=LABEL_LANES[lane] if lane is not None else None,
                label_anchor=anchor,
                on=statement.said_on,
                until=None,
                statement=statement.stance_label,
                details=statement.details,
                source=statement.source_label,
                outcome=statement.outcome_label or "none (no move announced)",
            )
        )
    return marks, None


def _statement_buckets(
    statements: Sequence[ChartStatement],
    months: int,
    x_of: dict[datetime.date, float],
) -> list[StatementMark]:
    buckets: dict[datetime.date, list[ChartStatement]] = {}
    ends = {}
    for statement in statements:
        start, end = _bucket_of(statement.said_on, months)
        buckets.setdefault(start, []).append(statement)
        ends[start] = end
    marks = []
    for index, (start, members) in enumerate(buckets.items()):
        kinds: dict[str, int] = {}
        for statement in members:
            kinds[statement.label] = kinds.get(statement.label, 0) + 1
        said = "; ".join(f"{n} {label}" for label, n in sorted(kinds.items()))
        first, last = members[0].said_on, members[-1].said_on
        x = round((x_of[first] + x_of[last]) / 2, 1)
        marks.append(
            StatementMark(
                x=x,
                label=str(len(members)),
                title=f"{start:%-d %b %Y} to {ends[start]:%-d %b %Y}: "
                f"{len(members)} statements ({said})",
                classes="statement bucket",
                # Counts only, alternating lanes so neighbours do not touch.
                label_y=LABEL_LANES[index % 2],
                label_anchor="middle",
                on=start,
                until=ends[start],
                statement=f"{len(members)} statements",
                details=said,
                source=f"{len({s.publisher for s in members})} publishers",
                outcome="",
                statements=len(members),
            )
        )
    return marks


def _summary(
    figures: int,
    sources: int,
    conflicts: int,
    statements: list[StatementMark],
    top: float,
) -> list[str]:
    """The chart's description in sentences, for its <desc>."""
    said = sum(mark.statements for mark in statements)
    sentences = [
        f"{figures} troop figure{'s' if figures != 1 else ''} from {sources} "
        f"independent source{'s' if sources != 1 else ''}"
        + (f", at most {top:,.0f} troops." if figures else ".")
    ]
    if conflicts:
        sentences.append(
            f"{conflicts} unresolved conflict{'s' if conflicts > 1 else ''} "
            "between figures."
        )
    sentences.append(f"{said} statement{'s' if said != 1 else ''}.")
    return sentences
