"""ETag and Last-Modified for every read of derived or listed data, so that a
client or a cache sending back an answer's ETag hears ``304 Not Modified``
for one query (the data's revision), before anything is derived or
serialized. Other preconditions (If-Modified-Since alone, ``If-None-Match:
*``, If-Match) are answered once the view has, and only on a 200: they do
not prove that the read would succeed (``revalidated``).

What such a read shows depends on the data, which the revision stands for
(database triggers move it with every committed change: models/revision.py),
and on the request: the absolute URL (links in the API and the feed carry
the scheme and host; the path and query string pick the rows), the
representation DRF negotiated (JSON, CSV or the browsable API's HTML, each
with its parameters), and whom it is for (``tracker.http_caching.viewer``).
The ETag is a digest of all of them, strong: the same tag, the same bytes.

The revision number is at least the time of the change, in microseconds
(``migrations/_revision_triggers.py``), so it also gives Last-Modified.
HTTP dates are whole seconds, though: a change within the second of an
earlier answer would have the same date, and a client revalidating with
If-Modified-Since alone would be told nothing changed. So Last-Modified is
only sent once its second is well past (with a second to spare for the
database's clock and ours); until then the ETag alone validates. There is
none either when the row is missing or holds a number from before the
triggers (a plain counter, not a time).

What the revision does not cover: users and their permissions (the
usernames staff see, the browsable API's forms). A change to those alone
does not move it, so a signed-in reader revalidating may keep their copy
until the data next changes; their reads are private, so only their own
copy is concerned.

Record detail reads keep their own validator, the record's version (``"v3"``,
which writers send back in If-Match: api/views.py); only their cache headers
come from here.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db import connections
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags

from deployments.caching import current_revision, revision_already_read
from deployments.models.changes import FEED_HORIZON_SQL
from deployments.models.revision import SINGLETON_ID, DataRevision
from tracker.db_routers import read_alias
from tracker.http_caching import ANONYMOUS, patch_read_cache_control, viewer

# A revision below this (1 January 2001, in microseconds) is a counter from
# before the triggers made it a time, not a date.
EARLIEST_TIME_REVISION = 978_307_200 * 1_000_000
# How far Last-Modified must lie in the past before it is sent: its own
# second, and one more for the clocks of the database and this server.
LAST_MODIFIED_MARGIN_SECONDS = 2

SAFE_METHODS = ("GET", "HEAD")

View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: int | None  # seconds since the epoch


def read_data_state(
    with_feed_horizon: bool = False,
) -> tuple[str, int | None, int | None]:
    """The database this request reads, its data's revision and, for the
    change feed on PostgreSQL, its horizon (which moves when a long
    transaction ends, revealing changes committed before it with no new
    revision); one query either way.

    With read replicas, the request reads a replica only once it has applied
    the primary's revision, which ``tracker.replica_reads`` read on the
    primary and hands on (``revision_already_read``): that is the revision
    named here. A replica that applied a newer change meanwhile sends a body
    newer than its ETag, which is only ever sent again in full, never kept by
    a 304 past a change."""
    alias = read_alias()
    if with_feed_horizon and connections[alias].vendor == "postgresql":
        row = (
            DataRevision.objects.using(alias)
            .filter(id=SINGLETON_ID)
            .annotate(horizon=RawSQL(FEED_HORIZON_SQL, ()))
            .values_list("number", "horizon")
            .first()
        )
        return (alias, *row) if row is not None else (alias, None, None)
    return alias, current_revision(alias), None


def validators_for(
    request: Any, revision: int | None, horizon: int | None = None
) -> Validators:
    """The ETag and Last-Modified of ``request``'s answer at ``revision``;
    none when the revision is unknown (its row removed by hand)."""
    if revision is None:
        return Validators(None, None)
    parts = (
        revision,
        horizon,
        request.build_absolute_uri(),
        # DRF's negotiated renderer, with parameters (``; indent=2``).
        getattr(request, "accepted_media_type", None),
        viewer(request),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return Validators(f'"{digest}"', last_modified_of(revision, time.time()))


def last_modified_of(revision: int, now: float) -> int | None:
    """The revision's time in whole seconds, once that second is safely past."""
    if revision < EARLIEST_TIME_REVISION:
        return None
    changed = revision // 1_000_000
    if changed > now - LAST_MODIFIED_MARGIN_SECONDS:
        return None
    return changed


