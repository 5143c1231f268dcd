"""Where each deployment stands: its latest troop count and its latest
statement that still stands, optionally as known on a past date.

Status is never stored. ``Deployment.objects.with_status(as_of)`` picks each
deployment's latest records in the database; this module reads their values
into ``StatusRow``s, the one row type every reader of the status uses (the
pages, the admin, both CSVs and the API), and files them under the data's
revision for reuse.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from deployments.caching import remember
from deployments.models import (
    Deployment,
    Intention,
    Precision,
    Stance,
    Standing,
    TroopCount,
    format_troops,
    standing_on,
)
from deployments.status.evidence import (
    FIGURE_FIELDS,
    Figure,
    FigureJudgement,
    Said,
    SourceKeys,
    StanceJudgement,
    judge_figures,
    judge_stances,
    window_days,
)
from deployments.status.outcomes import (
    Judged,
    Outcome,
    outcomes_of,
    summarize_outcomes,
)


class StatusRow(NamedTuple):
    """Where one nation's troops in one host country stand: plain values only
    (codes, names, numbers, dates, source ids and titles), cheap to build,
    cache and serialise. Count fields are None when the deployment has no
    count, statement fields when it has no standing statement.

    A named tuple rather than a dataclass: it is built straight from the rows
    the database returns, and it is what unpickles cheapest from the shared
    cache (docs/performance.md has the comparison)."""

    deployment: int
    nation: str
    nation_name: str
    nation_kind: str
    host: str
    host_name: str
    operation: str
    # The status's troop count: the latest, or the preferred or most
    # conservative one while figures in the window conflict (status/evidence.py).
    troops: int | None = None
    # The span of credible figures in the window ("900 to 1,100"), or the
    # range or bound the one source gives ("30 to 40", "over 900"); None for
    # a single figure.
    troops_low: int | None = None
    troops_high: int | None = None
    troops_precision: str | None = None
    figure_text: str | None = None
    troops_as_of: datetime.date | None = None
    troops_location: str | None = None
    troops_excerpt: str | None = None
    troops_source: int | None = None
    troops_source_title: str | None = None
    troops_source_publisher: str | None = None
    troops_source_published_on: datetime.date | None = None
    troops_source_url: str | None = None
    troops_standing: str | None = None
    # The figure as people write it: "~5,200", "est. 500", "unknown".
    troops_display: str = "unknown"
    # Independent sources in the window whose figures agree with it.
    troops_sources: int = 0
    # True while figures from independent sources in the window disagree.
    troops_conflict: bool = False
    # The latest statement that has not been retracted.
    stance: str | None = None
    temporary: bool | None = None
    troops_affected: int | None = None
    troops_affected_low: int | None = None
    troops_affected_high: int | None = None
    # The level planned after the move ("down to 24,000").
    target_troops: int | None = None
    destination: str | None = None
    destination_name: str | None = None
    destination_note: str | None = None
    stated_by: str | None = None
    stated_by_role: str | None = None
    stated_on: datetime.date | None = None
    reported_on: datetime.date | None = None
    intention_location: str | None = None
    standing: str | None = None
    quote: str | None = None
    intention_source: int | None = None
    intention_source_title: str | None = None
    intention_source_publisher: str | None = None
    intention_source_published_on: datetime.date | None = None
    intention_source_url: str | None = None
    # Independent sources in the window reporting the same stance, and
    # whether one reports another.
    stance_sources: int = 0
    stance_conflict: bool = False
    # What became of the statement (status/outcomes.py), and the counts
    # that show it.
    outcome: str | None = None
    outcome_counts: tuple[int, ...] = ()

    @property
    def has_count(self) -> bool:
        return self.troops_as_of is not None

    @property
    def has_statement(self) -> bool:
        return self.stance is not None

    @property
    def precision_label(self) -> str | None:
        return Precision(self.troops_precision).label if self.has_count else None

    @property
    def stance_label(self) -> str | None:
        return Stance(self.stance).label if self.has_statement else None

    @property
    def outcome_label(self) -> str | None:
        return Outcome(self.outcome).label if self.outcome else None

    @property
    def standing_label(self) -> str | None:
        return Standing(self.standing).label if self.has_statement else None

    @property
    def said_on(self) -> datetime.date | None:
        """When the statement was made, else when it was reported."""
        return self.stated_on or self.reported_on

    def as_dict(self) -> dict[str, Any]:
        """The row's columns (``STATUS_COLUMNS``), in order."""
        return self._asdict()


