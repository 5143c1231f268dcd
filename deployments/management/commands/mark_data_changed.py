"""Tell every worker that the data changed where the triggers could not see."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from deployments.models import DataRevision


class Command(BaseCommand):
    help = (
        "Move the data revision on, so that cached status and list counts are "
        "derived afresh. Every write to the tracked tables does this by itself "
        "(database triggers, also for SQL); run it only after data reached the "
        "tables without them: a restore with triggers disabled (pg_restore "
        "--disable-triggers), a restore of some tables but not the revision's, "
        "or a table rebuilt on SQLite before its triggers were put back."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        DataRevision.bump()
        self.stdout.write(f"Data revision is now {DataRevision.current()}.")
