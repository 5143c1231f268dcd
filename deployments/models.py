"""The domain: nations, sources, dated troop counts and stated intentions.

Status (who has how many troops where, and what they said they will do) is
never stored: ``deployments.status`` derives it from these records.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

# No nation has kept a million troops in one foreign country since the Korean
# War; a larger figure is a typing error, not a deployment.
MAX_TROOPS = 1_000_000

# Quotes and excerpts are short provenance, never the article itself. The
# limit also keeps the unique index on quotes within PostgreSQL's row size.
MAX_QUOTE_LENGTH = 500

NATION_CODE_PATTERN = r"^[A-Z]{2,8}$"


def validate_not_in_future(value: datetime.date) -> None:
    """Reject dates after today: nobody can have reported tomorrow's figure."""
    if value > timezone.localdate():
        raise ValidationError(
            "%(value)s is in the future.", code="future_date", params={"value": value}
        )


class VersionConflict(Exception):
    """The record changed since the version the writer started from."""

    def __init__(self, record: models.Model, expected_version: int) -> None:
        self.record = record
        self.expected_version = expected_version
        super().__init__(
            f"{record._meta.verbose_name} {record.pk} is no longer at version "
            f"{expected_version}: someone else changed or deleted it"
        )


class VersionedModel(models.Model):
    """A record that refuses to overwrite changes its writer has not seen.

    Every update is conditional on the version the record was read at (or the
    one the caller names): one UPDATE ... WHERE version = N claims the row and
    bumps the version, in the same transaction as the write. Two writers from
    the same version cannot both succeed; the loser gets VersionConflict and
    nothing changes.
    """

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every change; writers send the version "
        "they read (the API's ETag) so that no edit is silently lost.",
    )

    class Meta:
        abstract = True

    def save(
        self, *args: Any, expected_version: int | None = None, **kwargs: Any
    ) -> None:
        if self._state.adding or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        expected = self.version if expected_version is None else expected_version
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=expected)
                .update(version=expected + 1)
            )
            if not claimed:
                raise VersionConflict(self, expected)
            self.version = expected + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)

    def delete(
        self, *args: Any, expected_version: int | None = None, **kwargs: Any
    ) -> tuple[int, dict[str, int]]:
        expected = self.version if expected_version is None else expected_version
        with transaction.atomic(using=kwargs.get("using")):
            # The row lock keeps a concurrent update from slipping in between.
            current = (
                type(self)
                ._base_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != expected:
                raise VersionConflict(self, expected)
            return super().delete(*args, **kwargs)


class NationQuerySet(models.QuerySet["Nation"]):
    def get_by_natural_key(self, code: str) -> Nation:
        return self.get(code=code)


class Nation(VersionedModel):
    """A state or alliance that contributes troops, hosts them, or receives them."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ALLIANCE = "alliance", "Alliance"

    code = models.CharField(
        max_length=8,
        unique=True,
        validators=[
            RegexValidator(
                NATION_CODE_PATTERN,
                "Use ISO 3166-1 alpha-3 for a state (USA) or an upper-case "
                "acronym for an alliance (NATO).",
            )
        ],
        help_text="ISO 3166-1 alpha-3 code for a state (USA, IRQ); an upper-case "
        "acronym for an alliance (NATO). Used in URLs, the API and fixtures.",
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.STATE)

    history = HistoricalRecords()
    objects = NationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=NATION_CODE_PATTERN),
                name="nation_code_upper_case_letters",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["state", "alliance"]), name="nation_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="nation_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class SourceQuerySet(models.QuerySet["Source"]):
    def get_by_natural_key(
        self, publisher: str, title: str, published_on: str | datetime.date
    ) -> Source:
        return self.get(publisher=publisher, title=title, published_on=published_on)


class Source(VersionedModel):
    """A published report that figures and statements are taken from."""

    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200,
        help_text="The outlet that published the report, with the agency if it "
        "carried one (e.g. “International Business Times (AFP)”).",
    )
    published_on = models.DateField(validators=[validate_not_in_future])
    url = models.URLField(max_length=500, blank=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "title", "published_on"],
                name="source_unique_publisher_title_date",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="source_title_not_blank"
            ),
            models.CheckConstraint(
                condition=~Q(publisher=""), name="source_publisher_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.publisher}, {self.published_on:%Y-%m-%d}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.publisher, self.title, self.published_on.isoformat())


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

    def latest_for(
        self, nation: Nation, host: Nation, as_of: datetime.date | None = None
    ) -> TroopCount | None:
        """The newest count of ``nation``'s troops in ``host`` by ``as_of``."""
        return (
            self.known_on(as_of)
            .filter(nation=nation, host=host)
            .order_by("-counted_on", "-id")
            .first()
        )


class TroopCount(VersionedModel):
    """A dated, sourced figure for one nation's troops in one host country."""

    nation = models.ForeignKey(
        Nation, on_delete=models.PROTECT, related_name="troop_counts"
    )
    host = models.ForeignKey(
        Nation,
        on_delete=models.PROTECT,
        related_name="hosted_troop_counts",
        help_text="The country the troops are in.",
    )
    troops = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TROOPS)],
        help_text="Number of troops; empty when the source gives no number.",
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
        help_text="The figure as the source words it, e.g. “approximately 5,200”.",
    )
    counted_on = models.DateField(
        validators=[validate_not_in_future],
        help_text="The date the figure describes (“as of”); the source's date "
        "when it names no other.",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="troop_counts"
    )
    excerpt = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        help_text="The verbatim words of the source that support the figure.",
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
            # An unknown number is exactly the case of a missing number.
            models.CheckConstraint(
                condition=Q(troops__isnull=True, precision=Precision.UNKNOWN)
                | (Q(troops__isnull=False) & ~Q(precision=Precision.UNKNOWN)),
                name="troop_count_unknown_iff_no_number",
            ),
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
            # status.latest_troop_counts(): newest count per nation and host.
            models.Index(
                fields=["nation", "host", "-counted_on", "-id"],
                name="troop_count_latest_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.nation.code} in {self.host.code}: {self.display_troops} "
            f"({self.counted_on:%Y-%m-%d})"
        )

    @property
    def display_troops(self) -> str:
        return format_troops(self.troops, self.precision)

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
        if self.troops is None and self.precision not in ("", Precision.UNKNOWN):
            raise ValidationError(
                {"precision": "Without a number the precision is “unknown”."}
            )
        if self.troops is not None and self.precision == Precision.UNKNOWN:
            raise ValidationError(
                {"precision": "A number needs a precision other than “unknown”."}
            )
        if self.nation_id and self.nation_id == self.host_id:
            raise ValidationError({"host": "A nation cannot host its own troops."})