# Where each field is read from, group by group, in the row's field order.
_DEPLOYMENT_FIELDS = {
    "deployment": "deployment_id",
    "nation": "nation__code",
    "nation_name": "nation__name",
    "nation_kind": "nation__kind",
    "host": "host__code",
    "host_name": "host__name",
    "operation": "deployment__operation",
}
_SOURCE_FIELDS = {
    "": "source_id",
    "_title": "source__title",
    "_publisher": "source__publisher",
    "_published_on": "source__published_on",
    "_url": "source__url",
}
_COUNT_FIELDS = {
    "troops": "troops",
    "troops_low": "troops_low",
    "troops_high": "troops_high",
    "troops_precision": "precision",
    "figure_text": "figure_text",
    "troops_as_of": "counted_on",
    "troops_location": "location",
    "troops_excerpt": "excerpt",
    **{f"troops_source{suffix}": field for suffix, field in _SOURCE_FIELDS.items()},
    "troops_standing": "standing",
}
_INTENTION_FIELDS = {
    "stance": "stance",
    "temporary": "temporary",
    "troops_affected": "troops_affected",
    "troops_affected_low": "troops_affected_low",
    "troops_affected_high": "troops_affected_high",
    "target_troops": "target_troops",
    "destination": "destination__code",
    "destination_name": "destination__name",
    "destination_note": "destination_note",
    "stated_by": "speaker",
    "stated_by_role": "speaker_role",
    "stated_on": "stated_on",
    "reported_on": "reported_on",
    "intention_location": "location",
    "standing": "standing",
    "quote": "quote",
    **{f"intention_source{suffix}": field for suffix, field in _SOURCE_FIELDS.items()},
}

# The status table's columns, in order: the one list the API, both CSVs and
# the schema follow. StatusRow declares its fields in the order of the groups
# above, with troops_display after the count's (a row is built from them
# positionally; tests/test_status.py checks every column).
STATUS_COLUMNS = list(StatusRow._fields)


@dataclasses.dataclass(frozen=True)
class StatusScope:
    """Which rows a reader asked for; its repr is part of the cache key."""

    as_of: datetime.date | None = None
    nation_codes: tuple[str, ...] | None = None
    host_codes: tuple[str, ...] | None = None
    nation_kinds: tuple[str, ...] | None = None
    stances: tuple[str, ...] | None = None
    conflict: bool | None = None
    outcomes: tuple[str, ...] | None = None


def current_status(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
    conflict: bool | None = None,
    outcomes: Iterable[str] | None = None,
) -> list[StatusRow]:
    """Status rows, one per deployment with a count or a standing statement as
    known on ``as_of`` (today when None), ordered by nation name, nation code,
    then host name. Seven queries, reused under the data's revision while
    nothing changes (``caching.remember``).

    Filtering by stance happens after the latest statement is chosen: an
    older "withdrawing" must not make a nation that now says "staying" match
    ``stances=["withdrawing"]``. So do ``conflict`` (rows whose figures are,
    or are not, in an unresolved conflict) and ``outcomes``.
    """
    scope = StatusScope(
        as_of=as_of,
        nation_codes=_listed(nation_codes),
        host_codes=_listed(host_codes),
        nation_kinds=_listed(nation_kinds),
        stances=_listed(stances),
        conflict=conflict,
        outcomes=_listed(outcomes),
    )
    # A new list each time: callers may sort or slice theirs.
    return list(remember("status", scope, lambda: derive_status(scope)))


