"""How solid a figure or a stance is: the written rules that compare reports.

Every rule here reads plain values (``Figure`` and ``Said``), never the
database, so the status, the conflicts list, the nation page and the tests
apply the very same rules. The README's "How reports are compared" says the
same in words.

- **Independence.** Two sources are one piece of evidence when they print the
  same wire agency's story, or, without an agency, come from the same
  publisher (``Source.evidence_key``). Every count of sources counts keys.
- **The window.** Figures are compared with those reported within
  ``CORROBORATION_WINDOW_DAYS`` (14 by default) of each other.
- **What a figure stands for.** An exact figure stands for itself; an
  approximate one for ±10 % of it, an estimated one for ±20 %; a range for
  itself, a lower bound ("over 900") for everything from it up, an upper
  bound ("nearly 12,000") for everything up to it.
- **One source, one figure or stance.** A source (agency) reporting again
  within the window has replaced its own earlier figure, or statement: only
  its newest is compared, so a source changing its own stance is news, not
  a conflict.
- **Corroboration and conflict.** Asserted figures from independent sources
  whose spans overlap corroborate each other; ones whose spans do not
  overlap conflict. Disputed, superseded and retracted figures do neither.
- **Stances.** The independent sources whose newest asserted statement in
  the window gives the latest statement's stance back it; two whose newest
  give different stances conflict.
- **The status's figure.** A resolved conflict's preferred figure while it
  is in the window; else, while an unresolved conflict is in the window,
  the lowest credible figure (the conservative rule, flagged); else the
  latest figure.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

from django.conf import settings

from deployments.models import Precision, Standing, evidence_key, standing_on

# The share of a figure an approximate or estimated one may be off by.
TOLERANCE = {Precision.APPROXIMATE: 0.10, Precision.ESTIMATED: 0.20}
# The end of an open bound: more troops than any count may hold.
UNBOUNDED = float("inf")


def window_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CORROBORATION_WINDOW_DAYS)


# A troop count's values that make its ``Figure`` (``Figure.of``), in order.
FIGURE_FIELDS = (
    "pk",
    "counted_on",
    "troops",
    "troops_low",
    "troops_high",
    "precision",
    "standing",
    "standing_changed_on",
    "source__agency",
    "source__publisher",
    "resolution__resolved_on",
)


class SourceKeys(dict[tuple[str, str], str]):
    """``evidence_key`` worked out once per source: many records share one."""

    def __call__(self, agency: str, publisher: str) -> str:
        key = self.get((agency, publisher))
        if key is None:
            key = self[agency, publisher] = evidence_key(agency, publisher)
        return key


class Figure(NamedTuple):
    """One troop count as the rules see it."""

    id: int
    counted_on: datetime.date
    troops: int | None
    low: int | None
    high: int | None
    precision: str
    standing: str  # as known on the date looked at
    source_key: str
    preferred: bool = False  # a resolution prefers it (as known then)

    @classmethod
    def of(
        cls,
        values: Sequence[Any],
        as_of: datetime.date | None,
        source_keys: SourceKeys,
    ) -> Figure:
        """The figure of a count's ``FIGURE_FIELDS`` values, as known on
        ``as_of`` (today when None): a standing changed later, or a
        resolution made later, was not known then."""
        pk, counted_on, troops, low, high, precision, standing, changed_on = values[:8]
        agency, publisher, resolved_on = values[8:11]
        return cls(
            pk,
            counted_on,
            troops,
            low,
            high,
            precision,
            standing_on(standing, changed_on, as_of),
            source_keys(agency, publisher),
            resolved_on is not None and (as_of is None or resolved_on <= as_of),
        )

    @property
    def credible(self) -> bool:
        return self.standing == Standing.ASSERTED and self.troops is not None

    def span(self) -> tuple[float, float]:
        """The troops this figure stands for, tolerance included."""
        if self.low is not None or self.high is not None:
            return (
                float(self.low) if self.low is not None else 0.0,
                float(self.high) if self.high is not None else UNBOUNDED,
            )
        assert self.troops is not None
        margin = self.troops * TOLERANCE.get(self.precision, 0.0)  # type: ignore[call-overload]
        return self.troops - margin, self.troops + margin

    def given(self) -> tuple[int, int | None]:
        """The figure as given, without tolerance: its range's ends (an open
        lower bound's end is its figure)."""
        assert self.troops is not None
        low = self.low if self.low is not None else self.troops
        high = self.high if self.high is not None else self.troops
        return low, (None if self.low is not None and self.high is None else high)


