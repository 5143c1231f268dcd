"""Derived values kept for reuse, filed under the data's revision.

The status and the lengths of long lists are costly to derive and change only
when the data does. ``remember`` keeps them in this process's memory under
the current ``DataRevision``: a committed change, made by any worker, moves
the revision and so makes every older entry unreachable at once.

The entries are live objects, not pickled copies: a status of 600 rows takes
~70 ms to unpickle, as long as deriving it, so a shared cache (Redis) would
save nothing. Callers must treat what they get as read-only.

``DERIVED_CACHE_SECONDS`` bounds how long an entry lives (and so how long a
change made behind Django's back, with SQL, can go unseen; see
``DataRevision``); 0 turns the cache off. ``DERIVED_CACHE_ENTRIES`` bounds how
many are kept (a full status at 600 rows is ~3 MB).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from cachetools import TTLCache
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from deployments.models.revision import DataRevision, has_uncommitted_changes

Value = TypeVar("Value")

_entries: TTLCache[str, Any] | None = None
_lock = threading.Lock()
_MISSING = object()


def remember(
    name: str, parts: object, compute: Callable[[], Value], using: str = "default"
) -> Value:
    """``compute()``'s value, reused while the data's revision stays the same
    and ``parts`` are equal; one query (the revision) on a hit.

    ``parts`` is everything the value depends on besides the data; its
    ``repr`` must tell different inputs apart.
    """
    entries = _cache()
    # A transaction that has written sees data nobody else sees yet.
    if entries is None or has_uncommitted_changes(using):
        return compute()
    revision = DataRevision.current(using)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"{name}:{using}:{revision}:{digest}"
    with _lock:
        value = entries.get(key, _MISSING)
    if value is not _MISSING:
        return value  # type: ignore[return-value]
    value = compute()
    with _lock:
        entries[key] = value
    return value  # type: ignore[return-value]


def forget_all() -> None:
    """Drop every entry (tests, and after settings change)."""
    global _entries
    with _lock:
        _entries = None


def _cache() -> TTLCache[str, Any] | None:
    global _entries
    if settings.DERIVED_CACHE_SECONDS <= 0:
        return None
    with _lock:
        if _entries is None:
            _entries = TTLCache(
                maxsize=settings.DERIVED_CACHE_ENTRIES,
                ttl=settings.DERIVED_CACHE_SECONDS,
            )
        return _entries


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
        return remember("count", (rows.db, sql, params), rows.count, using=rows.db)
