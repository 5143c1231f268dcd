"""Deleted records, read from the change history, for the admin to restore."""

from __future__ import annotations

from django.db import models

from deployments.models.deployment import Deployment
from deployments.models.intention import Intention
from deployments.models.nation import Nation
from deployments.models.source import Source
from deployments.models.troop_count import TroopCount


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


class DeletedDeployment(Deployment.history.model):  # type: ignore[name-defined]
    objects = DeletedRecordQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "deleted deployment"
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
