"""Which database each web request reads: a replica, or the primary when it
must see the latest writes.

A request reads the primary when it writes itself (any method but GET, HEAD,
OPTIONS and TRACE: the whole request, so a write sees what it checked), when
its client wrote a moment ago (read-your-writes: a successful write sets a
signed cookie that pins the client to the primary for
``DATABASE_REPLICA_PIN_SECONDS``), and when no replica is fit to read
(``tracker.replica_health``). Otherwise it reads one replica for all its
queries, so that its parts agree with each other.

A replica is fit only once it has applied every change the primary had
when the request came (the data revision is read on the primary, one small
query): so a write through any node changes what every reader gets, and the
ETags they are sent, at once, however far a replica lags; readers go to the
primary in the meantime. The request then files and validates under that
revision, without reading it again. If the primary cannot be asked, a
replica still answers, as fresh as it is.

Only a signed cookie given for a successful write pins; there is no request
header for it, which any client could send to put its reads on the primary.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from deployments.caching import revision_already_read
from deployments.models import DataRevision
from tracker import replica_health
from tracker.db_routers import PRIMARY, reads_from

PIN_COOKIE = "read_primary"
PIN_SALT = "tracker.replica_reads.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def is_pinned(request: HttpRequest) -> bool:
    """Did this client write within ``DATABASE_REPLICA_PIN_SECONDS``?"""
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    if seconds <= 0 or PIN_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=seconds
    )
    return value is not None


def pin(response: HttpResponse) -> None:
    """Send this client's reads to the primary for the next few seconds."""
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_SALT,
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def answers(alias: str) -> bool:
    """Can a query be sent to ``alias`` now? Its connection is opened, or a
    kept one checked as Django checks it before a request's first query."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        replica_health.mark_unusable(alias, f"unreachable: {error}")
        return False
    return True


def primary_revision() -> int | None:
    """The primary's data revision; None when it is unknown or the primary
    cannot be asked (a replica then answers as fresh as it is)."""
    try:
        return DataRevision.current(PRIMARY)
    except DatabaseError:
        return None


def replica_to_read(revision: int | None) -> str:
    """A replica fit to read from, chosen at random to share the load, that
    has applied ``revision`` (when known); the primary when there is none."""
    replicas = list(settings.DATABASE_REPLICAS)
    random.shuffle(replicas)
    for alias in replicas:
        if (
            replica_health.is_usable(alias)
            and answers(alias)
            and (revision is None or caught_up(alias, revision))
        ):
            return alias
    return PRIMARY


def caught_up(alias: str, revision: int) -> bool:
    """Has ``alias`` applied ``revision``? A replica that fails to say is
    left alone, as one that cannot be reached (``answers``)."""
    try:
        return replica_health.has_applied(alias, revision, DataRevision.current)
    except DatabaseError as error:
        replica_health.mark_unusable(alias, f"unreadable revision: {error}")
        return False


def alias_for(request: HttpRequest) -> tuple[str, int | None]:
    """The database ``request`` reads and, for a replica's reader, the
    primary's revision it must show (None: read it where the request reads)."""
    if request.method not in SAFE_METHODS or is_pinned(request):
        return PRIMARY, None
    revision = primary_revision()
    alias = replica_to_read(revision)
    return alias, revision


class ReplicaReadsMiddleware:
    """Routes each request's reads (``tracker.db_routers``) and pins a client
    that has written successfully. Without replicas it does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        alias, revision = alias_for(request)
        with reads_from(alias), revision_already_read(revision, using=alias):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            pin(response)
        return response
