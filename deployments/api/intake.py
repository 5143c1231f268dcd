"""Article intake through the API: post an article, get its proposals, accept
or reject them.

``POST /api/articles/`` needs the right to add sources; proposals are read by
those who may view them (they quote the stored text, which is staff-only);
accepting needs the right to add the record it makes, rejecting the right to
change proposals. The rules themselves live on the models and in
``deployments.intake``: these views only translate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from deployments.api.browsable import TrackerBrowsableAPIRenderer
from deployments.api.errors import Conflict
from deployments.api.filters import ProposalFilter
from deployments.api.pagination import TrackerPagination
from deployments.api.responses import JSONErrorsMixin
from deployments.api.serializers import ModelRulesMixin, SourceSerializer
from deployments.api.views import ETAG, IF_MATCH, ConditionalRecordMixin, etag_for
from deployments.intake.articles import ArticleRefused
from deployments.intake.intake import take_in_article
from deployments.models import Precision, Proposal, Source, Stance
from deployments.models.base import MAX_ARTICLE_CHARS, MAX_TROOPS
from deployments.models.proposal import EDITABLE_FIELDS
from deployments.models.text import validate_text
from tracker.http_caching import patch_read_cache_control

# Who may do what with proposals: reading them needs "view" (they quote
# the stored text), reviewing needs "change".
REVIEW_PERMISSIONS = {
    "GET": ["%(app_label)s.view_%(model_name)s"],
    "HEAD": ["%(app_label)s.view_%(model_name)s"],
    "OPTIONS": [],
    "POST": ["%(app_label)s.change_%(model_name)s"],
}


class ReviewsProposals(DjangoModelPermissions):
    perms_map = REVIEW_PERMISSIONS


# Proposals and articles are JSON (and the browsable API): their quotes and
# text are not spreadsheet material.
JSON_ONLY = [JSONRenderer, TrackerBrowsableAPIRenderer]


class ArticleTextField(serializers.CharField):
    """An article's text: a JSON string, not a number turned into one."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ArticleSerializer(ModelRulesMixin, serializers.ModelSerializer):
    """An article as entered: the source's details and its text."""

    text = ArticleTextField(
        validators=[validate_text],
        max_length=MAX_ARTICLE_CHARS,
        trim_whitespace=False,
        help_text="The article's text, as published: plain text in English (other "
        f"languages are refused with 400), up to {MAX_ARTICLE_CHARS:,} characters.",
    )

    class Meta:
        model = Source
        fields = ["title", "publisher", "published_on", "url", "agency", "text"]
        # An article entered before is found by the intake (publisher and
        # title compared without case), and answered with where it is.
        validators: list[Any] = []


class ProposalSerializer(serializers.ModelSerializer):
    """A proposed count or statement, with the span of its sentence."""

    troop_count = serializers.PrimaryKeyRelatedField(read_only=True)
    intention = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "source",
            "kind",
            "origin",
            "extractor",
            "host_from",
            *EDITABLE_FIELDS,
            "start",
            "end",
            "state",
            "rejected_because",
            "reviewed_at",
            "troop_count",
            "intention",
            "version",
        ]
        read_only_fields = fields


def _number(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0, max_value=MAX_TROOPS, allow_null=True, required=False, **kwargs
    )


def _text(max_length: int) -> serializers.CharField:
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False
    )


class ProposalChangesSerializer(serializers.Serializer):
    """What the reviewer corrects before accepting; everything optional,
    nations by code. The record's own rules check the result."""

    nation = _text(8)
    host = _text(8)
    troops = _number()
    troops_low = _number()
    troops_high = _number()
    precision = serializers.ChoiceField(choices=Precision.choices, required=False)
    figure_text = _text(100)
    stance = serializers.ChoiceField(
        choices=Stance.choices, allow_blank=True, required=False
    )
    temporary = serializers.BooleanField(required=False)
    troops_affected = _number()
    destination = _text(8)
    target_troops = _number()
    location = _text(200)
    speaker = _text(200)
    speaker_role = _text(200)
    stated_on = serializers.DateField(allow_null=True, required=False)
    quote = serializers.CharField(max_length=MAX_ARTICLE_CHARS, required=False)


class RejectionSerializer(serializers.Serializer):
    because = serializers.CharField(
        max_length=500, help_text="Why the proposal is wrong (kept, for measuring)."
    )


