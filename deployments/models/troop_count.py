"""Troop counts: dated, sourced figures of a nation's troops in a host country."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
from deployments.models.standing import Standing, not_asserted_on, set_aside_on
from deployments.models.text import validate_text


class Precision(models.TextChoices):
    """How sure the source is of a number."""

    EXACT = "exact", "Exact"
    APPROXIMATE = "approximate", "Approximate"
    ESTIMATED = "estimated", "Estimated"
    UNKNOWN = "unknown", "Unknown"


class TroopCountQuerySet(models.QuerySet["TroopCount"]):
    def get_by_natural_key(
        self,
        nation: str,
        host: str,
        counted_on: str,
        publisher: str,
        title: str,
        published_on: str,
    ) -> TroopCount:
        return self.get(
            nation__code=nation,
            host__code=host,
            counted_on=counted_on,
            source__publisher=publisher,
            source__title=title,
            source__published_on=published_on,
        )

    def known_on(self, as_of: datetime.date | None) -> TroopCountQuerySet:
        """Counts whose figure dates from ``as_of`` or earlier (all when None)."""
        if as_of is None:
            return self
        return self.filter(counted_on__lte=as_of)

    def standing_on(self, as_of: datetime.date | None) -> TroopCountQuerySet:
        """Counts neither superseded nor retracted as known on ``as_of``
        (today when None): the ones the status may take its figure from."""
        return self.exclude(set_aside_on(as_of))

    def asserted_on(self, as_of: datetime.date | None) -> TroopCountQuerySet:
        """Counts nobody disputed, superseded or retracted as known on
        ``as_of``: the ones that may show what became of a statement."""
        return self.exclude(not_asserted_on(as_of))

    def latest_first(self) -> TroopCountQuerySet:
        """Newest figure first: by the date it describes, then the record
        entered last. The order of ``troop_count_latest_idx``."""
        return self.order_by("-counted_on", "-id")

    def latest_for(
        self, nation: Nation, host: Nation, as_of: datetime.date | None = None
    ) -> TroopCount | None:
        """The newest count of ``nation``'s troops in ``host`` by ``as_of``,
        read along its deployment's "latest first" index."""
        return (
            self.known_on(as_of)
            .filter(deployment__nation=nation, deployment__host=host)
            .latest_first()
            .first()
        )


