"""Derived values kept for reuse, filed under the data's revision.

The status and the lengths of long lists are costly to derive and change only
when the data does. ``remember`` keeps them in Django's default cache (Redis
in production, so every worker and machine shares them) under the current
``DataRevision``, which database triggers move in the same transaction as
every committed change: a change makes every older entry unreachable at once.

Values are only read from and stored in the cache in autocommit, never
inside a transaction: a transaction may see its own uncommitted writes (or,
on PostgreSQL, an older snapshot), which nobody else sees, and a revision
read there says nothing about them. Inside ``atomic()`` values are derived
afresh.

With read replicas (``DATABASE_REPLICA_URLS``) a value asked for on the
primary (``using="default"``, as the status is) is looked up under the
primary's revision, so a lagging replica never makes an older value look
current. When it is missing it is derived on the request's replica only if
the replica's own revision equals the primary's (it has applied every change
up to it, and no later one), and filed only if it still does after
deriving; otherwise it is derived on the primary. A hit thus costs one small
query on the primary, and the costly derivations run on replicas. A value
asked for on a replica (a list's count, ``using=rows.db``, beside rows read
there) is looked up under that replica's revision and derived there, so it
agrees with those rows. Either way the key names the primary, not the copy:
a value filed under a revision is the same on every copy at it.

An entry filed under a revision never changes, so each worker also keeps
the few it used last (``DERIVED_CACHE_LOCAL_ENTRIES``) in its own memory and
answers those without asking the shared cache or unpickling them again: the
hot read (the whole status) costs one query. The bound keeps a worker's
memory flat however many distinct reads it serves.

``DERIVED_CACHE_SECONDS`` bounds how long an entry lives; 0 turns the cache
off. If the cache cannot be reached, values are derived as if it were off,
and it is tried again a little later.

A read that has already looked up the revision (for its ETag:
``deployments/validators.py``) passes it on with ``revision_already_read``:
its values are then those of the revision its ETag names, for no further
query.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

from deployments.models.revision import DataRevision
from tracker import replica_health
from tracker.db_routers import primary_of, read_alias, reads_from
from tracker.throttling import CACHE_ERRORS, RETRY_SHARED_CACHE_SECONDS

logger = logging.getLogger(__name__)

Value = TypeVar("Value")

CACHE_ALIAS = "default"
# What recall() answers for a value never filed (None may be a value).
MISSING = object()
_cache_down_until = 0.0
_lock = threading.Lock()
# (database alias, revision) read at the start of this request, if any.
_revision_read: ContextVar[tuple[str, int] | None] = ContextVar(
    "revision_read", default=None
)


@contextmanager
def revision_already_read(
    revision: int | None, using: str = "default"
) -> Iterator[None]:
    """Within this block, ``remember`` files values under ``revision``, read
    by the caller in autocommit just before, instead of reading it again."""
    token = _revision_read.set(None if revision is None else (using, revision))
    try:
        yield
    finally:
        _revision_read.reset(token)


def current_revision(using: str) -> int | None:
    """``using``'s revision: the one this request already read, if any."""
    already = _revision_read.get()
    if already is not None and already[0] == using:
        return already[1]
    return DataRevision.current(using)


def remember(
    name: str, parts: object, compute: Callable[[], Value], using: str = "default"
) -> Value:
    """``compute()``'s value, reused while the data's revision stays the same
    and ``parts`` are equal; one query (the revision) on a hit.

    ``parts`` is everything the value depends on besides the data; its
    ``repr`` must tell different inputs apart. Callers must treat what they
    get as read-only.
    """
    primary = primary_of(using)
    if not _cache_in_use(using):
        return compute()
    revision = current_revision(using)
    if revision is None:  # unknown until the next change puts the row back
        return compute()
    key = _key(name, parts, primary, revision)
    value = _lookup(key)
    if value is not MISSING:
        return value  # type: ignore[no-any-return]
    alias = _alias_at(revision, primary) if using == primary else using
    with reads_from(alias):
        value = compute()
    _file_if_current(key, value, revision, alias)
    return value


def recall(name: str, parts: object, revision: int, using: str = "default") -> Any:
    """What ``keep`` filed under ``name`` and ``parts`` at ``revision`` (read
    by the caller on ``using``), or ``MISSING``; no query."""
    if not _cache_in_use(using):
        return MISSING
    return _lookup(_key(name, parts, primary_of(using), revision))


