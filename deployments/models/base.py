"""What every record shares: a version that guards against lost edits, and
the limits the figures must respect."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

# No nation has kept a million troops in one foreign country since the Korean
# War; a larger figure is a typing error, not a deployment.
MAX_TROOPS = 1_000_000

# Quotes and excerpts are short provenance, never the article itself. The
# limit also keeps the unique index on quotes within PostgreSQL's row size.
MAX_QUOTE_LENGTH = 500

# An article's text is a news report, not a book: a megabyte of text is
# several hundred pages, and anything longer was pasted by mistake.
MAX_ARTICLE_CHARS = 1_000_000

# A nation's code: ISO 3166-1 alpha-3 for a state, an acronym for an alliance.
# NATION_CODE is the bare pattern (URL converters and routers anchor it
# themselves); NATION_CODE_PATTERN the anchored one, for everything else. \A
# and \Z, not ^ and $: Python's $ also matches before a final newline, so
# "GBR\n" passed the validator and SQLite's check (which runs Python's re).
NATION_CODE = "[A-Z]{2,8}"
NATION_CODE_PATTERN = rf"\A{NATION_CODE}\Z"
NATION_CODE_MESSAGE = (
    "Nation codes are 2 to 8 upper-case letters: ISO 3166-1 alpha-3 for a "
    "state (USA), an acronym for an alliance (NATO)."
)
validate_nation_code = RegexValidator(NATION_CODE_PATTERN, NATION_CODE_MESSAGE)

# The one lower bound for every date, stored or asked for (API filters, as-of
# dates on the API and the pages): deployments this tracker records are
# modern, and year 1 is a typing error that some readers cannot even show.
EARLIEST_DATE = datetime.date(1900, 1, 1)


def validate_not_too_early(value: datetime.date) -> None:
    """Reject dates before ``EARLIEST_DATE``, with the same message everywhere."""
    if value < EARLIEST_DATE:
        raise ValidationError(
            "%(value)s is before %(earliest)s, the earliest date the tracker takes.",
            code="date_too_early",
            params={"value": value, "earliest": EARLIEST_DATE},
        )


def validate_not_in_future(value: datetime.date) -> None:
    """Reject dates after today: nobody can have reported tomorrow's figure."""
    if value > timezone.localdate():
        raise ValidationError(
            "%(value)s is in the future.", code="future_date", params={"value": value}
        )


def troop_number(help_text: str = "") -> models.PositiveIntegerField:
    """A number of troops, optional: from 0 to MAX_TROOPS."""
    return models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TROOPS)],
        help_text=help_text,
    )


def figure_of(figure: int | None, low: int | None, high: int | None) -> int | None:
    """The one figure of a number that may be a range or a bound: the figure
    given, else the low end, else the high end. Reports that are vague count
    at their lowest credible figure (ACLED's rule), so "30 to 40" counts 30
    and "over 900" counts 900."""
    if figure is not None:
        return figure
    return low if low is not None else high


def range_constraints(prefix: str, field: str) -> list[models.CheckConstraint]:
    """The database's rules for ``field`` with its ``field_low`` and
    ``field_high``: within the limits, low ≤ high, the figure inside the range,
    and no range without a figure (``figure_of`` fills it on save)."""
    low, high = f"{field}_low", f"{field}_high"
    return [
        models.CheckConstraint(
            condition=(Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__lte": MAX_TROOPS}))
            & (Q(**{f"{high}__isnull": True}) | Q(**{f"{high}__lte": MAX_TROOPS})),
            name=f"{prefix}_{field}_range_in_limits",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{low}__isnull": True})
            | Q(**{f"{high}__isnull": True})
            | Q(**{f"{low}__lte": F(high)}),
            name=f"{prefix}_{field}_low_not_above_high",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True})
            | (
                (Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__lte": F(field)}))
                & (Q(**{f"{high}__isnull": True}) | Q(**{f"{high}__gte": F(field)}))
            ),
            name=f"{prefix}_{field}_within_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": False})
            | Q(**{f"{low}__isnull": True, f"{high}__isnull": True}),
            name=f"{prefix}_{field}_range_has_figure",
        ),
    ]


def clean_range(record: models.Model, field: str) -> None:
    """The rules of ``range_constraints``, as messages naming the field; a
    record with a range and no figure gets its lowest credible one."""
    figure = getattr(record, field)
    low = getattr(record, f"{field}_low")
    high = getattr(record, f"{field}_high")
    errors = {}
    if low is not None and high is not None and low > high:
        errors[f"{field}_high"] = (
            f"The high end ({high:,}) is below the low end ({low:,})."
        )
    elif figure is not None and low is not None and figure < low:
        errors[field] = f"{figure:,} is below the range's low end ({low:,})."
    elif figure is not None and high is not None and figure > high:
        errors[field] = f"{figure:,} is above the range's high end ({high:,})."
    if errors:
        raise ValidationError(errors)
    # The figure the record will be saved with, so the database's rules are
    # checked against what will be written.
    setattr(record, field, figure_of(figure, low, high))


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
            # The record, its history entry and its change-feed row are one
            # write: the feed must never list a change that is not there.
            with transaction.atomic(using=kwargs.get("using")):
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


class DeployedRecord(VersionedModel):
    """A count or statement: about one deployment, named by its nation and host.

    The record keeps ``nation`` and ``host`` (the API, imports, fixtures,
    history and natural keys name it by them); its ``deployment`` follows from
    them and is resolved on every save, fixtures' raw saves included (the
    ``pre_save`` receiver in ``apps.py`` calls ``resolve_deployment``), in the
    same transaction as the write, creating the deployment on the first
    record about the pair. Writes that bypass saving (``bulk_create``) must set
    ``deployment`` themselves; the database refuses a deployment of another
    nation or host.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "deployment"}
        super().save(*args, **kwargs)

    def resolve_deployment(self, using: str | None = None) -> None:
        deployments = self._meta.get_field("deployment").related_model.objects
        self.deployment = deployments.using(using).of(self.nation_id, self.host_id)
