from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_save
from simple_history.signals import post_create_historical_record


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = "Deployments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from deployments.models import (
            Deployment,
            Intention,
            Nation,
            Source,
            TroopCount,
        )

        # A count or statement belongs to the deployment its nation and host
        # name, on every save (fixtures' raw ones too).
        for model in (TroopCount, Intention):
            pre_save.connect(
                record_saving, sender=model, dispatch_uid=f"{model}-deployment"
            )

        # The data revision that files cached derivations is moved by
        # database triggers (migration 0017), not here: they see every write.
        for model in (Nation, Source, Deployment, TroopCount, Intention):
            # Every history entry is also filed in the change feed, in the
            # same transaction as the write (VersionedModel.save is atomic).
            post_create_historical_record.connect(
                history_written,
                sender=model.history.model,
                dispatch_uid=f"{model}-feed",
            )


def record_saving(sender: type, instance: Any, using: str, **kwargs: Any) -> None:
    instance.resolve_deployment(using)


def history_written(
    sender: type, history_instance: Any, using: str | None = None, **kwargs: Any
) -> None:
    from deployments.models.changes import Change, record_type_of

    Change.for_history(record_type_of(sender), history_instance).save(
        using=using or "default"
    )
