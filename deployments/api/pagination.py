from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from deployments.api import cursors
from deployments.caching import CachedCountPaginator


class TrackerPagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` up to 1,000 (larger is capped).

    ``page`` and ``page_size`` must be whole numbers from 1: anything else is
    a malformed request (400, naming the parameter) rather than silently
    ignored. A page past the last one is 404. Empty (``?page=``, as the
    browsable API's forms send) is the same as leaving it out, as for every
    optional query parameter.

    Beside page numbers, record lists walk by ``cursor`` (api/cursors.py):
    every page links the page after it by cursor (``next_cursor``), and a
    cursor page links its neighbours by cursor (``next``, ``previous``), at
    the same cost at any depth. Cursor pages carry no count.
    """

    django_paginator_class = CachedCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    cursor_query_param = "cursor"
    offers_cursors = True

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
        self.request = request
        self.cursor: cursors.Cursor | None = None
        self.order: list[cursors.OrderField] | None = None
        token = request.query_params.get(self.cursor_query_param)
        if token:
            return self.paginate_by_cursor(queryset, request, token)
        page = super().paginate_queryset(queryset, request, view)
        if isinstance(queryset, QuerySet) and page:
            self.order = self.order_or_none(queryset)
        return page

    def paginate_by_cursor(
        self, queryset: Any, request: Request, token: str
    ) -> list[Any]:
        if request.query_params.get(self.page_query_param):
            raise ValidationError(
                {self.cursor_query_param: ["Send a cursor or a page number, not both."]}
            )
        if not self.offers_cursors or not isinstance(queryset, QuerySet):
            raise ValidationError(
                {self.cursor_query_param: ["This list is paged by number only."]}
            )
        self.order = cursors.order_of(queryset)
        self.cursor = cursors.decode(token, self.order)
        size = self.get_page_size(request) or self.page_size
        forward = self.cursor.direction == cursors.FORWARD
        rows = list(
            queryset.filter(cursors.beyond(self.cursor, self.order)).order_by(
                *(
                    cursors.forward_order(self.order)
                    if forward
                    else cursors.reversed_order(self.order)
                )
            )[: size + 1]
        )
        more = len(rows) > size
        rows = rows[:size]
        if not forward:
            rows.reverse()
        # A page reached going forward has rows before it, and one reached
        # backwards has rows after it; the other side is what ``more`` says.
        self.has_next = more if forward else True
        self.has_previous = True if forward else more
        self.rows = rows
        return rows

    @staticmethod
    def order_or_none(queryset: QuerySet) -> list[cursors.OrderField] | None:
        """The list's order for cursors, or None when it cannot have them."""
        try:
            return cursors.order_of(queryset)
        except ValidationError:
            return None

    def cursor_link(self, direction: str) -> str | None:
        rows = self.rows if self.cursor else list(self.page)
        if not rows or self.order is None:
            return None
        edge = rows[-1] if direction == cursors.FORWARD else rows[0]
        token = cursors.Cursor(direction, cursors.values_of(edge, self.order)).encode()
        url = remove_query_param(
            self.request.build_absolute_uri(), self.page_query_param
        )
        return replace_query_param(url, self.cursor_query_param, token)

    def next_cursor_link(self) -> str | None:
        if self.cursor is not None:
            return self.cursor_link(cursors.FORWARD) if self.has_next else None
        return self.cursor_link(cursors.FORWARD) if self.page.has_next() else None

    def get_next_link(self) -> str | None:
        if self.cursor is not None:
            return self.next_cursor_link()
        return super().get_next_link()

    def get_previous_link(self) -> str | None:
        if self.cursor is not None:
            return self.cursor_link(cursors.BACKWARD) if self.has_previous else None
        return super().get_previous_link()

    def get_paginated_response(self, data: Any) -> Response:
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        if self.cursor is not None:
            response = Response({"next": next_link, "previous": previous_link})
        else:
            response = super().get_paginated_response(data)
            del response.data["results"]  # put back last, after the links
        if self.offers_cursors:
            response.data["next_cursor"] = (
                next_link if self.cursor is not None else self.next_cursor_link()
            )
        response.data["results"] = data
        # The CSV body has no room for the page links and the count, so they
        # are headers on every list response, JSON and CSV alike (RFC 8288).
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", next_link), ("prev", previous_link))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        if self.cursor is None:
            response["X-Total-Count"] = str(self.page.paginator.count)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        if not self.offers_cursors:
            return paginated
        paginated["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "format": "uri",
            "description": "The next page by cursor: the same cost at any depth.",
        }
        paginated["required"] = ["results"]
        return paginated

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        if not self.offers_cursors:
            return parameters
        return [
            *parameters,
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "A page by cursor, as a next_cursor, next or "
                "previous link gives it (instead of page).",
                "schema": {"type": "string"},
            },
        ]


class NumberedPagination(TrackerPagination):
    """Pages by number only: for derived lists (the status, the conflicts),
    which are short, kept whole under the data's revision, and have no
    index to walk; ``cursor`` there is a 400."""

    offers_cursors = False
