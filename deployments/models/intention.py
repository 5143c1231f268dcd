"""Intentions: dated, sourced statements of what a nation will do with its troops."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from deployments.models.base import (
    MAX_QUOTE_LENGTH,
    MAX_TROOPS,
    DeployedRecord,
    clean_range,
    figure_of,
    range_constraints,
    troop_number,
    validate_not_in_future,
    validate_not_too_early,
)
from deployments.models.nation import Nation
from deployments.models.source import Source
from deployments.models.standing import Standing, set_aside_on
from deployments.models.text import validate_text
from deployments.models.troop_count import TroopCount


class Stance(models.TextChoices):
    """What a nation says it will do with its troops in a host country."""

    STAYING = "staying", "Staying"
    WITHDRAWING = "withdrawing", "Withdrawing"
    PARTIAL_WITHDRAWAL = "partial_withdrawal", "Partial withdrawal"
    REPOSITIONING = "repositioning", "Repositioning"
    REINFORCING = "reinforcing", "Reinforcing"
    UNDECIDED = "undecided", "Undecided"


class IntentionQuerySet(models.QuerySet["Intention"]):
    def get_by_natural_key(
        self,
        publisher: str,
        title: str,
        published_on: str,
        nation: str,
        host: str,
        quote: str,
    ) -> Intention:
        return self.get(
            source__publisher=publisher,
            source__title=title,
            source__published_on=published_on,
            nation__code=nation,
            host__code=host,
            quote=quote,
        )

    def known_on(self, as_of: datetime.date | None) -> IntentionQuerySet:
        """Statements reported by ``as_of`` (all when None)."""
        if as_of is None:
            return self
        return self.filter(reported_on__lte=as_of)

    def standing_on(self, as_of: datetime.date | None) -> IntentionQuerySet:
        """Statements neither retracted nor superseded as known on ``as_of``
        (today when None).

        A retraction dated after ``as_of`` was not yet known then, so the
        statement still counted; an undated retraction counts from the start.
        """
        return self.exclude(set_aside_on(as_of))

    def latest_first(self) -> IntentionQuerySet:
        """Newest statement first: by the date it was made, else reported;
        ties go to the later report, then to the record entered last. The
        order of ``intention_said_idx``."""
        return self.order_by(
            Coalesce("stated_on", "reported_on").desc(), "-reported_on", "-id"
        )

    def asserted(self) -> IntentionQuerySet:
        """Statements that nobody has disputed or retracted."""
        return self.filter(standing=Standing.ASSERTED)


class Intention(DeployedRecord):
    """A dated, sourced statement of what a nation will do with its troops."""

    deployment = models.ForeignKey(
        "deployments.Deployment",
        on_delete=models.PROTECT,
        related_name="intentions",
        editable=False,
        help_text="The nation's deployment in the host; set from the two.",
    )
    nation = models.ForeignKey(
        Nation, on_delete=models.PROTECT, related_name="intentions"
    )
    host = models.ForeignKey(
        Nation,
        on_delete=models.PROTECT,
        related_name="hosted_intentions",
        help_text="The country the troops are in now.",
    )
    stance = models.CharField(max_length=20, choices=Stance)
    temporary = models.BooleanField(
        default=False, help_text="The source says the move is temporary."
    )
    troops_affected = troop_number(
        "How many troops the statement concerns; empty when the source "
        "gives no number (“some of its troops”).",
    )
    troops_affected_low = troop_number(
        "The low end of a range (“30 to 40 soldiers will remain”) or a "
        "lower bound (“more than 200”); empty for one figure.",
    )
    troops_affected_high = troop_number(
        "The high end of a range or an upper bound (“up to 300”); "
        "empty for one figure.",
    )
    target_troops = troop_number(
        "The level planned after the move (“down to 24,000”), when the "
        "source gives one.",
    )
    destination = models.ForeignKey(
        Nation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_intentions",
        help_text="The country troops move to, when the source names one.",
    )
    destination_note = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_text],
        help_text="Where troops go, in the source's words "
        "(“locations inside and outside Iraq”).",
    )
    location = models.CharField(
        db_default="",
        max_length=200,
        blank=True,
        validators=[validate_text],
        help_text="A base or city inside the host (“Taji”), when the source names one.",
    )
    speaker = models.CharField(
        max_length=200,
        validators=[validate_text],
        help_text="Who made the statement: a person, or the government or "
        "body that announced it.",
    )
    speaker_role = models.CharField(
        max_length=200, blank=True, validators=[validate_text]
    )
    stated_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="When the statement was made; empty when the source does not say.",
    )
    reported_on = models.DateField(
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="When the source reported the statement. The status “as of” a "
        "date only uses statements reported by then.",
    )
    quote = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        validators=[validate_text],
        help_text="The verbatim words of the source that carry the statement.",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="intentions"
    )
    standing = models.CharField(
        max_length=10,
        choices=Standing,
        default=Standing.ASSERTED,
        help_text="Retracted and superseded statements never drive the "
        "status; disputed ones do, flagged as disputed.",
    )
    standing_changed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="When the statement was disputed or retracted; empty when "
        "unknown (then the retraction applies to every “as of” date).",
    )
    standing_note = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        blank=True,
        validators=[validate_text],
        help_text="Why the statement is disputed or retracted, ideally quoted.",
    )

    history = HistoricalRecords()
    objects = IntentionQuerySet.as_manager()

    class Meta:
        ordering = ["nation__name", "host__name", "-reported_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="intention_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(standing__in=Standing.values),
                name="intention_standing_valid",
            ),
            models.CheckConstraint(
                condition=Q(troops_affected__isnull=True)
                | Q(troops_affected__gte=0, troops_affected__lte=MAX_TROOPS),
                name="intention_troops_affected_in_range",
            ),
            *range_constraints("intention", "troops_affected"),
            models.CheckConstraint(
                condition=Q(target_troops__isnull=True)
                | Q(target_troops__gte=0, target_troops__lte=MAX_TROOPS),
                name="intention_target_troops_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(nation=models.F("host")),
                name="intention_nation_is_not_host",
            ),
            models.CheckConstraint(
                condition=Q(destination__isnull=True)
                | ~Q(destination=models.F("host")),
                name="intention_destination_is_not_host",
            ),
            models.CheckConstraint(
                condition=Q(stated_on__isnull=True)
                | Q(stated_on__lte=models.F("reported_on")),
                name="intention_stated_before_reported",
            ),
            models.CheckConstraint(
                condition=~Q(quote=""), name="intention_quote_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(speaker=""), name="intention_speaker_not_blank"
            ),
            models.UniqueConstraint(
                fields=["source", "nation", "host", "quote"],
                name="intention_unique_quote_per_source",
            ),
        ]
        indexes = [
            # Deployment.objects.with_status(): per deployment, statements in
            # "latest" order (date said, else reported; then reported; id).
            models.Index(
                F("deployment"),
                Coalesce("stated_on", "reported_on").desc(),
                F("reported_on").desc(),
                F("id").desc(),
                name="intention_said_idx",
            ),
            # status_changes(): every statement in "latest" order, for the
            # newest few.
            models.Index(
                Coalesce("stated_on", "reported_on").desc(),
                F("reported_on").desc(),
                F("id").desc(),
                name="intention_said_newest_idx",
            ),
            # The API list and the admin: every statement, newest report first.
            models.Index(fields=["-reported_on", "-id"], name="intention_newest_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.nation.code} in {self.host.code}: {self.get_stance_display()} "
            f"({self.speaker}, {self.reported_on:%Y-%m-%d})"
        )

    def natural_key(self) -> tuple[str, ...]:
        return (
            *self.source.natural_key(),
            self.nation.code,
            self.host.code,
            self.quote,
        )

    natural_key.dependencies = ["deployments.nation", "deployments.source"]  # type: ignore[attr-defined]

    @property
    def said_on(self) -> datetime.date:
        """The statement's date when known, else the date it was reported."""
        return self.stated_on or self.reported_on

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.troops_affected = figure_of(
            self.troops_affected, self.troops_affected_low, self.troops_affected_high
        )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        clean_range(self, "troops_affected")
        errors: dict[str, Any] = {}
        if self.nation_id and self.nation_id == self.host_id:
            errors["host"] = "A nation cannot be its own host."
        if self.destination_id and self.destination_id == self.host_id:
            errors["destination"] = "The destination must differ from the host."
        if self.stated_on and self.reported_on and self.stated_on > self.reported_on:
            errors["stated_on"] = "A statement cannot be made after it was reported."
        # Reinforcements add troops, so they may exceed today's count.
        affected = figure_of(
            self.troops_affected, self.troops_affected_low, self.troops_affected_high
        )
        if (
            affected is not None
            and self.stance != Stance.REINFORCING
            and self.nation_id
            and self.host_id
        ):
            latest = TroopCount.objects.latest_for(
                self.nation, self.host, as_of=self.reported_on
            )
            known = latest.troops if latest is not None else None
            if known is not None and affected > known:
                errors["troops_affected"] = (
                    f"More than the {known:,} troops {self.nation.code} had in "
                    f"{self.host.code} by {latest.counted_on:%Y-%m-%d} (the "
                    "latest known count)."
                )
        if errors:
            raise ValidationError(errors)
