"""API rate limits that hold, per worker, while the shared cache is down.

DRF counts requests in the default cache (Redis in production). When Redis
cannot be reached, its throttles raise and every API request would be a 500.
These throttles instead count in the worker's own memory for a while: the API
keeps answering, the limits still hold (each worker counting alone, so up to
WEB_CONCURRENCY times the limit in all), and the shared counts are tried
again every few seconds, so recovery needs no restart.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)

# Redis' own errors, and the socket's if a connection breaks mid-command.
CACHE_ERRORS = (RedisError, OSError)
# How long a worker counts alone before it tries the shared cache again; it
# also keeps a dead cache from costing every request a failed connection.
RETRY_SHARED_CACHE_SECONDS = 5.0

_local_counts = LocMemCache("tracker-throttle-fallback", {"MAX_ENTRIES": 10_000})
_shared_cache_down_until = 0.0
_lock = threading.Lock()


class CountLocallyWhenCacheIsDown:
    """Mixed in before a DRF ``SimpleRateThrottle``."""

    def allow_request(self, request: Any, view: Any) -> bool:
        global _shared_cache_down_until
        if time.monotonic() >= _shared_cache_down_until:
            try:
                return super().allow_request(request, view)  # type: ignore[misc]
            except CACHE_ERRORS as error:
                with _lock:
                    _shared_cache_down_until = (
                        time.monotonic() + RETRY_SHARED_CACHE_SECONDS
                    )
                logger.warning(
                    "cache unavailable, this worker counts API rate limits alone "
                    "for %.0f s: %s",
                    RETRY_SHARED_CACHE_SECONDS,
                    error,
                )
        self.cache = _local_counts
        return super().allow_request(request, view)  # type: ignore[misc]


class AnonRateThrottle(CountLocallyWhenCacheIsDown, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(CountLocallyWhenCacheIsDown, throttling.UserRateThrottle):
    """Signed-in users' limit. DRF's own also counts anonymous requests, by
    address, beside ``AnonRateThrottle``'s count of the same: a second
    cache round trip for a limit that ``anon`` already sets."""

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)  # type: ignore[no-any-return]


def forget_outage() -> None:
    """Drop the local counts and any remembered outage (tests)."""
    global _shared_cache_down_until
    with _lock:
        _shared_cache_down_until = 0.0
    _local_counts.clear()
