"""OpenAPI schema details drf-spectacular cannot infer: the error responses,
the CSV bodies, empty query parameters and what the filters validate.

The schema is exact where OpenAPI can say it (``tests/test_api_fuzz.py`` runs
every schemathesis check against it): a request it calls valid is accepted
unless it breaks a rule over the stored data, and one it calls invalid is
refused.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from deployments.api.filters import StrictBooleanFilter
from deployments.models.text import text_pattern, validate_text

CSV_MEDIA_TYPE = "text/csv"
CSV_BODY = {
    "type": "string",
    "description": "CSV text: a header row with the JSON fields' names, then "
    "one row per record.",
}
# Text fields and parameters refuse NUL (Django's and DRF's CharField do);
# a required one also refuses text that is blank once trimmed, as DRF trims
# with str.strip(). Whitespace spelled out as str.isspace() has it, so that
# every regular-expression engine reads the pattern alike (\s differs).
WITHOUT_NUL = r"^[^\x00]*$"
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
# Django refuses longer API URLs with a JSON 414 (``limits.py``); gunicorn
# itself refuses request lines past its own limit with an HTML page.
URL_TOO_LONG_HTML = {"schema": {"type": "string", "description": "gunicorn's page."}}


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
    "406": "The format asked for (?format= or Accept) is not one this "
    "endpoint offers; the message names those it does.",
    "414": "The URL is too long: over 4,096 characters (JSON), or a request "
    "line over 8,190 bytes (gunicorn's HTML page).",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
    "503": "The database is unavailable; retry shortly.",
}
DETAIL_ERRORS = {"404": "No such record."}
WRITE_ERRORS = {
    "400": "The body is invalid; `errors` names each bad field.",
    "401": "Not authenticated: send Authorization: Token <key>.",
    "403": "Authenticated, but without the permission for this change.",
    "409": "The change breaks a rule of the stored data (a duplicate, a "
    "record still referred to, or a concurrent change); `errors` names the "
    "fields of a duplicate. Nothing changed.",
    "415": "The body is not JSON.",
}
CONDITIONAL_ERRORS = {
    "412": "If-Match does not name the current version (an older one, a weak "
    "tag, which never matches, or a value that is no ETag); nothing changed."
}


class TrackerFilterExtension(DjangoFilterExtension):
    """Query parameters described by the filters' own validation, so that what
    the schema allows is what the server accepts."""

    priority = 1

    def resolve_filter_field(
        self,
        auto_schema: AutoSchema,
        model: Any,
        filterset_class: Any,
        field_name: str,
        filter_field: Any,
    ) -> list[dict[str, Any]]:
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            schema = parameter["schema"]
            value = schema["items"] if schema.get("type") == "array" else schema
            if isinstance(filter_field, StrictBooleanFilter):
                schema.clear()
                schema["type"] = "boolean"
                description = parameter.get("description", "")
                parameter["description"] = description.partition("\n\n*")[0]
                continue
            if issubclass(filter_field.field_class, forms.IntegerField):
                value["type"] = "integer"
                value.pop("format", None)
            for validator in filter_field.extra.get("validators", []):
                if isinstance(validator, RegexValidator):
                    value["pattern"] = validator.regex.pattern
            for bound, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                if filter_field.extra.get(bound) is not None:
                    value[keyword] = filter_field.extra[bound]
            if filter_field.extra.get("max_length"):
                value["maxLength"] = filter_field.extra["max_length"]
            is_text = issubclass(filter_field.field_class, forms.CharField)
            if is_text and value.get("type") == "string":
                value.setdefault("pattern", WITHOUT_NUL)
        return parameters


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

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            # An empty optional parameter is the same as leaving it out, as
            # in the browsable API's filter form, which sends every field.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and not {"pattern", "format", "enum"} & set(schema)
            # drf-spectacular adds a RegexValidator's pattern after this.
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            blank = field.allow_blank or not field.trim_whitespace
            if validate_text in field.validators:  # the records' text fields
                schema["pattern"] = text_pattern(required=not field.allow_blank)
            else:
                schema["pattern"] = WITHOUT_NUL if blank else NOT_BLANK
        return schema

    def _get_response_for_code(
        self,
        serializer: Any,
        status_code: str,
        media_types: list[str] | None = None,
        direction: str = "response",
    ) -> dict[str, Any]:
        response = super()._get_response_for_code(
            serializer, status_code, media_types, direction
        )
        content = response.get("content", {})
        if CSV_MEDIA_TYPE in content:
            if status_code >= "400":  # errors are JSON, whatever was asked
                del content[CSV_MEDIA_TYPE]
            else:
                content[CSV_MEDIA_TYPE] = {"schema": CSV_BODY}
        if status_code == "414":
            content["text/html"] = URL_TOO_LONG_HTML
        return response

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
        if method in {"PUT", "PATCH", "DELETE"} or (method == "POST" and is_detail):
            statuses |= CONDITIONAL_ERRORS
        if getattr(self.view, "reads_need_permission", False):
            statuses |= {
                "401": WRITE_ERRORS["401"],
                "403": "Authenticated, but without the permission to read these.",
            }
        if method == "DELETE":  # no body, and no query parameter but format
            statuses.pop("415")
            statuses.pop("400")
        return statuses


def ecma_anchors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Patterns copied from validators as the schema's regex dialect reads them.

    Python's ``$`` also matches before a final newline, so validators anchor
    with ``\\A`` and ``\\Z``; ECMAScript (OpenAPI's dialect) has neither, and
    its ``^`` and ``$`` already mean exactly that.
    """

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            pattern = node.get("pattern")
            anchored = isinstance(pattern, str) and pattern.startswith("\\A")
            if anchored and pattern.endswith("\\Z"):
                node["pattern"] = "^" + pattern[2:-2] + "$"
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result