def derive_status(scope: StatusScope) -> tuple[StatusRow, ...]:
    """The rows of ``scope``, read from the database (no cache), in a fixed
    number of queries however long the histories: each deployment's newest
    few counts and statements by index; what the rules compare of them; the
    chosen count's and the latest statement's columns; that statement's
    evidence."""
    deployments = Deployment.objects.all()
    if scope.nation_codes is not None:
        deployments = deployments.filter(nation__code__in=scope.nation_codes)
    if scope.host_codes is not None:
        deployments = deployments.filter(host__code__in=scope.host_codes)
    if scope.nation_kinds is not None:
        deployments = deployments.filter(nation__kind__in=scope.nation_kinds)
    recent = [
        (counts, statements)
        for counts, statements in deployments.with_recent(
            scope.as_of, COMPARED, window_days()
        )
        .order_by()  # the rows are sorted below, by names read later
        .values_list("recent_count_ids", "recent_intention_ids")
        if counts or statements
    ]
    figures = _figures({pk for counts, _ in recent for pk in counts}, scope.as_of)
    said = _said({pk for _, statements in recent for pk in statements}, scope.as_of)
    judged = [
        (
            judge_figures([figures[pk] for pk in counts if pk in figures]),
            judge_stances([said[pk] for pk in statements if pk in said]),
            statements[0] if statements else None,
        )
        for counts, statements in recent
    ]
    chosen = _columns(
        TroopCount, {j.figure.id for j, _, _ in judged if j}, _COUNT_FIELDS
    )
    latest = {pk for _, _, pk in judged if pk is not None}
    statements = _columns(Intention, latest, _INTENTION_FIELDS)
    outcomes = outcomes_of(Intention.objects.filter(pk__in_ids=latest), scope.as_of)

    no_count = (*(None,) * len(_COUNT_FIELDS), "unknown", 0, False)
    no_statement = (*(None,) * len(_INTENTION_FIELDS), 0, False, None, ())
    rows = []
    for figure, stances, statement_id in judged:
        # A record deleted between these queries leaves its part empty.
        count = chosen.get(figure.figure.id) if figure else None
        statement = statements.get(statement_id) if statement_id else None
        if count is None and statement is None:
            continue
        shared = (count or statement)[1 : 1 + len(_DEPLOYMENT_FIELDS)]  # type: ignore[index]
        rows.append(
            StatusRow(
                *shared,
                *(_count_columns(count, figure) if count else no_count),
                *(
                    _statement_columns(
                        statement, stances, outcomes.get(statement_id), scope.as_of
                    )
                    if statement
                    else no_statement
                ),
            )
        )
    if scope.stances is not None:
        rows = [row for row in rows if row.stance in scope.stances]
    if scope.conflict is not None:
        rows = [row for row in rows if row.troops_conflict == scope.conflict]
    if scope.outcomes is not None:
        rows = [row for row in rows if row.outcome in scope.outcomes]
    rows.sort(key=lambda row: (row.nation_name, row.nation, row.host_name))
    return tuple(rows)


# How many of each deployment's newest standing counts and statements the
# rules compare (those within the window among them): a bound that keeps
# the status's cost independent of how many reports a fortnight brings, and
# room enough that a wire story reprinted by a dozen outlets, which counts as
# one source, does not push the independent reports out of the comparison.
COMPARED = 20


def _figures(ids: set[int], as_of: datetime.date | None) -> dict[int, Figure]:
    """The counts as the rules compare them, by id: only what they read."""
    if not ids:
        return {}
    keys = SourceKeys()
    return {
        values[0]: Figure.of(values, as_of, keys)
        for values in TroopCount.objects.filter(pk__in_ids=ids)
        .order_by()
        .values_list(*FIGURE_FIELDS)
    }


def _said(ids: set[int], as_of: datetime.date | None) -> dict[int, Said]:
    """The statements as the rules compare them, by id."""
    if not ids:
        return {}
    keys = SourceKeys()
    return {
        pk: Said(
            pk,
            stated_on or reported_on,
            stance,
            standing_on(standing, changed_on, as_of),
            keys(agency, publisher),
        )
        for (
            pk,
            stated_on,
            reported_on,
            stance,
            standing,
            changed_on,
            agency,
            publisher,
        ) in Intention.objects.filter(pk__in_ids=ids)
        .order_by()
        .values_list(
            "pk",
            "stated_on",
            "reported_on",
            "stance",
            "standing",
            "standing_changed_on",
            "source__agency",
            "source__publisher",
        )
    }


