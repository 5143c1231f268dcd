"""Sources: the published reports every figure and statement cites."""

from __future__ import annotations

import datetime

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from deployments.models.base import (
    MAX_ARTICLE_CHARS,
    VersionedModel,
    validate_not_in_future,
    validate_not_too_early,
)
from deployments.models.text import validate_text


def describe_source(title: str, publisher: str, published_on: datetime.date) -> str:
    """A source as people cite it: "Title — Publisher, 2020-01-08"."""
    return f"{title} — {publisher}, {published_on:%Y-%m-%d}"


class SourceQuerySet(models.QuerySet["Source"]):
    def get_by_natural_key(
        self, publisher: str, title: str, published_on: str | datetime.date
    ) -> Source:
        return self.get(publisher=publisher, title=title, published_on=published_on)


class Source(VersionedModel):
    """A published report that figures and statements are taken from."""

    title = models.CharField(max_length=300, validators=[validate_text])
    publisher = models.CharField(
        max_length=200,
        validators=[validate_text],
        help_text="The outlet that published the report, with the agency if it "
        "carried one (e.g. “International Business Times (AFP)”).",
    )
    published_on = models.DateField(
        validators=[validate_not_too_early, validate_not_in_future]
    )
    url = models.URLField(max_length=500, blank=True, validators=[validate_text])
    agency = models.CharField(
        db_default="",
        max_length=50,
        blank=True,
        validators=[validate_text],
        help_text="The wire agency whose story this is (AFP, AP, Reuters), when "
        "it carried one: two outlets printing the same agency story are one "
        "source of evidence.",
    )
    text = models.TextField(
        db_default="",
        blank=True,
        validators=[validate_text, MaxLengthValidator(MAX_ARTICLE_CHARS)],
        help_text="The article's text as entered, which every quote and "
        "proposal's span refers to. Shown to staff only; fixed once proposals "
        "point into it.",
    )

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
        return describe_source(self.title, self.publisher, self.published_on)

    def natural_key(self) -> tuple[str, str, str]:
        return (self.publisher, self.title, self.published_on.isoformat())

    @property
    def evidence_key(self) -> str:
        return evidence_key(self.agency, self.publisher)


def evidence_key(agency: str, publisher: str) -> str:
    """What makes two sources one piece of evidence: the wire agency whose
    story they print, else the publisher. Two sources are independent when
    their keys differ (case and surrounding spaces aside)."""
    return (
        f"agency:{agency.strip().casefold()}"
        if agency.strip()
        else (f"publisher:{publisher.strip().casefold()}")
    )
