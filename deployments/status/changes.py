"""The newest changes of status: each new troop figure or stance of a
deployment, with the value it replaced. The Atom feed is built from them.

Feed readers poll a public URL, so the read must not grow with the data: it
takes the newest few rows of each kind along a global "newest first" index
and, for each, looks up the deployment's previous value with a correlated subquery
that walks the deployment's own "latest first" index from that row backwards. Two
queries whatever the size of the tables, the result kept under the data's
revision.

Changes are plain values (no model instances), so that keeping and copying
them costs nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from deployments.caching import remember
from deployments.models import Intention, Stance, TroopCount, format_troops
from deployments.models.source import describe_source

# Of each kind, how many of the newest rows are read for ``limit`` changes:
# the rest of the window leaves room for repeats, which are not changes.
READ_WINDOW_FACTOR = 4

# What every change takes from its record's nation, host and source: the
# change's field, and the column it is read from.
_CONTEXT_COLUMNS = {
    "nation_code": "nation__code",
    "nation_name": "nation__name",
    "host_code": "host__code",
    "host_name": "host__name",
    "source_id": "source_id",
    "source_title": "source__title",
    "source_publisher": "source__publisher",
    "source_published_on": "source__published_on",
    "source_url": "source__url",
}


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One move of a deployment's status: a new troop figure or a new stance."""

    kind: str  # "troops" or "stance"
    record_type: str  # the record's model name: "troopcount" or "intention"
    record_id: int
    nation_code: str
    nation_name: str
    host_code: str
    host_name: str
    before: str | None  # None for the deployment's first figure or stance
    after: str
    changed_on: datetime.date  # the count's date, or the date the thing was said
    source_id: int
    source_title: str
    source_publisher: str
    source_published_on: datetime.date
    source_url: str
    quote: str  # the statement's quote, or the count's excerpt

    @property
    def source(self) -> str:
        """The source as ``Source.__str__`` writes it."""
        return describe_source(
            self.source_title, self.source_publisher, self.source_published_on
        )

    @property
    def summary(self) -> str:
        where = f"{self.nation_name} in {self.host_name}"
        if self.before is None:
            return f"{where}: {self.kind} {self.after}"
        return f"{where}: {self.kind} {self.before} → {self.after}"


def status_changes(limit: int = 50) -> list[StatusChange]:
    """Up to ``limit`` newest changes of figure or stance, newest first.

    Each count is compared with the deployment's previous count (by ``counted_on``,
    then id), and each standing statement with the deployment's previous standing
    statement (by the date said, else reported, then ``reported_on``, then
    id); retracted statements are skipped, as they never drove the status.
    Repeats of the same figure or stance are not changes.

    Two queries, or one (the revision) when the data has not changed since
    the last call: the result is kept under the data's revision.

    The trade-off of the bound: only the ``limit * READ_WINDOW_FACTOR``
    newest counts and as many newest standing statements are read, so that
    the cost does not grow with the history. A change's "before" is always
    right, as it is looked up in the deployment's whole history; but when more than
    ``limit * (READ_WINDOW_FACTOR - 1)`` of those newest rows of one kind are
    repeats (a busy source re-reporting the same figure), fewer than
    ``limit`` changes of that kind are found in them, and an older change
    that would have made the list is left out.
    """
    changes = remember(
        "status_changes", {"limit": limit}, lambda: _derive_status_changes(limit)
    )
    # A new list each time; the changes themselves are frozen.
    return list(changes)


def _derive_status_changes(limit: int) -> tuple[StatusChange, ...]:
    window = limit * READ_WINDOW_FACTOR
    changes = [*_count_changes(window), *_stance_changes(window)]
    # Stable sort: on a tie a count stays before a statement.
    changes.sort(key=lambda change: (change.changed_on, change.record_id), reverse=True)
    return tuple(changes[:limit])


