"""A number that goes up whenever the tracked data changes.

Anything derived from the data and kept for reuse (the cached status, the
cached list counts) is filed under the revision it was computed at, so a
change makes it unreachable at once, in every process: the revision lives in
the database, not in one worker's memory.

Every save and delete through the ORM bumps it after its transaction commits
(see ``note_change``, wired to the model signals in ``apps.py``); writes that
bypass the signals (``bulk_create``, raw SQL) must call
``DataRevision.bump()`` themselves. Bumping after the commit keeps the one
row from serialising writers, and a reader can then never file data older
than a revision under that revision: the revision only moves once the data it
stands for is visible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connections, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

SINGLETON_ID = 1


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
    def current(cls, using: str = "default") -> int:
        """The revision now visible to this connection; one query."""
        number = (
            cls.objects.using(using)
            .filter(id=SINGLETON_ID)
            .values_list("number", flat=True)
            .first()
        )
        return 0 if number is None else number

    @classmethod
    def bump(cls, using: str = "default") -> None:
        """Move the revision on: everything filed under an older one is stale.

        The new number is also at least the current time in microseconds, so
        a number never comes back: not after a backup holding an older one is
        restored, nor after the row is removed. Entries filed under a number
        therefore always describe the data as it was at that number.
        """
        now = _microseconds_now()
        updated = (
            cls.objects.using(using)
            .filter(id=SINGLETON_ID)
            .update(number=Greatest(F("number") + 1, Value(now)))
        )
        if not updated:  # the row was removed by hand: start again
            cls.objects.using(using).get_or_create(
                id=SINGLETON_ID, defaults={"number": now}
            )


def _microseconds_now() -> int:
    return int(time.time() * 1_000_000)


def _bumper(using: str) -> Callable[[], None]:
    """The one callback that bumps ``using``'s revision, so that a pending bump
    can be recognised among a transaction's on-commit callbacks."""
    if using not in _bumpers:

        def bump_data_revision() -> None:
            DataRevision.bump(using)

        _bumpers[using] = bump_data_revision
    return _bumpers[using]


_bumpers: dict[str, Callable[[], None]] = {}


def note_change(using: str = "default") -> None:
    """Bump the revision once the current transaction commits (at once in
    autocommit); one bump per transaction however many rows it writes.

    Robust: if the bump fails (the database went away just after the
    commit), the change stands and the failure is logged; cached values then
    live until ``DERIVED_CACHE_SECONDS`` runs out or the next change.
    """
    if not has_uncommitted_changes(using):
        transaction.on_commit(_bumper(using), using=using, robust=True)


def has_uncommitted_changes(using: str = "default") -> bool:
    """Whether this connection's open transaction has written tracked data.

    Such a transaction sees data nobody else does yet, so it must neither read
    from nor add to what is cached for everyone.
    """
    connection = connections[using]
    bump = _bumper(using)
    return connection.in_atomic_block and any(
        callback is bump for _, callback, _ in connection.run_on_commit
    )
