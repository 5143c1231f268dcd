"""API views: thin viewsets over the models, and the derived status.

Writes are conditional: detail responses carry an ETag naming the record's
version; a PUT, PATCH or DELETE with an If-Match that no longer matches
answers 412 and changes nothing. If-Match is optional (spreadsheets and
simple scripts may not send it); without it a write still never overwrites a
change it did not start from: one that lands mid-request answers 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings

from deployments.api import filters, serializers
from deployments.api.errors import PreconditionFailed
from deployments.api.history import VersionSerializer, history_of
from deployments.api.pagination import NumberedPagination
from deployments.api.queries import StatusQuery
from deployments.api.responses import JSONErrorsMixin
from deployments.models import (
    NATION_CODE,
    Deployment,
    Intention,
    Nation,
    Source,
    TroopCount,
    VersionConflict,
)
from deployments.status import current_status
from deployments.status.outcomes import outcomes_of
from deployments.validators import revalidated
from tracker.http_caching import patch_read_cache_control

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r'^(\*|(W/)?"v[0-9]+")$',
    description="The ETag of the version this change starts from, or * for "
    "any; a stale one answers 412 and changes nothing. A weak tag (W/...) "
    "never matches (RFC 9110). Optional.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    pattern=r'^"v[0-9]+"$',
    required=True,
    response=[200],
    description="The record's version; send it back in If-Match.",
)


def etag_for(version: int) -> str:
    return f'"v{version}"'


class ConditionalRecordMixin:
    """Detail reads carry the record's version as an ETag; changes may send
    it back in If-Match, and a stale one answers 412."""

    # Ids are whole numbers; anything else is no such record (404).
    lookup_value_regex = "[0-9]+"

    def expected_version(self) -> int | None:
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        tags = [tag.strip() for tag in header.split(",")]
        # RFC 9110 13.1.1: If-Match compares strongly, so a weak tag never
        # matches (our ETags are strong; W/ means someone altered the body).
        strong = [tag.strip('"') for tag in tags if not tag.startswith("W/")]
        versions = [
            int(tag[1:]) for tag in strong if tag[:1] == "v" and tag[1:].isdigit()
        ]
        if not strong:
            raise PreconditionFailed(
                'A weak ETag (W/"v3") never matches If-Match; send the ETag '
                'without W/, like "v3".'
            )
        if len(versions) != 1:
            raise PreconditionFailed(
                'If-Match must be one ETag from this API, like "v3".'
            )
        return versions[0]

    def get_object(self) -> Any:
        record = super().get_object()  # type: ignore[misc]
        expected = (
            self.expected_version()
            if self.request.method
            not in (
                "GET",
                "HEAD",
                "OPTIONS",
            )
            else None
        )
        if expected is not None and expected != record.version:
            raise PreconditionFailed()
        return record

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        # The record's version, not the data's revision: writers send it back
        # in If-Match. If-None-Match is not answered with 304 on it, as the
        # record's representation also shows other records (a nation's name,
        # a statement's outcome) that change without its version.
        response["ETag"] = etag_for(response.data["version"])
        patch_read_cache_control(response, request)
        return response


@extend_schema_view(
    retrieve=extend_schema(parameters=[ETAG]),
    update=extend_schema(parameters=[IF_MATCH, ETAG]),
    partial_update=extend_schema(parameters=[IF_MATCH, ETAG]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class VersionedModelViewSet(
    ConditionalRecordMixin, JSONErrorsMixin, viewsets.ModelViewSet
):
    """CRUD with ETag / If-Match on every record; lists and histories
    revalidated against the data's revision."""

    @method_decorator(revalidated)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=VersionSerializer(many=True))
    # The whole history, unfiltered: no filter or page parameters.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    @method_decorator(revalidated)
    def history(self, request: Request, **kwargs: Any) -> Response:
        """Every version of this record, newest first, with who made each
        change and what changed; also for a record that has been deleted."""
        model = self.get_queryset().model
        value = kwargs[self.lookup_url_kwarg or self.lookup_field]
        # In the history table "pk" is the version's own id, not the record's.
        field = (
            model._meta.pk.attname if self.lookup_field == "pk" else self.lookup_field
        )
        versions = history_of(model, {field: value}, request)
        if not versions:
            raise NotFound()
        return Response(VersionSerializer(versions, many=True).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_for(response.data["version"])
        return response

    def perform_update(self, serializer: BaseSerializer) -> None:
        expected = self.expected_version()
        if expected is not None:
            serializer.instance.version = expected
        try:
            serializer.save()
        except VersionConflict:
            if expected is None:
                raise  # 409, as errors.translate() words it
            raise PreconditionFailed() from None

    def perform_destroy(self, instance: Any) -> None:
        try:
            instance.delete(expected_version=self.expected_version())
        except VersionConflict:
            raise PreconditionFailed() from None


class NationViewSet(VersionedModelViewSet):
    """Nations and alliances, looked up by code (``/api/nations/USA/``)."""

    serializer_class = serializers.NationSerializer
    filterset_class = filters.NationFilter
    lookup_field = "code"
    lookup_value_regex = NATION_CODE

    def get_queryset(self) -> QuerySet[Nation]:
        return Nation.objects.order_by("name")


class SourceViewSet(VersionedModelViewSet):
    """Published reports that figures and statements cite."""

    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        return Source.objects.order_by("-published_on", "id")


class DeploymentViewSet(VersionedModelViewSet):
    """Each nation's troops in one host country: created with the first count
    or statement about the pair, or here to name its operation first."""

    serializer_class = serializers.DeploymentSerializer
    filterset_class = filters.DeploymentFilter

    def get_queryset(self) -> QuerySet[Deployment]:
        return Deployment.objects.select_related("nation", "host").order_by("id")


class TroopCountViewSet(VersionedModelViewSet):
    """Dated, sourced troop figures, newest first."""

    serializer_class = serializers.TroopCountSerializer
    filterset_class = filters.TroopCountFilter

    def get_queryset(self) -> QuerySet[TroopCount]:
        return TroopCount.objects.select_related("nation", "host", "source").order_by(
            "-counted_on", "-id"
        )


class IntentionViewSet(VersionedModelViewSet):
    """Dated, sourced statements of what a nation will do, newest first."""

    serializer_class = serializers.IntentionSerializer
    filterset_class = filters.IntentionFilter

    def get_queryset(self) -> QuerySet[Intention]:
        return Intention.objects.select_related(
            "nation", "host", "destination", "source"
        ).order_by("-reported_on", "-id")

    def paginate_queryset(self, queryset: QuerySet[Intention]) -> list | None:
        """The page, with its statements' outcomes judged at once (two
        queries for the page, not two per statement)."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.outcomes = outcomes_of(
                Intention.objects.filter(pk__in=[intention.pk for intention in page])
            )
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {
            "outcomes": getattr(self, "outcomes", None)
        }


# The query parameters the status API reads, which its answers are kept for
# (``revalidated``): its filters, its pages, the format and the CSV's bom.
STATUS_PARAMS = frozenset(
    {
        *StatusQuery().fields,
        NumberedPagination.page_query_param,
        NumberedPagination.page_size_query_param,
        api_settings.URL_FORMAT_OVERRIDE,
        "bom",
    }
)


@extend_schema(parameters=[StatusQuery])
class StatusView(JSONErrorsMixin, generics.ListAPIView):
    """The derived status: per nation and host country, the latest troop count
    and the latest statement that has not been retracted, optionally as known
    on a past date (``as_of``). Read-only; the same derivation as the pages."""

    pagination_class = NumberedPagination
    serializer_class = serializers.StatusRowSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    @method_decorator(revalidated(keep_body=True, params=STATUS_PARAMS))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[Any]:  # type: ignore[override]
        query = StatusQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return current_status(**query.status_filters())
