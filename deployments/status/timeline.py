"""A nation's timeline: every count and statement about its troops."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Coalesce

from deployments.models import Intention, Nation, TroopCount
from deployments.status.outcomes import Judged, Outcome, outcomes_of


@dataclass(frozen=True)
class TimelineEntry:
    """A troop count or a statement in a nation's history; a statement with
    what became of it (``status/outcomes.py``)."""

    on: datetime.date
    record: TroopCount | Intention
    judged: Judged | None = None

    @property
    def is_count(self) -> bool:
        return isinstance(self.record, TroopCount)

    @property
    def outcome(self) -> str | None:
        return self.judged.outcome if self.judged else None

    @property
    def outcome_label(self) -> str | None:
        return Outcome(self.outcome).label if self.outcome else None


class NationTimeline:
    """Every count and statement about a nation's troops, oldest first,
    retracted and disputed statements included, read a slice at a time.

    A sequence for Django's ``Paginator``: ``count()`` costs two queries and
    each slice five (the slice's keys in date order, its counts, its
    statements, and two for the statements' outcomes), however long the
    history.
    """

    def __init__(self, nation: Nation) -> None:
        self.counts = TroopCount.objects.filter(nation=nation)
        self.intentions = Intention.objects.filter(nation=nation)

    def count(self) -> int:
        return self.counts.count() + self.intentions.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[TimelineEntry]:
        if not isinstance(window, slice):
            raise TypeError("a timeline is read a slice at a time")
        # Same order as entries sort in: date, counts before statements, id.
        kind = {"output_field": IntegerField()}
        keys = list(
            self.counts.order_by()
            .annotate(on=F("counted_on"), kind=Value(0, **kind))
            .values_list("on", "kind", "id")
            .union(
                self.intentions.order_by()
                .annotate(
                    on=Coalesce("stated_on", "reported_on"), kind=Value(1, **kind)
                )
                .values_list("on", "kind", "id")
            )
            .order_by("on", "kind", "id")[window]
        )
        counts = self.counts.select_related("host", "source").in_bulk(
            [pk for _, kind, pk in keys if kind == 0]
        )
        intentions = self.intentions.select_related(
            "host", "destination", "source"
        ).in_bulk([pk for _, kind, pk in keys if kind == 1])
        records = [
            counts.get(pk) if kind == 0 else intentions.get(pk) for _, kind, pk in keys
        ]
        judged = outcomes_of(Intention.objects.filter(pk__in=list(intentions)))
        # A record deleted between the two reads is left out, not an error.
        return [
            TimelineEntry(on, record, judged.get(pk) if kind == 1 else None)
            for (on, kind, pk), record in zip(keys, records, strict=True)
            if record is not None
        ]
