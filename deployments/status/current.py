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

from django.db.models import QuerySet

from deployments.caching import remember
from deployments.models import (
    Deployment,
    Intention,
    Precision,
    Stance,
    Standing,
    TroopCount,
    format_troops,
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
    # The latest troop count.
    troops: int | None = None
    # A range or bound the source gives ("30 to 40", "over 900"); ``troops``
    # is then its low end (else its high end), the conservative figure.
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
    # The figure as people write it: "~5,200", "est. 500", "unknown".
    troops_display: str = "unknown"
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


def current_status(
    *,
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    nation_kinds: Iterable[str] | None = None,
    stances: Iterable[str] | None = None,
) -> list[StatusRow]:
    """Status rows, one per deployment with a count or a standing statement as
    known on ``as_of`` (today when None), ordered by nation name, nation code,
    then host name. Two queries, reused under the data's revision while
    nothing changes (``caching.remember``).

    Filtering by stance happens after the latest statement is chosen: an
    older "withdrawing" must not make a nation that now says "staying" match
    ``stances=["withdrawing"]``.
    """
    scope = StatusScope(
        as_of=as_of,
        nation_codes=_listed(nation_codes),
        host_codes=_listed(host_codes),
        nation_kinds=_listed(nation_kinds),
        stances=_listed(stances),
    )
    # A new list each time: callers may sort or slice theirs.
    return list(remember("status", scope, lambda: derive_status(scope)))


def derive_status(scope: StatusScope) -> tuple[StatusRow, ...]:
    """The rows of ``scope``, read from the database (no cache)."""
    deployments = Deployment.objects.all()
    if scope.nation_codes is not None:
        deployments = deployments.filter(nation__code__in=scope.nation_codes)
    if scope.host_codes is not None:
        deployments = deployments.filter(host__code__in=scope.host_codes)
    if scope.nation_kinds is not None:
        deployments = deployments.filter(nation__kind__in=scope.nation_kinds)
    latest = deployments.with_status(scope.as_of)

    counts = _latest_values(
        TroopCount.objects.filter(pk__in=latest.values("latest_count_id")),
        _COUNT_FIELDS,
    )
    statements = _latest_values(
        Intention.objects.filter(pk__in=latest.values("latest_intention_id")),
        _INTENTION_FIELDS,
    )
    shared = len(_DEPLOYMENT_FIELDS)
    no_count = (*(None,) * len(_COUNT_FIELDS), "unknown")
    no_statement = (None,) * len(_INTENTION_FIELDS)
    rows = []
    for deployment in counts.keys() | statements.keys():
        count, statement = counts.get(deployment), statements.get(deployment)
        rows.append(
            StatusRow(
                *(count or statement)[:shared],  # type: ignore[index]
                *(_with_display(count[shared:]) if count else no_count),
                *(statement[shared:] if statement else no_statement),
            )
        )
    if scope.stances is not None:
        rows = [row for row in rows if row.stance in scope.stances]
    rows.sort(key=lambda row: (row.nation_name, row.nation, row.host_name))
    return tuple(rows)


def _with_display(count: tuple[Any, ...]) -> tuple[Any, ...]:
    """A count's fields, then its figure as written (``troops_display``)."""
    troops, low, high, precision = count[:4]
    return (*count, format_troops(troops, precision, low, high))


def _latest_values(
    records: QuerySet, fields: dict[str, str]
) -> dict[int, tuple[Any, ...]]:
    """Each record's deployment columns, then ``fields``, by deployment id."""
    lookups = [*_DEPLOYMENT_FIELDS.values(), *fields.values()]
    return {values[0]: values for values in records.order_by().values_list(*lookups)}


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
    )
