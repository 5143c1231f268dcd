"""``/api/conflicts/``: groups of figures that disagree, with their sources,
quotes and resolution. Derived (``status.conflicts``), read-only; analysts
resolve a conflict in the admin."""

from __future__ import annotations

from typing import Any

from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from deployments.api.browsable import TrackerBrowsableAPIRenderer
from deployments.api.pagination import NumberedPagination
from deployments.api.queries import ConflictQuery
from deployments.api.responses import JSONErrorsMixin
from deployments.api.serializers import TroopCountSerializer
from deployments.models import FigureResolution, TroopCount
from deployments.status.conflicts import Conflict, ConflictState, current_conflicts
from deployments.validators import revalidated


class ConflictFigureSerializer(TroopCountSerializer):
    """A figure of a conflict: the troop count as ``/api/troop-counts/``
    gives it, with the agency that makes its source independent or not."""

    source_agency = serializers.CharField(source="source.agency", read_only=True)
    preferred = serializers.SerializerMethodField()

    class Meta(TroopCountSerializer.Meta):
        fields = [*TroopCountSerializer.Meta.fields, "source_agency", "preferred"]
        read_only_fields = TroopCountSerializer.Meta.fields

    def get_preferred(self, count: TroopCount) -> bool:
        return count.pk == self.context["conflict"].preferred


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FigureResolution
        fields = ["id", "preferred", "note", "resolved_on", "version"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    """A group of one deployment's figures that cannot all be true."""

    id = serializers.CharField(
        source="key", help_text="<deployment id>-<oldest count id>."
    )
    deployment = serializers.IntegerField()
    nation = serializers.CharField()
    nation_name = serializers.CharField()
    host = serializers.CharField()
    host_name = serializers.CharField()
    state = serializers.ChoiceField(choices=ConflictState.choices)
    first_counted_on = serializers.DateField()
    last_counted_on = serializers.DateField()
    low = serializers.IntegerField(help_text="The lowest figure given.")
    high = serializers.IntegerField(
        allow_null=True, help_text="The highest, or null when one is open-ended."
    )
    figures = serializers.SerializerMethodField()
    resolution = serializers.SerializerMethodField()

    @extend_schema(responses=ConflictFigureSerializer(many=True))
    def get_figures(self, conflict: Conflict) -> list[dict[str, Any]]:
        counts = self.context["counts"]
        return ConflictFigureSerializer(
            [counts[pk] for pk in conflict.counts if pk in counts],
            many=True,
            context=self.context | {"conflict": conflict},
        ).data

    def get_resolution(self, conflict: Conflict) -> dict[str, Any] | None:
        if conflict.preferred is None:
            return None
        resolution = self.context["counts"][conflict.preferred].resolution
        return ResolutionSerializer(resolution).data


@extend_schema(parameters=[ConflictQuery])
class ConflictListView(JSONErrorsMixin, generics.ListAPIView):
    """Conflicts between figures, newest first: per deployment, the groups of
    figures that independent sources reported within the window of each
    other and that do not overlap; open while two still-standing figures
    disagree, resolved once an analyst preferred one. Filter by ``nation``,
    ``host``, ``state``, ``counted_after``/``counted_before``, ``as_of``."""

    pagination_class = NumberedPagination
    serializer_class = ConflictSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []
    # Each conflict nests its figures: no flat CSV of it.
    renderer_classes = [JSONRenderer, TrackerBrowsableAPIRenderer]

    def get_queryset(self) -> list[Conflict]:  # type: ignore[override]
        query = ConflictQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return current_conflicts(**query.conflict_filters())

    @method_decorator(revalidated)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the list is always paginated
        # The page's figures in one query, for every conflict on it.
        counts = TroopCount.objects.select_related(
            "nation", "host", "source", "resolution"
        ).in_bulk({pk for conflict in page for pk in conflict.counts})
        context = self.get_serializer_context() | {"counts": counts}
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)
