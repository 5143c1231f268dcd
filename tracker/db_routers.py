"""Which database a query goes to: writes to the primary, reads to the
replica the current request was given.

The primary is ``default``; ``DATABASE_REPLICA_URLS`` adds streaming replicas
of it (``replica_1``, ...). Only a web request reads a replica, and only one
``tracker.replica_reads.ReplicaReadsMiddleware`` gave it (a healthy one, and not
to a client that has just written): everything else, from management commands
to a request that writes, reads the primary and so sees its own writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

PRIMARY = "default"

# The alias reads go to in this context (a thread, or one request in it).
_reads_from: ContextVar[str] = ContextVar("reads_from", default=PRIMARY)


@contextmanager
def reads_from(alias: str) -> Iterator[None]:
    """Send every read in the block to ``alias`` (``PRIMARY`` or a replica)."""
    token = _reads_from.set(alias)
    try:
        yield
    finally:
        _reads_from.reset(token)


def read_alias() -> str:
    """Where a read made now goes. A read inside a transaction on the
    primary stays there: it must see the transaction's own writes."""
    alias = _reads_from.get()
    if alias != PRIMARY and connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return alias


def primary_of(alias: str) -> str:
    """The database ``alias`` holds a copy of (itself, unless a replica)."""
    return PRIMARY if alias in settings.DATABASE_REPLICAS else alias


class PrimaryReplicaRouter:
    """Django's database router for a primary and its replicas (same data)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool:
        # A row read from a replica is the primary's row: relate them freely.
        return primary_of(first._state.db or PRIMARY) == primary_of(
            second._state.db or PRIMARY
        )

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # Replicas receive the primary's schema by replication.
        return db == PRIMARY
