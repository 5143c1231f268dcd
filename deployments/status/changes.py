"""The status's changes, newest first: each new troop figure or stance of a
deployment, with the value it replaced, as the Atom feed lists them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Window
from django.db.models.functions import Coalesce, Lag

from deployments.models import (
    Intention,
    Nation,
    Source,
    Stance,
    TroopCount,
    format_troops,
)


@dataclass(frozen=True)
class StatusChange:
    """One move of a pair's status: a new troop figure or a new stance."""

    kind: str  # "troops" or "stance"
    record: TroopCount | Intention
    before: str | None  # None for the pair's first figure or stance
    after: str

    @property
    def nation(self) -> Nation:
        return self.record.nation

    @property
    def host(self) -> Nation:
        return self.record.host

    @property
    def source(self) -> Source:
        return self.record.source

    @property
    def changed_on(self) -> datetime.date:
        if isinstance(self.record, TroopCount):
            return self.record.counted_on
        return self.record.said_on

    @property
    def summary(self) -> str:
        what = "troops" if self.kind == "troops" else "stance"
        where = f"{self.nation.name} in {self.host.name}"
        if self.before is None:
            return f"{where}: {what} {self.after}"
        return f"{where}: {what} {self.before} → {self.after}"


def status_changes(limit: int = 50) -> list[StatusChange]:
    """Up to ``limit`` newest changes of figure or stance, newest first. Two
    queries.

    Each count is compared with the pair's previous count, and each standing
    statement with the pair's previous standing statement (retracted ones are
    skipped, as they never drove the status); repeats of the same figure or
    stance are not changes.
    """
    pair = [F("deployment_id")]
    counts = (
        TroopCount.objects.annotate(
            previous_troops=Window(
                Lag("troops"), partition_by=pair, order_by=[F("counted_on"), F("id")]
            ),
            previous_precision=Window(
                Lag("precision"),
                partition_by=pair,
                order_by=[F("counted_on"), F("id")],
            ),
        )
        .select_related("nation", "host", "source")
        .order_by("-counted_on", "-id")
    )
    said_on = Coalesce("stated_on", "reported_on")
    intentions = (
        Intention.objects.standing_on(None)
        .annotate(
            said=said_on,
            previous_stance=Window(
                Lag("stance"),
                partition_by=pair,
                order_by=[said_on, F("reported_on"), F("id")],
            ),
        )
        .select_related("nation", "host", "source")
        .order_by("-said", "-reported_on", "-id")
    )

    # The window sees every row of a pair before LIMIT applies, so slicing keeps
    # the comparisons right; the margin leaves room for skipped repeats.
    window = limit * 4
    changes: list[StatusChange] = []
    for count in counts[:window]:
        after = count.display_troops
        if count.previous_precision is None:
            before = None
        else:
            before = format_troops(count.previous_troops, count.previous_precision)
        if before != after:
            changes.append(StatusChange("troops", count, before, after))
    for intention in intentions[:window]:
        after = Stance(intention.stance).label
        before = (
            Stance(intention.previous_stance).label
            if intention.previous_stance
            else None
        )
        if before != after:
            changes.append(StatusChange("stance", intention, before, after))
    changes.sort(key=lambda change: (change.changed_on, change.record.pk), reverse=True)
    return changes[:limit]
