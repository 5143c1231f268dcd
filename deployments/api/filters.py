"""Query parameters of each list. Every value is validated: a malformed one
answers 400 naming the parameter, never a server error. Parameters taking
several values accept them comma-separated (``nation=USA,CAN``). An empty
parameter (``?nation=``, as the browsable API's filter form sends) is no
filter at all, the same as leaving it out.

The schema of each parameter follows the filter's own validation
(``schema.TrackerFilterExtension``): a pattern from its validators, a
length from ``max_length``, whole numbers for ``WholeNumberFilter``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import BaseCSVField

from deployments.models import (
    Deployment,
    Intention,
    Nation,
    Precision,
    Proposal,
    Source,
    Stance,
    Standing,
    TroopCount,
    validate_nation_code,
    validate_not_too_early,
)
from deployments.status.outcomes import Outcome, outcomes_of

NATION_CODES_HELP = "Nation codes, comma-separated (e.g. USA,CAN)."
# The one message for ``host=,`` and its kind, in the lists and the derived reads.
EMPTY_ITEM_MESSAGE = "Give values separated by single commas, without empty ones."


class NoEmptyItemsCSVField(BaseCSVField):
    """A comma-separated list without empty items: ``host=,`` or
    ``nation=USA,,CAN`` is malformed, not a filter matching nothing."""

    def clean(self, value: Any) -> Any:
        if value and any(str(item).strip() == "" for item in value):
            raise forms.ValidationError(EMPTY_ITEM_MESSAGE, code="empty_item")
        return super().clean(value)


class ListFilterMixin:
    base_field_class = NoEmptyItemsCSVField


class CodeInFilter(ListFilterMixin, filters.BaseInFilter, filters.CharFilter):
    """Comma-separated nation codes, each checked for shape."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("lookup_expr", "in")
        kwargs.setdefault("help_text", NATION_CODES_HELP)
        kwargs.setdefault("validators", [validate_nation_code])
        super().__init__(*args, **kwargs)


