"""Resolutions: an analyst's decision of which figure to believe when sources
disagree about one deployment.

A conflict itself is never stored: it is derived from the figures
(``deployments.status.evidence``). What is stored is the decision: the
figure preferred, why, and when. Making it sets the other figures of the
conflict aside, each with its own history entry, in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from deployments.models.base import (
    MAX_QUOTE_LENGTH,
    VersionedModel,
    validate_not_in_future,
    validate_not_too_early,
)
from deployments.models.standing import Standing
from deployments.models.text import validate_text
from deployments.models.troop_count import TroopCount


class FigureResolution(VersionedModel):
    """The figure an analyst prefers among conflicting reports, and why."""

    deployment = models.ForeignKey(
        "deployments.Deployment",
        on_delete=models.CASCADE,
        related_name="resolutions",
        editable=False,
    )
    preferred = models.OneToOneField(
        TroopCount,
        on_delete=models.PROTECT,
        related_name="resolution",
        help_text="The figure the status keeps while it is in the window.",
    )
    note = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        validators=[validate_text],
        help_text="Why this figure is preferred (better source, later count, "
        "official figure), in words a reader can check.",
    )
    resolved_on = models.DateField(
        default=timezone.localdate,
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="When the conflict was resolved: as known before this "
        "date, it was still open.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-resolved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""), name="figure_resolution_note_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.preferred} preferred ({self.resolved_on:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.deployment_id = self.preferred.deployment_id
        super().save(*args, **kwargs)

    @classmethod
    @transaction.atomic
    def resolve(
        cls,
        preferred: TroopCount,
        others: Iterable[TroopCount],
        note: str,
        on: datetime.date | None = None,
    ) -> FigureResolution:
        """Prefer ``preferred`` over ``others`` (the conflict's other figures).

        Figures counted before the preferred one become superseded (the
        preferred one replaces them); the rest become disputed (kept, shown,
        never corroborating or conflicting again). The preferred figure
        stands asserted. Every change is saved through the models' rules and
        history; a second resolution of the same figure replaces the first.
        """
        on = on or timezone.localdate()
        resolution = cls.objects.filter(preferred=preferred).first() or cls(
            preferred=preferred
        )
        resolution.note, resolution.resolved_on = note, on
        resolution.full_clean()
        resolution.save()
        reason = f"conflict resolved in favour of count {preferred.pk}"
        for count in [preferred, *others]:
            if count.pk == preferred.pk:
                standing = Standing.ASSERTED
            elif count.counted_on < preferred.counted_on:
                standing = Standing.SUPERSEDED
            else:
                standing = Standing.DISPUTED
            if count.standing == standing:
                continue
            count.standing = standing
            count.standing_changed_on = None if standing == Standing.ASSERTED else on
            count.standing_note = (
                ""
                if standing == Standing.ASSERTED
                else f"Preferred: {preferred.display_troops} "
                f"({preferred.source.publisher}, {preferred.counted_on:%Y-%m-%d}). "
                f"{note}"
            )[:MAX_QUOTE_LENGTH]
            count.full_clean()
            count._change_reason = reason  # type: ignore[attr-defined]
            count.save()
        return resolution