def patch_validators(
    response: HttpResponseBase, request: Any, validators: Validators
) -> None:
    """Set the validators and the read's Cache-Control on ``response``."""
    if validators.etag is not None:
        response["ETag"] = validators.etag
    if validators.last_modified is not None:
        response["Last-Modified"] = http_date(validators.last_modified)
    elif response.has_header("Last-Modified"):
        # E.g. the feed's own, its newest entry's date: not what is validated.
        del response["Last-Modified"]
    patch_read_cache_control(response, request)


def names_etag(request: Any, etag: str | None) -> bool:
    """Whether ``request``'s If-None-Match names ``etag`` itself (the weak
    comparison of RFC 9110 8.8.3.2, as Django's; ``*`` names no tag)."""
    if etag is None:
        return False
    sent = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in sent}


def answer_preconditions(
    request: Any, validators: Validators, response: HttpResponseBase
) -> HttpResponseBase:
    """``response``, or the 304 or 412 its preconditions call for (with the
    headers a 304 repeats, taken from ``response``)."""
    return get_conditional_response(
        request,
        etag=validators.etag,
        last_modified=validators.last_modified,
        response=response,
    )


def revalidated(
    view: View | None = None,
    *,
    with_feed_horizon: bool = False,
    keep_body: bool = False,
    params: Iterable[str] = (),
) -> Any:
    """Decorate a view (a function view, or a DRF handler through
    ``method_decorator``) so that its GET and HEAD answers carry validators
    and the read's cache headers, and a request whose preconditions still
    hold is answered 304 (or 412 for a failed If-Match). Other methods pass
    through untouched.

    Preconditions only apply to an answer that would otherwise be a 200 (RFC
    9110 13.2.1: a 404 or a 400 is sent as it is, whatever the client
    holds). So they are answered before the view runs only when
    If-None-Match names this very ETag: it covers the URL and the data's
    revision and only ever goes out on a 200, so a match proves the view
    would answer 200 again. Otherwise (``If-None-Match: *``, If-Modified-Since
    alone, If-Match) the view runs and they are evaluated on its answer, if
    that is a 200.

    ``keep_body``, for the hot reads: anonymous 200 answers are marked with
    the database and revision they were made at, for
    ``deployments.kept_answers.KeptAnswersMiddleware`` to keep them and
    answer the next anonymous reader of the same without running the view
    (or anything else after it). ``params`` are the query parameters the
    view reads: an answer is only kept when the URL has no other (see
    ``kept_answers.reads_every_parameter``)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def read(request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in SAFE_METHODS:
                return view(request, *args, **kwargs)
            alias, revision, horizon = read_data_state(with_feed_horizon)
            validators = validators_for(request, revision, horizon)
            if names_etag(request, validators.etag):
                # The headers a 304 must repeat (RFC 9110 15.4.5): Django's
                # get_conditional_response copies them from this response.
                headers = HttpResponse()
                patch_validators(headers, request, validators)
                return answer_preconditions(request, validators, headers)
            with revision_already_read(revision, using=alias):
                response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            patch_validators(response, request, validators)
            answer = answer_preconditions(request, validators, response)
            if (
                answer is response
                and keep_body
                and validators.etag
                and viewer(request) == ANONYMOUS
            ):
                response.kept_at = (alias, revision)  # type: ignore[union-attr]
            return answer

        read.keeps_answers = keep_body  # type: ignore[attr-defined]
        read.kept_params = frozenset(params)  # type: ignore[attr-defined]
        return read

    return decorate(view) if view is not None else decorate