def agree(one: Figure, other: Figure) -> bool:
    """Whether two figures' spans overlap."""
    (low, high), (other_low, other_high) = one.span(), other.span()
    return low <= other_high and other_low <= high


def near(one: datetime.date, other: datetime.date) -> bool:
    return abs(one - other) <= window_days()


def in_conflict(one: Figure, other: Figure) -> bool:
    """Whether two figures conflict: both asserted, from independent sources,
    within the window of each other, and their spans do not overlap."""
    return (
        one.credible
        and other.credible
        and one.source_key != other.source_key
        and near(one.counted_on, other.counted_on)
        and not agree(one, other)
    )


class FigureJudgement(NamedTuple):
    """The status's figure of one deployment and how solid it is."""

    figure: Figure
    sources: int  # independent sources that corroborate it, its own included
    conflict: bool  # an unresolved conflict is in the window
    low: int | None  # the span of credible figures in the window
    high: int | None


def judge_figures(figures: Sequence[Figure]) -> FigureJudgement | None:
    """Apply the rules to a deployment's standing figures, newest first, the
    first being the latest (the window is counted back from it)."""
    if not figures:
        return None
    latest = figures[0]
    days = window_days()
    window = [f for f in figures if latest.counted_on - f.counted_on <= days]
    credible = newest_per_source(f for f in window if f.credible)
    # ``in_conflict`` for every pair, on spans worked out once: these
    # figures are credible, from distinct sources and all within the window
    # of each other, so two conflict exactly when one's span starts above
    # where another's ends (the status judges every deployment this way).
    spans = [f.span() for f in credible]
    conflict = len(spans) > 1 and max(low for low, _ in spans) > min(
        high for _, high in spans
    )
    preferred = next((f for f in window if f.preferred and f.credible), None)
    if preferred is not None and not conflict:
        chosen = preferred
    elif conflict:
        chosen = min(credible, key=lambda f: (f.troops, -f.counted_on.toordinal()))
    else:
        chosen = latest
    if chosen.credible:
        chosen_low, chosen_high = chosen.span()
        sources = len(
            {
                f.source_key
                for f, (low, high) in zip(credible, spans, strict=True)
                if low <= chosen_high and chosen_low <= high
            }
        )
    else:
        sources = 0
    low, high = _span(credible) if credible else (chosen.low, chosen.high)
    return FigureJudgement(chosen, sources, conflict, low, high)


class Sourced(Protocol):
    @property
    def source_key(self) -> str: ...


Report = TypeVar("Report", bound=Sourced)


def newest_per_source(reports: Iterable[Report]) -> list[Report]:
    """Each source's newest figure or statement (of those given newest
    first): a source that reports again has replaced its own earlier report,
    not confirmed or contradicted it."""
    seen: dict[str, Report] = {}
    for report in reports:
        seen.setdefault(report.source_key, report)
    return list(seen.values())


def _span(figures: Iterable[Figure]) -> tuple[int | None, int | None]:
    """The lowest and highest figures given; both None when every figure is
    one and the same number (a single figure has no span)."""
    ends = [f.given() for f in figures]
    low = min(low for low, _ in ends)
    highs = [high for _, high in ends]
    high = None if None in highs else max(highs)  # type: ignore[type-var]
    if low == high and all(f.low is None and f.high is None for f in figures):
        return None, None
    return low, high