class TroopCount(DeployedRecord):
    """A dated, sourced figure for one nation's troops in one host country."""

    deployment = models.ForeignKey(
        "deployments.Deployment",
        on_delete=models.PROTECT,
        related_name="troop_counts",
        editable=False,
        help_text="The nation's deployment in the host; set from the two.",
    )
    nation = models.ForeignKey(
        Nation, on_delete=models.PROTECT, related_name="troop_counts"
    )
    host = models.ForeignKey(
        Nation,
        on_delete=models.PROTECT,
        related_name="hosted_troop_counts",
        help_text="The country the troops are in.",
    )
    troops = troop_number(
        "Number of troops: the one figure the status counts. Empty "
        "when the source gives no number; with only a range or bound, its low "
        "end (else its high end) is taken, the conservative rule.",
    )
    troops_low = troop_number(
        "The low end of a range (“30 to 40”) or a lower bound (“over "
        "900”); empty when the source gives one figure.",
    )
    troops_high = troop_number(
        "The high end of a range (“30 to 40”) or an upper bound "
        "(“nearly 12,000”); empty when the source gives one figure.",
    )
    precision = models.CharField(
        max_length=12,
        choices=Precision,
        help_text="How the source qualifies the number: exact, approximate "
        "(“approximately 5,200”), estimated (“an estimated 500”), or unknown "
        "when it gives none.",
    )
    figure_text = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_text],
        help_text="The figure as the source words it, e.g. “approximately 5,200”.",
    )
    counted_on = models.DateField(
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="The date the figure describes (“as of”); the source's date "
        "when it names no other.",
    )
    location = models.CharField(
        db_default="",
        max_length=200,
        blank=True,
        validators=[validate_text],
        help_text="A base or city inside the host (“Ain al-Asad”), when the "
        "source names one.",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="troop_counts"
    )
    excerpt = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        validators=[validate_text],
        help_text="The verbatim words of the source that support the figure.",
    )
    standing = models.CharField(
        db_default=Standing.ASSERTED,
        default=Standing.ASSERTED,
        max_length=10,
        choices=Standing,
        help_text="Superseded and retracted figures never drive the status; "
        "disputed ones are kept but neither corroborate nor conflict. "
        "Resolving a conflict sets the figures it sets aside.",
    )
    standing_changed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_too_early, validate_not_in_future],
        help_text="When the figure was disputed, superseded or retracted; "
        "empty when unknown (then it applies to every “as of” date).",
    )
    standing_note = models.CharField(
        db_default="",
        max_length=MAX_QUOTE_LENGTH,
        blank=True,
        validators=[validate_text],
        help_text="Why the figure is disputed, superseded or retracted.",
    )

    history = HistoricalRecords()
    objects = TroopCountQuerySet.as_manager()

    class Meta:
        ordering = ["nation__name", "host__name", "-counted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(troops__isnull=True)
                | Q(troops__gte=0, troops__lte=MAX_TROOPS),
                name="troop_count_troops_in_range",
            ),
            models.CheckConstraint(
                condition=Q(precision__in=Precision.values),
                name="troop_count_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(standing__in=Standing.values),
                name="troop_count_standing_valid",
            ),
            # An unknown number is exactly the case of a missing number.
            models.CheckConstraint(
                condition=Q(troops__isnull=True, precision=Precision.UNKNOWN)
                | (Q(troops__isnull=False) & ~Q(precision=Precision.UNKNOWN)),
                name="troop_count_unknown_iff_no_number",
            ),
            *range_constraints("troop_count", "troops"),
            models.CheckConstraint(
                condition=~Q(nation=models.F("host")),
                name="troop_count_nation_is_not_host",
            ),
            models.CheckConstraint(
                condition=~Q(excerpt=""),
                name="troop_count_excerpt_not_blank",
            ),
            models.UniqueConstraint(
                fields=["nation", "host", "counted_on", "source"],
                name="troop_count_unique_per_source_and_date",
            ),
        ]
        indexes = [
            # Deployment.objects.with_status(): newest count per deployment.
            models.Index(
                fields=["deployment", "-counted_on", "-id"],
                name="troop_count_latest_idx",
            ),
            # The API list and the admin: every count, newest first.
            models.Index(fields=["-counted_on", "-id"], name="troop_count_newest_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.nation.code} in {self.host.code}: {self.display_troops} "
            f"({self.counted_on:%Y-%m-%d})"
        )

    @property
    def display_troops(self) -> str:
        return format_troops(
            self.troops, self.precision, self.troops_low, self.troops_high
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.troops = figure_of(self.troops, self.troops_low, self.troops_high)
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, ...]:
        return (
            self.nation.code,
            self.host.code,
            self.counted_on.isoformat(),
            *self.source.natural_key(),
        )

    natural_key.dependencies = ["deployments.nation", "deployments.source"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        super().clean()
        clean_range(self, "troops")
        troops = figure_of(self.troops, self.troops_low, self.troops_high)
        if troops is None and self.precision not in ("", Precision.UNKNOWN):
            raise ValidationError(
                {"precision": "Without a number the precision is “unknown”."}
            )
        if troops is not None and self.precision == Precision.UNKNOWN:
            raise ValidationError(
                {"precision": "A number needs a precision other than “unknown”."}
            )
        if self.nation_id and self.nation_id == self.host_id:
            raise ValidationError({"host": "A nation cannot host its own troops."})


def format_troops(
    troops: int | None,
    precision: str,
    low: int | None = None,
    high: int | None = None,
) -> str:
    """Write a figure as people do: "~5,200", "est. 500", "1,000", "30–40",
    "900+" (over 900), "≤12,000" (up to, nearly 12,000), "unknown"."""
    if low is not None and high is not None and low != high:
        return f"{low:,}–{high:,}"
    if low is not None and high is None:
        return f"{low:,}+"
    if high is not None and low is None:
        return f"≤{high:,}"
    if troops is None:
        return "unknown"
    prefix = {Precision.APPROXIMATE: "~", Precision.ESTIMATED: "est. "}.get(
        precision, ""
    )
    return f"{prefix}{troops:,}"