class ArticleResultSerializer(serializers.Serializer):
    source = SourceSerializer()
    proposals = ProposalSerializer(many=True)


class ArticleView(JSONErrorsMixin, generics.CreateAPIView):
    """Enter an article: its source is created with the text, and the
    extractor's proposals with it, waiting for review. An article already
    entered (same publisher, title and date) answers 409 naming the source."""

    serializer_class = ArticleSerializer
    renderer_classes = JSON_ONLY
    queryset = Source.objects.none()  # for the permission: adding sources

    @extend_schema(responses={201: ArticleResultSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entered = self.get_serializer(data=request.data)
        entered.is_valid(raise_exception=True)
        try:
            source = take_in_article(**entered.validated_data)
        except ArticleRefused as refused:
            if refused.existing is not None:
                existing = refused.existing.pk
                return Response(
                    {
                        "detail": str(refused),
                        "code": "duplicate_article",
                        "errors": {},
                        "source": existing,
                    },
                    status=status.HTTP_409_CONFLICT,
                    headers={"Location": f"/api/sources/{existing}/"},
                )
            raise serializers.ValidationError({refused.field: [str(refused)]}) from None
        body = ArticleResultSerializer(
            {"source": source, "proposals": source.proposals.in_text_order()}
        ).data
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/sources/{source.pk}/"},
        )


class ProposalPagination(TrackerPagination):
    # Proposals are outside the data revision (reviewing one need not change
    # the status), so their counts are not cached under it.
    django_paginator_class = PageNumberPagination.django_paginator_class


@extend_schema_view(
    retrieve=extend_schema(parameters=[ETAG]),
    accept=extend_schema(
        parameters=[IF_MATCH],
        request=ProposalChangesSerializer,
        responses={200: ProposalSerializer},
    ),
    reject=extend_schema(
        parameters=[IF_MATCH],
        request=RejectionSerializer,
        responses={200: ProposalSerializer},
    ),
)
class ProposalViewSet(
    ConditionalRecordMixin, JSONErrorsMixin, viewsets.ReadOnlyModelViewSet
):
    """Proposed counts and statements, in the order of their sentences.
    ``accept`` writes the record (with the corrections sent) through the same
    rules as any write; ``reject`` keeps the proposal with the reason."""

    serializer_class = ProposalSerializer
    permission_classes = [ReviewsProposals]
    reads_need_permission = True  # for the schema's error responses
    renderer_classes = JSON_ONLY
    pagination_class = ProposalPagination
    filterset_class = ProposalFilter

    def get_queryset(self) -> QuerySet[Proposal]:
        return Proposal.objects.order_by("source", "start", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The read's cache headers (``private, no-cache``: only reviewers
        read proposals) without validators: no database trigger moves the
        data revision for proposals (reviewing one need not change the
        status), so an ETag from it would keep a stale list; the list is
        sent in full every time."""
        response = super().list(request, *args, **kwargs)
        patch_read_cache_control(response, request)
        return response

    @action(detail=True, methods=["post"], serializer_class=ProposalChangesSerializer)
    def accept(self, request: Request, **kwargs: Any) -> Response:
        proposal = self.get_object()
        record_model = "troopcount" if proposal.kind == "troop_count" else "intention"
        if not request.user.has_perm(f"deployments.add_{record_model}"):
            raise PermissionDenied(
                "Accepting this proposal adds a record you may not add."
            )
        changes = ProposalChangesSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        self._check_pending(proposal)
        proposal.accept(request.user, changes.validated_data)
        return self._answer(proposal)

    @action(detail=True, methods=["post"], serializer_class=RejectionSerializer)
    def reject(self, request: Request, **kwargs: Any) -> Response:
        proposal = self.get_object()
        rejection = RejectionSerializer(data=request.data)
        rejection.is_valid(raise_exception=True)
        self._check_pending(proposal)
        proposal.reject(request.user, rejection.validated_data["because"])
        return self._answer(proposal)

    def _check_pending(self, proposal: Proposal) -> None:
        if proposal.state != Proposal.State.PENDING:
            raise Conflict(
                f"This proposal was {proposal.get_state_display().lower()} already."
            )

    def _answer(self, proposal: Proposal) -> Response:
        proposal.refresh_from_db()
        body = ProposalSerializer(proposal).data
        return Response(body, headers={"ETag": etag_for(proposal.version)})
