"""Behaviour shared by every API view's responses."""

from __future__ import annotations

from typing import Any

import rest_framework_csv.renderers
from django.http import Http404
from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from deployments.spreadsheets import (
    UTF8_BOM,
    bom_requested,
    csv_cell,
)


class JSONErrorsMixin:
    """Errors are JSON even when the client asked for CSV."""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # Checked up front so that a malformed ?bom= is a 400 like any other
        # bad parameter, not ignored by the CSV renderer.
        try:
            bom_requested(request.query_params.get("bom"))
        except ValueError as error:
            raise ValidationError({"bom": [str(error)]}) from None

    def handle_exception(self, exc: Exception) -> Response:
        request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
        return super().handle_exception(exc)  # type: ignore[misc]

    def get_renderer_context(self) -> dict[str, Any]:
        context = super().get_renderer_context()  # type: ignore[misc]
        # CSV columns in the serializer's order, not sorted by name.
        serializer_class = self.get_serializer_class()  # type: ignore[attr-defined]
        context["header"] = list(serializer_class().fields)
        return context


class TrackerContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is 406 Not Acceptable, not DRF's bare 404,
    naming the formats this view offers (not every view has a CSV)."""

    def filter_renderers(self, renderers: list[Any], format: str) -> list[Any]:
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            raise NotAcceptable(
                f"Unknown format {format!r}: use {offered_formats(renderers)}."
            ) from None


def offered_formats(renderers: list[Any]) -> str:
    """The renderers' ``?format=`` values, as a reader would list them."""
    formats = [renderer.format for renderer in renderers]
    if len(formats) == 1:
        return formats[0]
    return f"{', '.join(formats[:-1])} or {formats[-1]}"


class PaginatedCSVRenderer(rest_framework_csv.renderers.PaginatedCSVRenderer):
    """CSV of a page's rows; an empty body for responses without data (204)."""

    def render(
        self,
        data: Any,
        media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
        writer_opts: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        renderer_context = renderer_context or {}
        rendered = super().render(data, media_type, renderer_context, writer_opts)
        request = renderer_context.get("request")
        if request is not None and bom_requested(request.query_params.get("bom")):
            rendered = UTF8_BOM.encode() + rendered
        return rendered

    def tablize(self, data: Any, header: Any = None, labels: Any = None) -> Any:
        for row in super().tablize(data, header=header, labels=labels):
            yield [csv_cell(value) for value in row]
