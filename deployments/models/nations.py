"""Nations: states and alliances that send, host or receive troops."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from simple_history.models import HistoricalRecords

from deployments.models.base import NATION_CODE_PATTERN, VersionedModel
from deployments.models.text import validate_text

# A loose index scan: the smallest host id, then the next larger one, and so on.
DISTINCT_HOSTS = """
(WITH RECURSIVE hosts (id) AS (
    (SELECT host_id FROM {table} ORDER BY host_id LIMIT 1)
    UNION ALL
    SELECT (SELECT host_id FROM {table} WHERE host_id > hosts.id
            ORDER BY host_id LIMIT 1)
    FROM hosts WHERE hosts.id IS NOT NULL
) SELECT id FROM hosts WHERE id IS NOT NULL)
"""


class NationQuerySet(models.QuerySet["Nation"]):
    def get_by_natural_key(self, code: str) -> Nation:
        return self.get(code=code)

    def hosts(self) -> NationQuerySet:
        """Nations that host troops: named as host by a count or a statement.

        On PostgreSQL the distinct hosts are read by hopping through the host
        indexes (one probe per host), since the planner misjudges EXISTS for
        the many nations that host nothing and scans whole tables. Joining
        both tables with DISTINCT would multiply counts by statements.
        """
        from deployments.models.figures import TroopCount
        from deployments.models.statements import Intention

        if connection.vendor == "postgresql":
            tables = [TroopCount._meta.db_table, Intention._meta.db_table]
            return self.filter(
                pk__in=RawSQL(
                    " UNION ".join(
                        DISTINCT_HOSTS.format(table=table) for table in tables
                    ),
                    [],
                )
            )
        return self.filter(
            Exists(TroopCount.objects.filter(host=OuterRef("pk")))
            | Exists(Intention.objects.filter(host=OuterRef("pk")))
        )


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
            ),
            validate_text,
        ],
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