def _columns(
    model: type[TroopCount] | type[Intention],
    ids: set[int],
    fields: dict[str, str],
) -> dict[int, tuple[Any, ...]]:
    """Each record's deployment columns and ``fields``, then its standing
    change's date, by id."""
    if not ids:
        return {}
    lookups = [*_DEPLOYMENT_FIELDS.values(), *fields.values(), "standing_changed_on"]
    return {
        values[0]: values
        for values in model.objects.filter(pk__in_ids=ids)
        .order_by()
        .values_list("pk", *lookups)
    }


_COUNT_AT = {
    name: 1 + len(_DEPLOYMENT_FIELDS) + i for i, name in enumerate(_COUNT_FIELDS)
}
_INTENTION_AT = {
    name: 1 + len(_DEPLOYMENT_FIELDS) + i for i, name in enumerate(_INTENTION_FIELDS)
}


def _count_columns(values: tuple[Any, ...], judged: FigureJudgement) -> tuple[Any, ...]:
    """The row's count columns: the chosen count's fields, with the span of
    the credible figures in the window and how solid the figure is."""
    start = _COUNT_AT["troops"]
    chosen = list(values[start : start + len(_COUNT_FIELDS)])
    chosen[_COUNT_AT["troops_standing"] - start] = judged.figure.standing
    troops, low, high, precision = chosen[:4]
    display = format_troops(troops, precision, low, high)
    chosen[1:3] = judged.low, judged.high
    return (*chosen, display, judged.sources, judged.conflict)


def _statement_columns(
    values: tuple[Any, ...],
    judged: StanceJudgement | None,
    outcome: Judged | None,
    as_of: datetime.date | None,
) -> tuple[Any, ...]:
    """The row's statement columns: the latest statement's fields, then how
    its stance is backed and what became of it."""
    start = _INTENTION_AT["stance"]
    latest = list(values[start : start + len(_INTENTION_FIELDS)])
    at = _INTENTION_AT["standing"] - start
    latest[at] = standing_on(latest[at], values[-1], as_of)
    return (
        *latest,
        judged.sources if judged else 0,
        judged.conflict if judged else False,
        outcome.outcome if outcome else None,
        outcome.counts if outcome else (),
    )


def _listed(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


@dataclasses.dataclass(frozen=True)
class StatusSummary:
    """Totals over status rows, as the status page's totals line shows them."""

    known_troops: int
    rows_with_known_troops: int
    nations_per_stance: dict[str, int]
    approximate_figures: int
    estimated_figures: int
    # Rows whose figures are in an unresolved conflict.
    conflicts: int = 0
    # The latest announced moves' outcomes, in Outcome's order.
    outcomes: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def announced_moves(self) -> int:
        return sum(self.outcomes.values())

    def outcome_counts(self) -> list[tuple[str, str, int]]:
        """(value, label, number) of each outcome the moves had."""
        return [(value, Outcome(value).label, n) for value, n in self.outcomes.items()]


def summarize(rows: Iterable[StatusRow]) -> StatusSummary:
    """Totals of the given rows; a nation counts once per stance it holds."""
    rows = list(rows)
    nations_by_stance: dict[str, set[str]] = {}
    for row in rows:
        if row.stance:
            nations_by_stance.setdefault(row.stance, set()).add(row.nation)
    known = [row.troops for row in rows if row.troops is not None]
    return StatusSummary(
        known_troops=sum(known),
        rows_with_known_troops=len(known),
        nations_per_stance={
            stance: len(nations_by_stance[stance])
            for stance in Stance.values
            if stance in nations_by_stance
        },
        approximate_figures=sum(
            row.troops_precision == Precision.APPROXIMATE for row in rows
        ),
        estimated_figures=sum(
            row.troops_precision == Precision.ESTIMATED for row in rows
        ),
        conflicts=sum(row.troops_conflict for row in rows),
        outcomes=summarize_outcomes((row.stance, row.outcome) for row in rows),
    )
