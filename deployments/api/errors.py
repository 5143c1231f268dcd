"""One error shape for the whole API, including database-constraint errors.

Every error body is ``{"detail": str, "code": str, "errors": {field: [str]}}``;
``errors`` names each bad field or query parameter (empty when the problem is
not about a field). A body whose only fault is that it repeats a stored
record (a unique field or set of fields) answers 409, with ``errors`` naming
the fields: the request is well formed, the stored data refuses it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from deployments.models import VersionConflict

logger = logging.getLogger(__name__)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record has changed since the version in If-Match; fetch it again "
        "and retry with its new ETag."
    )
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the stored data."
    default_code = "conflict"


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(field): [str(message) for message in _as_list(messages)]
            for field, messages in detail.items()
        }
    return {"non_field_errors": [str(message) for message in _as_list(detail)]}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        flat: list[Any] = []
        for item in value:
            flat.extend(_as_list(item) if isinstance(item, list | dict) else [item])
        return flat
    if isinstance(value, dict):
        return [
            f"{key}: {message}"
            for key, item in value.items()
            for message in _as_list(item)
        ]
    return [value]


def _codes(codes: Any) -> list[str]:
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _codes(value)]
    if isinstance(codes, list):
        return [code for value in codes for code in _codes(value)]
    return [str(codes)]


def is_duplicate(exc: exceptions.ValidationError) -> bool:
    """Whether the only thing wrong is that the record already exists: then the
    body is well formed and the stored data refuses it (409), as when the
    database's unique constraint catches a duplicate the checks missed."""
    codes = _codes(exc.get_codes())
    return bool(codes) and all(code == "unique" for code in codes)


def translate(exc: Exception) -> Exception:
    """Map errors raised below the API to API exceptions with a clear message."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, VersionConflict):
        return Conflict(
            "The record changed while this request was being handled; fetch it "
            "again and retry."
        )
    if isinstance(exc, ProtectedError):
        return Conflict(
            "Other records still refer to this one (counts, statements or "
            "sources); delete or move those first."
        )
    if isinstance(exc, IntegrityError):
        # The database refused the row: a rule the serializer did not foresee.
        logger.info("integrity error turned into 409: %s", exc)
        return Conflict(
            "The database refused this change because it breaks a rule "
            "(a duplicate, or values that contradict each other)."
        )
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's handler500 answers in JSON
    detail = response.data
    if isinstance(exc, exceptions.ValidationError) and is_duplicate(exc):
        response.status_code = status.HTTP_409_CONFLICT
        body = {
            "detail": "A record with these values already exists.",
            "code": "conflict",
            "errors": _field_errors(detail),
        }
    elif isinstance(exc, exceptions.ValidationError):
        body = {
            "detail": "Invalid input.",
            "code": "invalid",
            "errors": _field_errors(detail),
        }
    else:
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        code = getattr(message, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": str(message), "code": str(code), "errors": {}}
    response.data = body
    return response
