from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = "Deployments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from deployments.models import Intention, Nation, Source, TroopCount

        # Any change to the tracked data makes cached derivations stale.
        for model in (Nation, Source, TroopCount, Intention):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"{model}-s")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"{model}-d")


def data_changed(sender: type, using: str = "default", **kwargs: Any) -> None:
    from deployments.models.revision import note_change

    note_change(using)