class ConflictGroup(NamedTuple):
    """Figures of one deployment linked by conflicts, oldest first, and
    whether two of them still standing asserted conflict."""

    figures: list[Figure]
    open: bool


def conflict_groups(figures: Sequence[Figure]) -> list[ConflictGroup]:
    """A deployment's figures that disagree, in groups: two figures are in one
    group when a chain of figures that conflict pairwise links them, judged
    as if all asserted figures, and the ones a resolution set aside, still
    stood (so a resolved conflict keeps its figures together). A group is
    open while a conflicting pair in it both still stand asserted and
    neither was replaced by its own source (a later asserted figure of the
    same source within the window: one source, one figure, as in the status).

    The same comparison as ``in_conflict`` for every pair within the window,
    on spans worked out once: at thousands of figures (a nation page's
    chart) asking ``in_conflict`` pair by pair costs more than the page may.
    """
    considered = sorted(
        (
            f
            for f in figures
            if f.troops is not None and f.standing != Standing.RETRACTED
        ),
        key=lambda f: (f.counted_on, f.id),
    )
    days = [f.counted_on.toordinal() for f in considered]
    spans = [f.span() for f in considered]
    keys = [f.source_key for f in considered]
    window = window_days().days
    # Asserted and not replaced by its source: what can keep a conflict open.
    asserted = [f.standing == Standing.ASSERTED for f in considered]
    stands = asserted[:]
    next_of_source: dict[str, int] = {}  # the day of a source's next figure
    for i in range(len(considered) - 1, -1, -1):
        later = next_of_source.get(keys[i])
        if later is not None and later - days[i] <= window:
            stands[i] = False
        if asserted[i]:
            next_of_source[keys[i]] = days[i]
    # Union-find over the figures that conflict with at least one other.
    parent = list(range(len(considered)))
    linked = [False] * len(considered)
    opens = [False] * len(considered)  # in a conflict between standing figures

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, (low, high) in enumerate(spans):
        end = bisect.bisect_right(days, days[i] + window, lo=i + 1)
        key, top = keys[i], None
        for j in range(i + 1, end):
            other_low, other_high = spans[j]
            if (other_high < low or high < other_low) and keys[j] != key:
                linked[i] = linked[j] = True
                if stands[i] and stands[j]:
                    opens[i] = True
                # Every union keeps i's root on top: found once per figure.
                top = root(i) if top is None else top
                other_top = root(j)
                if top != other_top:
                    parent[other_top] = top
    open_roots = {root(i) for i, still_open in enumerate(opens) if still_open}
    groups: dict[int, list[Figure]] = {}
    for index, figure in enumerate(considered):
        if linked[index]:
            groups.setdefault(root(index), []).append(figure)
    return [ConflictGroup(group, top in open_roots) for top, group in groups.items()]


class Said(NamedTuple):
    """One statement as the rules see it."""

    id: int
    said_on: datetime.date
    stance: str
    standing: str  # as known on the date looked at
    source_key: str


class StanceJudgement(NamedTuple):
    sources: int  # independent sources reporting the same stance
    conflict: bool  # independent sources report different stances


def judge_stances(statements: Sequence[Said]) -> StanceJudgement | None:
    """The rules for a deployment's standing statements, newest first, the
    first being the status's: which sources in the window back its stance,
    and whether an independent one reports another. Each source is judged by
    its newest asserted statement in the window, as each source's newest
    figure is: a source that changed its mind no longer says what it said."""
    if not statements:
        return None
    latest = statements[0]
    days = window_days()
    newest = newest_per_source(
        s
        for s in statements
        if latest.said_on - s.said_on <= days and s.standing == Standing.ASSERTED
    )
    same = {s.source_key for s in newest if s.stance == latest.stance}
    # Sources are distinct here, so any two stances that differ conflict.
    conflict = len({s.stance for s in newest}) > 1
    return StanceJudgement(len(same), conflict)