def _count_changes(window: int) -> list[StatusChange]:
    """The changes among the ``window`` newest counts (along
    ``troop_count_newest_idx``)."""
    earlier = _earlier_counts()
    rows = (
        TroopCount.objects.order_by("-counted_on", "-id")
        .annotate(
            previous_troops=Subquery(earlier.values("troops")[:1]),
            previous_precision=Subquery(earlier.values("precision")[:1]),
        )
        .values_list(
            "id",
            "troops",
            "precision",
            "previous_troops",
            "previous_precision",
            "counted_on",
            "excerpt",
            *_CONTEXT_COLUMNS.values(),
        )[:window]
    )
    return _changes(
        "troops",
        "troopcount",
        (
            (
                record_id,
                # Every count has a precision: none means no previous count.
                None
                if previous_precision is None
                else format_troops(previous_troops, previous_precision),
                format_troops(troops, precision),
                counted_on,
                excerpt,
                context,
            )
            for (
                record_id,
                troops,
                precision,
                previous_troops,
                previous_precision,
                counted_on,
                excerpt,
                *context,
            ) in rows
        ),
    )


def _earlier_counts() -> QuerySet[TroopCount]:
    """The outer count's deployment's earlier counts, latest first: a walk down
    ``troop_count_latest_idx`` from the outer count's date."""
    return TroopCount.objects.filter(
        Q(counted_on__lt=OuterRef("counted_on")) | Q(id__lt=OuterRef("id")),
        deployment_id=OuterRef("deployment_id"),
        # The index's range; the condition above only settles ties of date.
        counted_on__lte=OuterRef("counted_on"),
    ).order_by("-counted_on", "-id")


def _stance_changes(window: int) -> list[StatusChange]:
    """The changes among the ``window`` newest standing statements (along
    ``intention_said_newest_idx``)."""
    rows = (
        Intention.objects.standing_on(None)
        .annotate(said=_said_on())
        .order_by(F("said").desc(), "-reported_on", "-id")
        .annotate(previous_stance=Subquery(_earlier_statements().values("stance")[:1]))
        .values_list(
            "id",
            "stance",
            "previous_stance",
            "said",
            "quote",
            *_CONTEXT_COLUMNS.values(),
        )[:window]
    )
    return _changes(
        "stance",
        "intention",
        (
            (
                record_id,
                Stance(previous_stance).label if previous_stance else None,
                Stance(stance).label,
                said,
                quote,
                context,
            )
            for record_id, stance, previous_stance, said, quote, *context in rows
        ),
    )


def _changes(
    kind: str, record_type: str, moves: Iterable[tuple[Any, ...]]
) -> list[StatusChange]:
    """The changes among ``moves`` (record id, before, after, date, quote,
    context columns): those whose value differs from the one before."""
    return [
        StatusChange(
            kind=kind,
            record_type=record_type,
            record_id=record_id,
            before=before,
            after=after,
            changed_on=changed_on,
            quote=quote,
            **_context(context),
        )
        for record_id, before, after, changed_on, quote, context in moves
        if before != after
    ]


def _earlier_statements() -> QuerySet[Intention]:
    """The outer statement's deployment's earlier standing statements, latest first:
    a walk down ``intention_said_idx`` from the outer statement's date said."""
    return (
        Intention.objects.standing_on(None)
        .alias(said=_said_on())
        .filter(
            Q(said__lt=OuterRef("said"))
            | Q(reported_on__lt=OuterRef("reported_on"))
            | Q(reported_on=OuterRef("reported_on"), id__lt=OuterRef("id")),
            deployment_id=OuterRef("deployment_id"),
            # The index's range; the condition above only settles ties of date.
            said__lte=OuterRef("said"),
        )
        .order_by(F("said").desc(), "-reported_on", "-id")
    )


def _said_on() -> Coalesce:
    """``Intention.said_on`` in SQL, as the statement indexes spell it."""
    return Coalesce("stated_on", "reported_on")


def _context(values: list[Any]) -> dict[str, Any]:
    """The change's fields named in ``_CONTEXT_COLUMNS``, from their values."""
    return dict(zip(_CONTEXT_COLUMNS, values, strict=True))
