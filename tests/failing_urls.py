"""The project's URLs plus one view that fails, to see how failures look."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker.urls import (  # noqa: F401 - the error handlers come along
    handler400,
    handler403,
    handler404,
    handler500,
)
from tracker.urls import (
    urlpatterns as project_urlpatterns,
)


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals")


urlpatterns = [*project_urlpatterns, path("api/explode/", explode)]