def format_troops(troops: int | None, precision: str) -> str:
    """Write a figure as people do: "~5,200", "est. 500", "1,000", "unknown"."""
    if troops is None:
        return "unknown"
    prefix = {Precision.APPROXIMATE: "~", Precision.ESTIMATED: "est. "}.get(
        precision, ""
    )
    return f"{prefix}{troops:,}"


class Stance(models.TextChoices):
    """What a nation says it will do with its troops in a host country."""

    STAYING = "staying", "Staying"
    WITHDRAWING = "withdrawing", "Withdrawing"
    PARTIAL_WITHDRAWAL = "partial_withdrawal", "Partial withdrawal"
    REPOSITIONING = "repositioning", "Repositioning"
    REINFORCING = "reinforcing", "Reinforcing"
    UNDECIDED = "undecided", "Undecided"


class Standing(models.TextChoices):
    """Whether a statement still stands."""

    ASSERTED = "asserted", "Asserted"
    DISPUTED = "disputed", "Disputed"
    RETRACTED = "retracted", "Retracted"


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
        """Statements not retracted as known on ``as_of`` (today when None).

        A retraction dated after ``as_of`` was not yet known then, so the
        statement still counted; an undated retraction counts from the start.
        """
        retracted = Q(standing=Standing.RETRACTED)
        if as_of is not None:
            retracted &= Q(standing_changed_on__isnull=True) | Q(
                standing_changed_on__lte=as_of
            )
        return self.exclude(retracted)

    def asserted(self) -> IntentionQuerySet:
        """Statements that nobody has disputed or retracted."""
        return self.filter(standing=Standing.ASSERTED)


