"""Load fixtures without touching what is already there.

Django's ``loaddata`` writes every object raw: a record that exists (found by
its natural key) is overwritten with the fixture's values, its version goes
back to 1, and no history entry or change-feed row is written. Editors'
changes to the article's records were silently undone that way. This command
adds only the records that are missing, saved the ordinary way (a version,
a "created" history entry, a change in the feed), and says which it skipped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import loaddata
from django.core.serializers.base import DeserializedObject


class Command(loaddata.Command):
    help = (
        "Like loaddata, but only adds records that do not exist yet (matched by "
        "natural key or id); existing records are left exactly as they are."
    )

    def loaddata(self, fixture_labels: Any) -> None:
        self.skipped: list[str] = []
        self.added: list[str] = []
        verbosity, self.verbosity = self.verbosity, 0  # say it our way below
        try:
            super().loaddata(fixture_labels)
        finally:
            self.verbosity = verbosity
        if verbosity >= 1:
            self.stdout.write(
                f"Added {len(self.added)} new record(s); skipped "
                f"{len(self.skipped)} that already exist (left as they are)."
            )
        if verbosity >= 2:
            for label in self.skipped:
                self.stdout.write(f"  skipped, already there: {label}")

    def save_obj(self, obj: DeserializedObject) -> bool:
        record = obj.object
        model = type(record)
        label = f"{model._meta.verbose_name} {record}"
        if (
            record.pk is not None
            and model._base_manager.using(self.using).filter(pk=record.pk).exists()
        ):
            self.skipped.append(label)
            return False
        if obj.deferred_fields:
            raise ValueError(f"{label} refers to a record loaded after it")
        # An ordinary save, not loaddata's raw one: the record gets version 1,
        # its history entry and its change in the feed.
        record._change_reason = "loaded from a fixture"
        record.save(using=self.using, force_insert=True)
        self.models.add(model)
        self.added.append(label)
        return True
