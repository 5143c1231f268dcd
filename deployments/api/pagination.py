from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from deployments.caching import CachedCountPaginator


class TrackerPagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` up to 1,000 (larger is capped).

    ``page`` and ``page_size`` must be whole numbers from 1: anything else is
    a malformed request (400, naming the parameter) rather than silently
    ignored. A page past the last one is 404. Empty (``?page=``, as the
    browsable API's forms send) is the same as leaving it out, as for every
    optional query parameter.
    """

    django_paginator_class = CachedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name)
            if not raw or raw in self.last_page_strings:
                continue
            if not raw.isdigit() or int(raw) < 1:
                errors[name] = ["Must be a whole number from 1."]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        # The CSV body has no room for the page links and the count, so they
        # are headers on every list response, JSON and CSV alike (RFC 8288).
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (
                ("next", self.get_next_link()),
                ("prev", self.get_previous_link()),
            )
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
