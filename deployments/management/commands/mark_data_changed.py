"""Tell every worker that the data changed behind Django's back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from deployments.models import DataRevision


class Command(BaseCommand):
    help = (
        "Move the data revision on, so that cached status and list counts are "
        "derived afresh. Run it after changing rows with SQL or restoring a "
        "backup; changes made through Django do this by themselves."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        DataRevision.bump()
        self.stdout.write(f"Data revision is now {DataRevision.current()}.")
