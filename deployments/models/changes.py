"""The change feed: one row per history entry, in an order a client can resume.

django-simple-history keeps one history table per model; a client that keeps
a copy in sync needs one sequence over all of them that never gains a row
behind the point it has read up to. Timestamps cannot give that: they are
taken before commit, so a long transaction commits rows dated before rows that
a client has already read.

Each change is therefore filed under the database transaction that wrote it,
and the feed hands out only what no running transaction can still add to:

- PostgreSQL: ``transaction_id`` is the writer's top-level transaction id
  (``pg_current_xact_id()``, 64 bits, never wraps). Every id below the current
  snapshot's ``xmin`` belongs to a transaction that has ended, so the changes
  below it are final; the feed reads in ``(transaction_id, id)`` order up to
  that horizon. A long write transaction holds the feed back until it ends
  (the horizon is the server's, so also one in another database); it never
  makes the feed lose a row.
- SQLite: one writer at a time holds the database lock from its first write
  to its commit, so ``id`` (AUTOINCREMENT, never reused) is already in commit
  order; ``transaction_id`` is 0 for every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import Func


class RecordType(models.TextChoices):
    """The kinds of record the feed lists; nations are named by code in the
    API, other records by their id."""

    NATION = "nation", "Nation"
    SOURCE = "source", "Source"
    DEPLOYMENT = "deployment", "Deployment"
    TROOP_COUNT = "troop_count", "Troop count"
    INTENTION = "intention", "Intention"


class Action(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


RECORD_TYPES = tuple(RecordType.values)
# django-simple-history's history_type, as the feed and the history name it.
ACTIONS = {
    "+": Action.CREATED.value,
    "~": Action.CHANGED.value,
    "-": Action.DELETED.value,
}


def record_type_of(model: type[models.Model]) -> str:
    """The feed's name for a model or its history model (also in migrations)."""
    name = model._meta.model_name.removeprefix("historical")
    return {"troopcount": "troop_count"}.get(name, name)


class CurrentTransactionId(Func):
    """The writing transaction's id where the database has one (PostgreSQL),
    else 0 (SQLite, whose writers are serialised by its lock)."""

    output_field = models.BigIntegerField()
    template = "0"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # xid8 has no cast to bigint; through text it is exact.
        return "(pg_current_xact_id()::text::bigint)", []


# The oldest transaction still running: every change below it is final.
FEED_HORIZON_SQL = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def feed_horizon(using: str = "default") -> int | None:
    """The transaction id below which every change is final, or None when every
    committed change already is (SQLite). One query on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {FEED_HORIZON_SQL}")
        return cursor.fetchone()[0]


class Change(models.Model):
    """One created, changed or deleted version of a record, as the feed lists it."""

    transaction_id = models.BigIntegerField(
        db_default=CurrentTransactionId(),
        editable=False,
        help_text="The database transaction that wrote this change (0 on SQLite); "
        "the feed's order is (transaction, id).",
    )
    record_type = models.CharField(max_length=20, choices=RecordType)
    history_id = models.BigIntegerField(
        help_text="The entry in the record type's history table."
    )
    record_id = models.BigIntegerField(help_text="The record's primary key.")
    record_code = models.CharField(
        max_length=8, blank=True, help_text="A nation's code; empty for other records."
    )
    action = models.CharField(max_length=10, choices=Action)
    at = models.DateTimeField(help_text="When the change was made (not committed).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["transaction_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "history_id"], name="change_one_per_history"
            ),
            models.CheckConstraint(
                condition=models.Q(record_type__in=RECORD_TYPES),
                name="change_record_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=list(ACTIONS.values())),
                name="change_action_valid",
            ),
        ]
        indexes = [
            # The feed: changes after a cursor, in (transaction, id) order.
            models.Index(fields=["transaction_id", "id"], name="change_feed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_code or self.record_id} {self.action}"

    @classmethod
    def for_history(cls, record_type: str, entry: Any) -> Change:
        """The feed's row for one history entry (not yet saved)."""
        return cls(
            record_type=record_type,
            history_id=entry.history_id,
            record_id=entry.id,
            record_code=entry.code if record_type == RecordType.NATION else "",
            action=ACTIONS[entry.history_type],
            at=entry.history_date,
            user_id=entry.history_user_id,
            version=entry.version,
        )

    @classmethod
    def record_all(
        cls, record_type: str, entries: Iterable[Any], using: str = "default"
    ) -> None:
        """File history entries written in bulk (which sends no signals)."""
        cls.objects.using(using).bulk_create(
            (cls.for_history(record_type, entry) for entry in entries),
            batch_size=5000,
        )
