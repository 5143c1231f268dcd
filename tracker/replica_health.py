"""Is a replica fit to read from: reachable, and no further behind the
primary than ``DATABASE_REPLICA_MAX_LAG_SECONDS``?

Each worker process measures each replica's lag at most every
``CHECK_EVERY_SECONDS`` and keeps the verdict in memory. A replica found
unfit is left alone until the next check; its reads go to the primary, and
the client never sees an error for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 2.0

# How many seconds of committed changes the replica has yet to apply; 0 when
# it has applied all it received while streaming from the primary. A standby
# that stopped streaming is as far behind as the last change it applied,
# which errs towards the primary when the primary is idle. NULL: it has
# never applied a change, so how far behind it is is unknown.
POSTGRES_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""

_verdicts: dict[str, tuple[float, bool]] = {}  # alias: (checked at, usable)
_revisions: dict[str, int] = {}  # alias: the newest data revision seen on it
_lock = threading.Lock()


def replica_lag_seconds(alias: str) -> float | None:
    """How far ``alias`` is behind the primary, in seconds; ``None`` if
    unknown. Raises ``DatabaseError`` if it cannot be reached. Other
    databases than PostgreSQL (SQLite in tests) are never behind."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(POSTGRES_LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def is_usable(alias: str) -> bool:
    """The last verdict on ``alias``, measured afresh if it is older than
    ``CHECK_EVERY_SECONDS``."""
    now = time.monotonic()
    with _lock:
        verdict = _verdicts.get(alias)
    if verdict is not None and now - verdict[0] < CHECK_EVERY_SECONDS:
        return verdict[1]
    try:
        lag = replica_lag_seconds(alias)
    except DatabaseError as error:
        mark_unusable(alias, f"unreachable: {error}")
        return False
    if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        mark_unusable(alias, f"behind the primary by {lag} s")
        return False
    with _lock:
        _verdicts[alias] = (now, True)
    return True


def mark_unusable(alias: str, reason: str) -> None:
    """Read the primary instead of ``alias`` until the next check."""
    with _lock:
        was_usable = _verdicts.get(alias, (0.0, True))[1]
        _verdicts[alias] = (time.monotonic(), False)
    if was_usable:  # one warning per outage, not one per request
        logger.warning("replica %s left alone, reading the primary: %s", alias, reason)


def has_applied(alias: str, revision: int, read: Callable[[str], int | None]) -> bool:
    """Has ``alias`` applied the change that made ``revision``? A replica
    only moves forward, so a revision once seen there stays applied: its own
    revision is read (``read(alias)``, one query) only until it is seen to
    have caught up."""
    with _lock:
        seen = _revisions.get(alias)
    if seen is not None and seen >= revision:
        return True
    now = read(alias)
    if now is None:
        return False
    with _lock:
        _revisions[alias] = max(now, _revisions.get(alias, now))
    return now >= revision


def forget_verdicts() -> None:
    """Measure every replica afresh at its next use (tests)."""
    with _lock:
        _verdicts.clear()
        _revisions.clear()
