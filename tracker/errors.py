"""Error responses: JSON under /api/, Django's own pages elsewhere.

API clients must never get an HTML page (least of all a debug page) for an
unknown URL, a refused request or a server error.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _error(detail: str, code: str, status: int) -> JsonResponse:
    # The same shape as the API's own errors (deployments.api.errors).
    return JsonResponse({"detail": detail, "code": code, "errors": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _error("The request was malformed.", "bad_request", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _error(
            "You do not have permission to do this.", "permission_denied", 403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _error("Not found.", "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _error(
            "The server failed to handle the request; it has been logged.",
            "server_error",
            500,
        )
    return defaults.server_error(request)
