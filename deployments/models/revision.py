"""A number that goes up whenever the tracked data changes.

Anything derived from the data and kept for reuse (the cached status, the
cached list counts) is filed under the revision it was computed at, so a
change makes it unreachable at once, in every process: the revision lives in
the database, not in one worker's memory.

Database triggers on the tracked tables move it, in the writing transaction,
for every change that commits and never for one that is rolled back,
whether it is made with ``save()``, ``QuerySet.update()``, ``bulk_create()``
or raw SQL (``deployments/migrations/_revision_triggers.py``). A reader thus
sees a change and the revision it moved together, or neither.
"""

from __future__ import annotations

import time
from functools import lru_cache

from django.db import connections, models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

SINGLETON_ID = 1


@lru_cache
def _current_sql(using: str) -> tuple[str, tuple[object, ...]]:
    """``DataRevision.current``'s query, as the ``using`` database takes it."""
    rows = DataRevision.objects.filter(id=SINGLETON_ID).values_list("number")
    return rows.query.get_compiler(using).as_sql()


class DataRevision(models.Model):
    """The one row holding the data's revision number."""

    number = models.PositiveBigIntegerField(
        default=0,
        help_text="Goes up by at least one after every committed change to "
        "nations, sources, troop counts or statements.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(id=SINGLETON_ID), name="data_revision_single_row"
            ),
        ]

    def __str__(self) -> str:
        return f"data revision {self.number}"

    @classmethod
    def current(cls, using: str = "default") -> int | None:
        """The revision now visible to this connection; one query. ``None``
        when the row is missing (removed by hand): the revision is unknown
        until the next change puts it back."""
        # Every read asks this first, so its SQL, the ORM's own, is made once
        # per database rather than compiled again each time.
        with connections[using].cursor() as cursor:
            cursor.execute(*_current_sql(using))
            row = cursor.fetchone()
        return None if row is None else row[0]

    @classmethod
    def bump(cls, using: str = "default") -> None:
        """Move the revision on by hand: everything filed under an older one
        is stale. The triggers do this for every write; this is for data that
        reached the tables without them (see ``mark_data_changed``).

        As in the triggers, the new number is at least the current time in
        microseconds, so a number never comes back.
        """
        now = int(time.time() * 1_000_000)
        updated = (
            cls.objects.using(using)
            .filter(id=SINGLETON_ID)
            .update(number=Greatest(F("number") + 1, Value(now)))
        )
        if not updated:  # the row was removed by hand: start again
            cls.objects.using(using).get_or_create(
                id=SINGLETON_ID, defaults={"number": now}
            )
