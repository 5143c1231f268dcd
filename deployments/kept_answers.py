"""The hot reads (the status API in JSON and CSV, the status page, its CSV)
answered from kept bytes, ahead of the rest of the stack.

Most of their readers are anonymous and most of their requests repeat one
another until the data changes. The first anonymous answer at a revision
goes through every middleware and the view (``revalidated(keep_body=True)``
marks it keepable) and is kept, headers and all, under what such an
answer depends on besides the data: the revision, the absolute URL (scheme,
host, path, query) and, for the API, whose format follows ``Accept``, that
header (only the few values programs send: ``KEPT_ACCEPTS``). Only a URL
whose every query parameter is one its view reads is kept (``params`` of
``revalidated``): the view ignores any other (``?utm_source=``, ``?junk=``),
so keeping one copy of the same answer per value would fill the shared
cache for nothing. The next anonymous request for the same is answered here, by
``KeptAnswersMiddleware``, for one query (the revision) and a lookup: a 304
when its ``If-None-Match`` or ``If-Modified-Since`` still holds, else the
same bytes. Nothing after this middleware runs for it, neither the session,
CSRF and authentication middleware (an anonymous reader has nothing for
them) nor DRF's dispatch.

So kept answers are not counted against the API's anonymous rate limit:
answering one costs less than counting it would (two cache round trips),
and the limit is there to protect the work of deriving. Flooding is the
reverse proxy's to stop (``limit_req`` in deploy/nginx/tracker.conf).

Anything unusual goes the whole way instead, where it is answered as
before: a reader with a session cookie or an Authorization header, a
method other than GET and HEAD, another ``Accept``, a query parameter the
view does not read (or one given twice), a cache that cannot be
reached; and only a plain 200 that sets no cookie is kept. A database that
cannot be reached is answered 503 here, as the stack would after trying
again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.views import APIView

from deployments.caching import MISSING, keep, recall, revision_already_read
from deployments.validators import SAFE_METHODS, last_modified_of, read_data_state
from tracker.middleware import DATABASE_UNAVAILABLE, database_unavailable

logger = logging.getLogger(__name__)

# What an answer is kept as in the cache (``caching.recall``'s name).
CACHE_NAME = "answer"
# Set afresh for each reader from the revision and the clock.
_NOT_KEPT_HEADERS = {"last-modified"}


class KeptAnswer(NamedTuple):
    """A rendered 200 answer, as it left the stack: the bytes and every
    header, cheap to pickle and to answer again."""

    content: bytes
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response: HttpResponse) -> KeptAnswer:
        return cls(
            response.content,
            tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in _NOT_KEPT_HEADERS
            ),
        )

    def answer(self, request: HttpRequest, revision: int) -> HttpResponseBase:
        """The kept answer for ``request``, or 304 if its copy still holds.

        Every precondition may be answered here, before any view: an answer
        is only kept from a 200, so the read without them is a 200 (RFC 9110
        13.2.1 asks no more)."""
        response = HttpResponse(self.content)
        for name, value in self.headers:
            response[name] = value
        last_modified = last_modified_of(revision, time.time())
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=last_modified,
            response=response,
        )


class Keeps(Enum):
    """What a view's answers are kept by, besides the revision and the URL."""

    NOTHING = "nothing"  # not a kept read
    ONE_ANSWER = "one answer"  # a Django view: Accept changes nothing
    ONE_PER_ACCEPT = "one per Accept"  # a DRF view, negotiating the format


class KeptRead(NamedTuple):
    """How a view's answers are kept, and the query parameters it reads."""

    keeps: Keeps
    params: frozenset[str]


NOT_KEPT = KeptRead(Keeps.NOTHING, frozenset())


# The Accept headers a DRF view's answers are kept for: what programs and
# spreadsheets send. Any other goes the whole way, unkept, so that varying
# it cannot fill the cache with copies of one answer.
KEPT_ACCEPTS = frozenset({"", "*/*", "application/json", "text/csv"})


def kept_parts(request: HttpRequest) -> tuple[str, str] | None:
    """What an anonymous GET or HEAD of a kept read is kept under besides the
    revision (the absolute URL: scheme, host, path and query; and the Accept
    header where it matters), or None when it is not kept."""
    if (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    read = keeps_answers(request.path_info)
    if read.keeps is Keeps.NOTHING or not reads_every_parameter(request, read):
        return None
    accept = ""
    if read.keeps is Keeps.ONE_PER_ACCEPT:
        accept = request.META.get("HTTP_ACCEPT", "").strip()
        if accept not in KEPT_ACCEPTS:
            return None
    return request.build_absolute_uri(), accept


def reads_every_parameter(request: HttpRequest, read: KeptRead) -> bool:
    """Whether the view reads every parameter of ``request``'s query: each is
    one it declares, given once (of a repeated one it reads only the last,
    so the others could vary at will)."""
    return all(
        name in read.params and len(values) == 1 for name, values in request.GET.lists()
    )


@lru_cache(maxsize=1024)
def keeps_answers(path: str) -> KeptRead:
    """How the view at ``path`` keeps its answers: marked
    ``revalidated(keep_body=True)`` (a function view, or a class view's
    ``get``) or not; and which query parameters it reads."""
    try:
        view = resolve(path).func
    except Resolver404:
        return NOT_KEPT
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, "get", None)
    if not getattr(view, "keeps_answers", False):
        return NOT_KEPT
    negotiates = view_class is not None and issubclass(view_class, APIView)
    return KeptRead(
        Keeps.ONE_PER_ACCEPT if negotiates else Keeps.ONE_ANSWER,
        view.kept_params,  # type: ignore[union-attr]
    )


@receiver(setting_changed)
def _urls_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        keeps_answers.cache_clear()


class KeptAnswersMiddleware:
    """Answer repeated anonymous hot reads from their kept answers. After
    ``ReplicaReadsMiddleware`` (the revision is the database's the request
    reads) and above everything that an anonymous read does not need."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        parts = kept_parts(request)
        if parts is None:
            return self.get_response(request)
        try:
            alias, revision, _ = read_data_state()
        except DATABASE_UNAVAILABLE as error:
            # As the view would answer after trying again: once is enough.
            return database_unavailable(request, error)
        if revision is None:
            return self.get_response(request)
        kept = recall(CACHE_NAME, parts, revision, using=alias)
        if kept is not MISSING:
            return kept.answer(request, revision)
        with revision_already_read(revision, using=alias):
            response = self.get_response(request)
        kept_at = getattr(response, "kept_at", None)
        if (
            kept_at is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            made_on, made_at = kept_at
            try:
                keep(CACHE_NAME, parts, KeptAnswer.of(response), made_at, made_on)
            except DATABASE_UNAVAILABLE as error:
                # The answer is made; only keeping it needed the database.
                logger.warning("answer not kept, database unavailable: %s", error)
        return response
