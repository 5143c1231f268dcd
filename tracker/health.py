"""Health for load balancers and process managers: do the database and the
cache answer?"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database unavailable: %s", error)
        return False
    return True


def cache_answers() -> bool:
    try:
        cache.get("healthz")
    except CACHE_ERRORS as error:
        logger.warning("health check: cache unavailable: %s", error)
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a trivial query, 503 when it does not.

    A cache that does not answer is reported (``"status": "degraded"``) but
    is still 200: the tracker serves everything without it (rate limits are
    then counted per worker), and taking every instance out of the load
    balancer for it would stop the whole site. One query and one cache read,
    no sessions or templates, so it can be polled every second.
    """
    database, cache_ok = database_answers(), cache_answers()
    status = "ok" if cache_ok else "degraded"
    if not database:
        status = "unavailable"
    body = {
        "status": status,
        "database": "ok" if database else "down",
        "cache": "ok" if cache_ok else "down",
    }
    return JsonResponse(body, status=200 if database else 503)
