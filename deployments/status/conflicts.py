"""Conflicts between figures: derived, never stored.

A conflict is a group of one deployment's figures that independent sources
reported within the window of each other and that cannot all be true
(``evidence.conflict_groups``). It is *open* while two of its figures still
standing asserted, neither replaced by its own source's next report,
disagree, and *resolved* once an analyst preferred one
(``FigureResolution``) or set the others aside, or a source corrected
itself. The conflicts list, the
API's ``/api/conflicts/`` and the admin's list read the same rows from here.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from itertools import groupby
from typing import NamedTuple

from django.db.models import QuerySet

from deployments.caching import remember
from deployments.models import TroopCount
from deployments.status.evidence import (
    FIGURE_FIELDS,
    Figure,
    SourceKeys,
    conflict_groups,
)


class ConflictState:
    OPEN = "open"
    RESOLVED = "resolved"
    choices = [(OPEN, "Open"), (RESOLVED, "Resolved")]


class Conflict(NamedTuple):
    """One group of figures that disagree, as plain values."""

    deployment: int
    nation: str
    nation_name: str
    host: str
    host_name: str
    # The counts in the group, oldest first.
    counts: tuple[int, ...]
    state: str
    # The analyst's resolution, when one of the group's figures is preferred.
    resolution: int | None
    preferred: int | None
    first_counted_on: datetime.date
    last_counted_on: datetime.date
    low: int
    high: int | None  # None: a figure is an open lower bound

    @property
    def key(self) -> str:
        """Stable while the group keeps its oldest figure: "<deployment>-<count>"."""
        return f"{self.deployment}-{self.counts[0]}"


@dataclasses.dataclass(frozen=True)
class ConflictScope:
    as_of: datetime.date | None = None
    nation_codes: tuple[str, ...] | None = None
    host_codes: tuple[str, ...] | None = None
    state: str | None = None
    counted_after: datetime.date | None = None
    counted_before: datetime.date | None = None


def current_conflicts(
    as_of: datetime.date | None = None,
    nation_codes: Iterable[str] | None = None,
    host_codes: Iterable[str] | None = None,
    state: str | None = None,
    counted_after: datetime.date | None = None,
    counted_before: datetime.date | None = None,
) -> list[Conflict]:
    """Conflicts as known on ``as_of`` (today when None), newest first (by
    their last figure), reused under the data's revision like the status.

    ``counted_after`` and ``counted_before`` keep conflicts whose figures
    reach into that period."""
    scope = ConflictScope(
        as_of=as_of,
        nation_codes=None if nation_codes is None else tuple(nation_codes),
        host_codes=None if host_codes is None else tuple(host_codes),
        state=state,
        counted_after=counted_after,
        counted_before=counted_before,
    )
    return list(remember("conflicts", scope, lambda: derive_conflicts(scope)))


# The deployment's columns, the figure's, then its resolution's id.
FIELDS = (
    "deployment_id",
    "nation__code",
    "nation__name",
    "host__code",
    "host__name",
    *FIGURE_FIELDS,
    "resolution__pk",
)
_FIGURE_AT = slice(5, 5 + len(FIGURE_FIELDS))


def derive_conflicts(scope: ConflictScope) -> tuple[Conflict, ...]:
    """The conflicts of ``scope`` from the database (no cache): one query,
    reading every numbered figure of the deployments in scope once."""
    counts: QuerySet[TroopCount] = TroopCount.objects.known_on(scope.as_of).exclude(
        troops=None
    )
    if scope.nation_codes is not None:
        counts = counts.filter(nation__code__in=scope.nation_codes)
    if scope.host_codes is not None:
        counts = counts.filter(host__code__in=scope.host_codes)
    rows = counts.order_by("deployment_id", "counted_on", "id").values_list(*FIELDS)
    found = []
    for _, records in groupby(rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        found += _conflicts_of(list(records), scope.as_of)
    found = [conflict for conflict in found if _in_scope(conflict, scope)]
    found.sort(
        key=lambda c: (c.last_counted_on, c.deployment, c.counts[0]), reverse=True
    )
    return tuple(found)


def _conflicts_of(records: list[tuple], as_of: datetime.date | None) -> list[Conflict]:
    """One deployment's conflicts from its figures' rows, oldest first."""
    keys = SourceKeys()
    figures = [Figure.of(record[_FIGURE_AT], as_of, keys) for record in records]
    resolution_of = {record[5]: record[-1] for record in records}
    deployment, nation, nation_name, host, host_name = records[0][:5]
    conflicts = []
    for group, still_open in conflict_groups(figures):
        preferred = next((f for f in group if f.preferred), None)
        ends = [f.given() for f in group]
        highs = [high for _, high in ends]
        conflicts.append(
            Conflict(
                deployment=deployment,
                nation=nation,
                nation_name=nation_name,
                host=host,
                host_name=host_name,
                counts=tuple(f.id for f in group),
                state=ConflictState.OPEN if still_open else ConflictState.RESOLVED,
                resolution=resolution_of[preferred.id] if preferred else None,
                preferred=preferred.id if preferred else None,
                first_counted_on=group[0].counted_on,
                last_counted_on=group[-1].counted_on,
                low=min(low for low, _ in ends),
                high=None if None in highs else max(highs),  # type: ignore[type-var]
            )
        )
    return conflicts


def _in_scope(conflict: Conflict, scope: ConflictScope) -> bool:
    if scope.state is not None and conflict.state != scope.state:
        return False
    if scope.counted_after and conflict.last_counted_on < scope.counted_after:
        return False
    return not (
        scope.counted_before and conflict.first_counted_on > scope.counted_before
    )