class Intention(VersionedModel):
    """A dated, sourced statement of what a nation will do with its troops."""

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
    troops_affected = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TROOPS)],
        help_text="How many troops the statement concerns; empty when the source "
        "gives no number (“some of its troops”).",
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
        help_text="Where troops go, in the source's words "
        "(“locations inside and outside Iraq”).",
    )
    speaker = models.CharField(
        max_length=200,
        help_text="Who made the statement: a person, or the government or "
        "body that announced it.",
    )
    speaker_role = models.CharField(max_length=200, blank=True)
    stated_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_in_future],
        help_text="When the statement was made; empty when the source does not say.",
    )
    reported_on = models.DateField(
        validators=[validate_not_in_future],
        help_text="When the source reported the statement. The status “as of” a "
        "date only uses statements reported by then.",
    )
    quote = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        help_text="The verbatim words of the source that carry the statement.",
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="intentions"
    )
    standing = models.CharField(
        max_length=10,
        choices=Standing,
        default=Standing.ASSERTED,
        help_text="Retracted statements never drive the status; disputed ones "
        "do, flagged as disputed.",
    )
    standing_changed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_in_future],
        help_text="When the statement was disputed or retracted; empty when "
        "unknown (then the retraction applies to every “as of” date).",
    )
    standing_note = models.CharField(
        max_length=MAX_QUOTE_LENGTH,
        blank=True,
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
            # status.latest_intentions(): statements per pair, reported by a date.
            models.Index(
                fields=["nation", "host", "reported_on"],
                name="intention_latest_idx",
            ),
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

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.nation_id and self.nation_id == self.host_id:
            errors["host"] = "A nation cannot be its own host."
        if self.destination_id and self.destination_id == self.host_id:
            errors["destination"] = "The destination must differ from the host."
        if self.stated_on and self.reported_on and self.stated_on > self.reported_on:
            errors["stated_on"] = "A statement cannot be made after it was reported."
        if self.troops_affected is not None and self.nation_id and self.host_id:
            latest = TroopCount.objects.latest_for(
                self.nation, self.host, as_of=self.reported_on
            )
            known = latest.troops if latest is not None else None
            if known is not None and self.troops_affected > known:
                errors["troops_affected"] = (
                    f"More than the {known:,} troops {self.nation.code} had in "
                    f"{self.host.code} by {latest.counted_on:%Y-%m-%d} (the "
                    "latest known count)."
                )
        if errors:
            raise ValidationError(errors)


class DeletedRecordQuerySet(models.QuerySet):
    def still_deleted(self) -> DeletedRecordQuerySet:
        """Deletions whose record has not been restored (or re-created) since."""
        live = self.model.instance_type.objects.values("pk")
        return self.filter(history_type="-").exclude(id__in=live)


# Proxies of each model's history that list only deletions, so the admin can
# show what was deleted and restore it.


class DeletedNation(Nation.history.model):  # type: ignore[name-defined]
    objects = DeletedRecordQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "deleted nation"
        ordering = ["-history_date"]


class DeletedSource(Source.history.model):  # type: ignore[name-defined]
    objects = DeletedRecordQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "deleted source"
        ordering = ["-history_date"]


class DeletedTroopCount(TroopCount.history.model):  # type: ignore[name-defined]
    objects = DeletedRecordQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "deleted troop count"
        ordering = ["-history_date"]


class DeletedIntention(Intention.history.model):  # type: ignore[name-defined]
    objects = DeletedRecordQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "deleted intention"
        ordering = ["-history_date"]
