"""Turn a lost database into a clear, fast 503 instead of a 500 or a hang."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"
# What psycopg raises for a refused or dropped connection.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """Answers 503 with Retry-After when the database cannot be reached.

    OperationalError and InterfaceError are what psycopg raises for a refused or
    dropped connection. Django discards the broken connection at the end of the
    request, and the connection health check replaces it on a later one, so the
    app recovers by itself once the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        return database_unavailable(request, exception)


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 for a request the database could not answer: JSON for the API
    and for clients asking for JSON, plain text otherwise."""
    logger.warning("database unavailable for %s: %s", request.path, error)
    body = {
        "detail": "The database is unavailable; try again shortly.",
        "code": "database_unavailable",
        "errors": {},
    }
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        response = HttpResponse(
            body["detail"], status=503, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


# Longer than any real query (a list of every nation's code is under 2,000
# characters) and well under gunicorn's limit on the request line
# (limit_request_line in gunicorn.conf.py), so that a too-long API URL gets a
# JSON answer from here rather than gunicorn's HTML page.
MAX_API_URL_LENGTH = 4096


class ApiUrlLengthMiddleware:
    """Answers 414 in the API's error shape for API URLs (path and query) over
    ``MAX_API_URL_LENGTH`` characters, before any view parses them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            length = len(request.get_full_path())
            if length > MAX_API_URL_LENGTH:
                return JsonResponse(
                    {
                        "detail": f"The URL is {length:,} characters long; the "
                        f"API takes at most {MAX_API_URL_LENGTH:,}.",
                        "code": "uri_too_long",
                        "errors": {},
                    },
                    status=414,
                )
        return self.get_response(request)
