"""Whether a record still stands: shared by troop counts and statements.

A record is asserted until an analyst (or a resolved conflict) disputes,
supersedes or retracts it, with the date that happened. Readers that look at
a past date see the standing it had then: a change dated after that day was
not yet known, and an undated one counts from the start.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q


class Standing(models.TextChoices):
    """Whether a count or statement still stands."""

    ASSERTED = "asserted", "Asserted"
    # Another source says otherwise; still shown, flagged.
    DISPUTED = "disputed", "Disputed"
    # Replaced by a later or preferred record of the same thing.
    SUPERSEDED = "superseded", "Superseded"
    # Withdrawn by its source or found wrong: never used.
    RETRACTED = "retracted", "Retracted"


# Standings that take a record out of the status altogether.
SET_ASIDE = (Standing.SUPERSEDED, Standing.RETRACTED)


def set_aside_on(as_of: datetime.date | None) -> Q:
    """Records superseded or retracted as known on ``as_of`` (today when None)."""
    condition = Q(standing__in=SET_ASIDE)
    if as_of is not None:
        condition &= Q(standing_changed_on__isnull=True) | Q(
            standing_changed_on__lte=as_of
        )
    return condition


def not_asserted_on(as_of: datetime.date | None) -> Q:
    """Records disputed, superseded or retracted as known on ``as_of``."""
    condition = ~Q(standing=Standing.ASSERTED)
    if as_of is not None:
        condition &= Q(standing_changed_on__isnull=True) | Q(
            standing_changed_on__lte=as_of
        )
    return condition


def standing_on(
    standing: str,
    changed_on: datetime.date | None,
    as_of: datetime.date | None,
) -> str:
    """A record's standing as known on ``as_of``: asserted until its change."""
    if as_of is None or changed_on is None or changed_on <= as_of:
        return standing
    return Standing.ASSERTED
