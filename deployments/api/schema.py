"""OpenAPI schema details drf-spectacular cannot infer: the error responses."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(
        help_text="A stable machine code: invalid, not_found, permission_denied, "
        "not_authenticated, conflict, precondition_failed, throttled, "
        "unsupported_media_type, parse_error, database_unavailable, …"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field or query parameter; empty when the error "
        "is not about one.",
    )


READ_ERRORS = {
    "400": "A query parameter is malformed; `errors` names it.",
    "406": "The format asked for (?format= or Accept) is not json or csv.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
    "503": "The database is unavailable; retry shortly.",
}
DETAIL_ERRORS = {"404": "No such record."}
WRITE_ERRORS = {
    "400": "The body is invalid; `errors` names each bad field.",
    "401": "Not authenticated: send Authorization: Token <key>.",
    "403": "Authenticated, but without the permission for this change.",
    "409": "The change breaks a rule of the stored data (a duplicate, a "
    "record still referred to, or a concurrent change).",
    "415": "The body is not JSON.",
}
CONDITIONAL_ERRORS = {"412": "If-Match names an older version; nothing changed."}


# Lists (and the status) as CSV: a byte-order mark on request, and where the
# other pages are (deployments/api/pagination.py, responses.py).
LIST_PARAMETERS = [
    OpenApiParameter(
        "bom",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=["true", "false"],
        description="With format=csv: start with a UTF-8 byte-order mark, which "
        "spreadsheets need to show non-Latin text.",
    ),
    OpenApiParameter(
        "X-Total-Count",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=["200"],
        description="Rows in all pages together.",
    ),
    OpenApiParameter(
        "Link",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=["200"],
        description='The next and previous pages, as <url>; rel="next", '
        '<url>; rel="prev" (RFC 8288), when there are any.',
    ),
]


class TrackerAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = super().get_override_parameters()
        if (
            self.method.upper() == "GET"
            and self._is_list_view()
            and getattr(self.view, "pagination_class", None) is not None
        ):
            parameters = [*parameters, *LIST_PARAMETERS]
        return parameters

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        # Reading is open to anyone (DjangoModelPermissionsOrAnonReadOnly,
        # which drf-spectacular does not know): say that no auth is needed.
        if self.method.upper() in {"GET", "HEAD", "OPTIONS"} and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status_code, description in self._error_statuses().items():
            if status_code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, status_code, direction=direction
                )
                response["description"] = description
                responses[status_code] = response
        return responses

    def _error_statuses(self) -> dict[str, str]:
        method = self.method.upper()
        statuses = dict(READ_ERRORS)
        is_detail = "{" in self.path
        if is_detail:
            statuses |= DETAIL_ERRORS
        elif method == "GET":
            statuses["404"] = "The page number is past the last page."
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            statuses |= WRITE_ERRORS
        if method in {"PUT", "PATCH", "DELETE"}:
            statuses |= CONDITIONAL_ERRORS
        if method == "DELETE":
            statuses.pop("415")
            statuses["400"] = "If-Match is malformed."
        return statuses
