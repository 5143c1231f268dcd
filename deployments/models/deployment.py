"""Deployments: one nation's presence in one host country.

Every troop count and statement belongs to a deployment, so "the latest count"
and "the latest standing statement" are facts about a deployment, read by
``DeploymentQuerySet.with_status``. The status (``deployments.status``) is
built from those reads; nothing about it is stored.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from deployments.models.base import VersionedModel
from deployments.models.intention import Intention
from deployments.models.lookups import DaysBefore, IdList
from deployments.models.nation import Nation, NationQuerySet
from deployments.models.text import validate_text
from deployments.models.troop_count import TroopCount

MOVED = (
    "A deployment's nation and host never change: its records are about "
    "them. Add a deployment for the other pair instead."
)


def _newest(
    records: models.QuerySet, date: str, depth: int, within: datetime.timedelta
) -> IdList:
    """The ids of a deployment's first ``depth`` ``records`` (in their order,
    newest first) dated within ``within`` of the first's ``date``."""
    latest_date = records.filter(deployment=OuterRef(OuterRef("pk"))).values(date)
    return IdList(
        records.filter(
            deployment=OuterRef("pk"),
            **{f"{date}__gte": DaysBefore(Subquery(latest_date[:1]), within.days)},
        ).values("pk")[:depth]
    )


class DeploymentQuerySet(models.QuerySet["Deployment"]):
    def get_by_natural_key(self, nation: str, host: str) -> Deployment:
        return self.get(nation__code=nation, host__code=host)

    def of(self, nation_id: int, host_id: int) -> Deployment:
        """The deployment of one nation's troops in one host, created on the
        first record about them (so no client ever has to name one)."""
        deployment, _ = self.get_or_create(nation_id=nation_id, host_id=host_id)
        return deployment

    def with_status(self, as_of: datetime.date | None = None) -> DeploymentQuerySet:
        """Each deployment with the id of its latest count (``latest_count_id``)
        and of its latest standing statement (``latest_intention_id``) as
        known on ``as_of`` (today when None); None where it has none.

        Each id is a correlated subquery that reads the first qualifying entry
        of the deployment's "latest first" index, so the cost follows the
        number of deployments, not the length of their histories.
        """
        latest_count = (
            TroopCount.objects.filter(deployment=OuterRef("pk"))
            .known_on(as_of)
            .standing_on(as_of)
            .latest_first()
        )
        latest_intention = (
            Intention.objects.filter(deployment=OuterRef("pk"))
            .known_on(as_of)
            .standing_on(as_of)
            .latest_first()
        )
        return self.annotate(
            latest_count_id=Subquery(latest_count.values("pk")[:1]),
            latest_intention_id=Subquery(latest_intention.values("pk")[:1]),
        )

    def with_recent(
        self, as_of: datetime.date | None, depth: int, within: datetime.timedelta
    ) -> DeploymentQuerySet:
        """Each deployment with the ids of its newest standing counts
        (``recent_count_ids``, the latest first) and statements
        (``recent_intention_ids``) as known on ``as_of``: the latest, and
        those dated ``within`` its date, ``depth`` at most of each.

        Each list is one walk along the deployment's "latest first" index
        (after one step to find the latest's date), so the cost follows the
        number of deployments, and reports outside the window, however many,
        are never read."""
        counts = TroopCount.objects.known_on(as_of).standing_on(as_of).latest_first()
        intentions = (
            Intention.objects.known_on(as_of)
            .standing_on(as_of)
            .latest_first()
            .annotate(said=Coalesce("stated_on", "reported_on"))
        )
        return self.annotate(
            recent_count_ids=_newest(counts, "counted_on", depth, within),
            recent_intention_ids=_newest(intentions, "said", depth, within),
        )

    def with_records(self) -> DeploymentQuerySet:
        """Deployments that at least one count or statement is about."""
        return self.filter(
            Exists(TroopCount.objects.filter(deployment=OuterRef("pk")))
            | Exists(Intention.objects.filter(deployment=OuterRef("pk")))
        )

    def hosts(self) -> NationQuerySet:
        """The nations these deployments are in."""
        return Nation.objects.filter(pk__in=self.values("host"))


class Deployment(VersionedModel):
    """One nation's troops in one host country, and what they serve in."""

    nation = models.ForeignKey(
        Nation,
        on_delete=models.CASCADE,
        related_name="deployments",
        help_text="The nation whose troops these are.",
    )
    host = models.ForeignKey(
        Nation,
        on_delete=models.CASCADE,
        related_name="hosted_deployments",
        help_text="The country the troops are in.",
    )
    operation = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_text],
        help_text="The operation or mission the troops serve in, when known "
        "(“Operation IMPACT”, “NATO Mission Iraq”).",
    )

    history = HistoricalRecords()
    objects = DeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["nation__name", "host__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nation", "host"], name="deployment_one_per_nation_and_host"
            ),
            models.CheckConstraint(
                condition=~Q(nation=models.F("host")),
                name="deployment_nation_is_not_host",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nation.code} in {self.host.code}"

    def natural_key(self) -> tuple[str, str]:
        return (self.nation.code, self.host.code)

    natural_key.dependencies = ["deployments.nation"]  # type: ignore[attr-defined]

    def clean(self) -> None:
        super().clean()
        if self.nation_id and self.nation_id == self.host_id:
            raise ValidationError({"host": "A nation cannot host its own troops."})
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("nation_id", "host_id")
                .first()
            )
            if stored is not None:
                moved = [
                    name
                    for name, before, now in zip(
                        ("nation", "host"),
                        stored,
                        (self.nation_id, self.host_id),
                        strict=True,
                    )
                    if before != now
                ]
                if moved:
                    raise ValidationError(dict.fromkeys(moved, MOVED))