def keep(
    name: str, parts: object, value: object, revision: int, using: str = "default"
) -> None:
    """File ``value``, made from ``using`` at ``revision``, for ``recall``;
    only if ``using`` is still at that revision (one query)."""
    if _cache_in_use(using):
        key = _key(name, parts, primary_of(using), revision)
        _file_if_current(key, value, revision, using)


def _key(name: str, parts: object, primary: str, revision: int) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"derived:{name}:{primary}:{revision}:{digest}"


# What unpickling an entry filed by other code raises (a class renamed or
# moved, or changed in shape, by a deploy since).
UNREADABLE = (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError)


def _lookup(key: str) -> Any:
    """This worker's copy, else the shared cache's (then kept here too); an
    entry this code cannot read is missing."""
    value = _recent.get(key)
    if value is MISSING:
        value = _cache_call(lambda cache: _readable(cache, key), MISSING)
        if value is not MISSING:
            _recent.put(key, value)
    return value


def _readable(cache: Any, key: str) -> Any:
    try:
        return cache.get(key, MISSING)
    except UNREADABLE as error:
        logger.warning("cache entry %s unreadable, deriving it again: %s", key, error)
        return MISSING


def _file_if_current(key: str, value: object, revision: int, alias: str) -> None:
    # The value was made by statements of their own: a change committed (or,
    # on a replica, applied) in between would otherwise be filed under the
    # revision before it.
    if DataRevision.current(alias) == revision:
        _cache_call(
            lambda cache: cache.set(key, value, settings.DERIVED_CACHE_SECONDS), None
        )
        _recent.put(key, value)


def _alias_at(revision: int, primary: str) -> str:
    """Where to derive a value to file under the primary's ``revision``: the
    replica this request reads, if it has applied every change up to that
    revision and no later one; else the primary. One query on the replica,
    none without one."""
    replica = read_alias()
    if replica == primary:
        return primary
    try:
        caught_up = DataRevision.current(replica) == revision
    except DatabaseError as error:
        replica_health.mark_unusable(replica, f"unreachable: {error}")
        return primary
    return replica if caught_up else primary


class RecentEntries:
    """The entries this worker used last, newest last, at most
    ``DERIVED_CACHE_LOCAL_ENTRIES`` of them (0: none)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            value = self._entries.get(key, MISSING)
            if value is not MISSING:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        limit = settings.DERIVED_CACHE_LOCAL_ENTRIES
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_recent = RecentEntries()


def forget_recent() -> None:
    """Drop this worker's own copies, as a fresh worker has none (tests)."""
    _recent.clear()


def forget_outage() -> None:
    """Try the cache again at the next call, even if it just failed (tests)."""
    global _cache_down_until
    with _lock:
        _cache_down_until = 0.0


def _cache_in_use(using: str) -> bool:
    return (
        settings.DERIVED_CACHE_SECONDS > 0
        and transaction.get_autocommit(using)
        and time.monotonic() >= _cache_down_until
    )


def _cache_call(call: Callable[[Any], Any], otherwise: Any) -> Any:
    """``call(cache)``, or ``otherwise`` if the cache cannot be reached; then
    the cache is left alone for a while, so that a dead Redis costs one
    request its timeout, not every request, and one warning."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return otherwise
    try:
        return call(caches[CACHE_ALIAS])
    except CACHE_ERRORS as error:
        with _lock:
            _cache_down_until = time.monotonic() + RETRY_SHARED_CACHE_SECONDS
        logger.warning(
            "cache unavailable, deriving status and counts afresh for %.0f s: %s",
            RETRY_SHARED_CACHE_SECONDS,
            error,
        )
        return otherwise


class CachedCountPaginator(Paginator):
    """A ``Paginator`` that remembers how many rows a query has.

    Counting a long filtered list (``COUNT(*)`` over hundreds of thousands of
    rows) costs far more than reading a page of it; the count is kept under
    the data's revision like any derived value, keyed by the query's SQL.
    """

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:
            return 0
        return remember(
            "count", (primary_of(rows.db), sql, params), rows.count, using=rows.db
        )