class ChoiceInFilter(ListFilterMixin, filters.BaseInFilter, filters.ChoiceFilter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    """A date parameter, from the same earliest date as every stored date."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("validators", [validate_not_too_early])
        super().__init__(*args, **kwargs)


# What a database integer holds (SQLite's and PostgreSQL's bigint): a larger
# number could not be compared at all.
LARGEST_WHOLE_NUMBER = 2**63 - 1


class WholeNumberFilter(filters.NumberFilter):
    """A whole number: ``troops_min=0.5`` is malformed, not "from 0.5"."""

    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", -LARGEST_WHOLE_NUMBER)
        kwargs.setdefault("max_value", LARGEST_WHOLE_NUMBER)
        super().__init__(*args, **kwargs)


class NumberInFilter(ListFilterMixin, filters.BaseInFilter, WholeNumberFilter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(filters.TypedChoiceFilter):
    """``true`` or ``false`` and nothing else: django-filter's BooleanFilter
    would quietly ignore "perhaps" instead of saying it is wrong."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


class StableOrderingFilter(filters.OrderingFilter):
    """``ordering`` as asked; an empty one (``ordering=,``) falls back to the
    primary key instead of leaving the pages unordered."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        ordered = super().filter(qs, value)
        return ordered if ordered.ordered else ordered.order_by("pk")


class TextSearchFilterSet(filters.FilterSet):
    """Adds ``search``: case-insensitive text over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    search = filters.CharFilter(
        method="search_text", max_length=200, help_text="Text to look for."
    )

    def search_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for term in value.split():
            term_matches = Q()
            for field in self.search_fields:
                term_matches |= Q(**{f"{field}__icontains": term})
            condition &= term_matches
        return queryset.filter(condition)


class NationFilter(TextSearchFilterSet):
    search_fields = ("code", "name")
    code = CodeInFilter(field_name="code")
    kind = ChoiceInFilter(field_name="kind", choices=Nation.Kind.choices)
    ordering = StableOrderingFilter(fields=["code", "name", "kind"])

    class Meta:
        model = Nation
        fields: list[str] = []


class SourceFilter(TextSearchFilterSet):
    search_fields = ("title", "publisher", "url")
    publisher = filters.CharFilter(lookup_expr="iexact", max_length=200)
    published_after = DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = DateFilter(field_name="published_on", lookup_expr="lte")
    ordering = StableOrderingFilter(fields=["published_on", "title", "publisher", "id"])

    class Meta:
        model = Source
        fields: list[str] = []


class DeploymentFilter(TextSearchFilterSet):
    search_fields = ("operation", "nation__name", "host__name")
    nation = CodeInFilter(field_name="nation__code")
    host = CodeInFilter(field_name="host__code")
    nation_kind = ChoiceInFilter(field_name="nation__kind", choices=Nation.Kind.choices)
    ordering = StableOrderingFilter(
        fields=["id", ("nation__code", "nation"), ("host__code", "host")]
    )

    class Meta:
        model = Deployment
        fields: list[str] = []


class SourcedRecordFilter(TextSearchFilterSet):
    nation = CodeInFilter(field_name="nation__code")
    host = CodeInFilter(field_name="host__code")
    nation_kind = ChoiceInFilter(field_name="nation__kind", choices=Nation.Kind.choices)
    source = NumberInFilter(
        field_name="source_id", help_text="Source ids, comma-separated."
    )


class TroopCountFilter(SourcedRecordFilter):
    search_fields = ("excerpt", "figure_text", "nation__name")
    precision = ChoiceInFilter(choices=Precision.choices)
    counted_after = DateFilter(field_name="counted_on", lookup_expr="gte")
    counted_before = DateFilter(field_name="counted_on", lookup_expr="lte")
    troops_min = WholeNumberFilter(field_name="troops", lookup_expr="gte")
    troops_max = WholeNumberFilter(field_name="troops", lookup_expr="lte")
    ordering = StableOrderingFilter(
        fields=[
            "counted_on",
            "troops",
            "id",
            ("nation__code", "nation"),
            ("host__code", "host"),
        ]
    )

    class Meta:
        model = TroopCount
        fields: list[str] = []


class IntentionFilter(SourcedRecordFilter):
    search_fields = ("quote", "speaker", "speaker_role", "destination_note")
    destination = CodeInFilter(field_name="destination__code")
    stance = ChoiceInFilter(choices=Stance.choices)
    standing = ChoiceInFilter(choices=Standing.choices)
    temporary = StrictBooleanFilter()
    speaker = filters.CharFilter(lookup_expr="icontains", max_length=200)
    stated_after = DateFilter(field_name="stated_on", lookup_expr="gte")
    stated_before = DateFilter(field_name="stated_on", lookup_expr="lte")
    reported_after = DateFilter(field_name="reported_on", lookup_expr="gte")
    reported_before = DateFilter(field_name="reported_on", lookup_expr="lte")
    outcome = ChoiceInFilter(
        choices=Outcome.choices,
        method="filter_outcome",
        help_text="What became of the statement (derived from later counts), "
        "comma-separated.",
    )
    ordering = StableOrderingFilter(
        fields=[
            "reported_on",
            "stated_on",
            "stance",
            "speaker",
            "id",
            ("nation__code", "nation"),
            ("host__code", "host"),
        ]
    )

    class Meta:
        model = Intention
        fields: list[str] = []

    def filter_outcome(
        self, queryset: QuerySet[Intention], name: str, value: list[str]
    ) -> QuerySet[Intention]:
        """Outcomes are derived, so the matching statements are found by
        judging those the other filters kept: two queries over them."""
        if not value:
            return queryset
        judged = outcomes_of(queryset)
        return queryset.filter(
            pk__in_ids={pk for pk, found in judged.items() if found.outcome in value}
        )


class ProposalFilter(filters.FilterSet):
    source = NumberInFilter(
        field_name="source_id", help_text="Source ids, comma-separated."
    )
    state = ChoiceInFilter(choices=Proposal.State.choices)
    kind = ChoiceInFilter(choices=Proposal.Kind.choices)
    nation = CodeInFilter(field_name="nation")
    host = CodeInFilter(field_name="host")

    class Meta:
        model = Proposal
        fields: list[str] = []
