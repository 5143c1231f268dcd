"""Nations: states and alliances that send, host or receive troops."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from deployments.models.base import (
    NATION_CODE_PATTERN,
    VersionedModel,
    validate_nation_code,
)
from deployments.models.text import validate_text


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
        validators=[validate_nation_code, validate_text],
        help_text="ISO 3166-1 alpha-3 code for a state (USA, IRQ); an upper-case "
        "acronym for an alliance (NATO). Used in URLs, the API and fixtures.",
    )
    name = models.CharField(max_length=100, validators=[validate_text])
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
