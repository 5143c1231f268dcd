"""Representations of the records. Reads are flat (a spreadsheet can take them
as they are) and name nations by code with their name beside it; writes name
nations by code and sources by id."""

from __future__ import annotations

import datetime
import typing
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deployments.models import (
    NATION_CODE_MESSAGE,
    NATION_CODE_PATTERN,
    Deployment,
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    Standing,
    TroopCount,
    validate_nation_code,
)
from deployments.status import STATUS_COLUMNS, StatusRow
from deployments.status.outcomes import Judged, Outcome, outcomes_of


@extend_schema_field(
    {
        "type": "string",
        "pattern": NATION_CODE_PATTERN,
        "description": "A nation's code (USA, NATO).",
    }
)
class NationCodeField(serializers.SlugRelatedField):
    """A nation, written and read as its code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Nation.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Nation:
        # Check the shape before the lookup: PostgreSQL refuses NUL bytes
        # outright, and "usa" would only ever be "does not exist".
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            validate_nation_code(data)
        except DjangoValidationError:
            self.fail("invalid")
        return super().to_internal_value(data)

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "invalid": NATION_CODE_MESSAGE,
    }


class ModelRulesMixin:
    """Runs the model's own ``clean()`` so the API enforces the same rules as
    the admin and imports (e.g. a destination that is the host)."""

    # A figure and its range are one value written whole: a request that
    # names any part of it and leaves out the rest clears the rest, so
    # ``{"troops": null}`` does not leave an old range standing behind it.
    ranges: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)  # type: ignore[misc]
        for field in self.ranges:
            parts = (field, f"{field}_low", f"{field}_high")
            if any(part in attrs for part in parts):
                for part in parts:
                    attrs.setdefault(part, None)
        model: type[models.Model] = self.Meta.model  # type: ignore[attr-defined]
        candidate = model()
        instance = getattr(self, "instance", None)
        if instance is not None:  # a partial update keeps the other fields
            for field in model._meta.concrete_fields:
                setattr(candidate, field.attname, getattr(instance, field.attname))
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return attrs


class NationSerializer(ModelRulesMixin, serializers.ModelSerializer):
    """A state or alliance, named by its code."""

    class Meta:
        model = Nation
        fields = ["code", "name", "kind", "version"]
        read_only_fields = ["version"]


class SourceSerializer(ModelRulesMixin, serializers.ModelSerializer):
    """A published report that figures and statements cite."""

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "publisher",
            "published_on",
            "url",
            "agency",
            "version",
        ]
        read_only_fields = ["version"]


class DeployedSerializer(ModelRulesMixin, serializers.ModelSerializer):
    """Shared columns of whatever is about one nation's troops in one host:
    both written as codes, read with their names beside them."""

    nation = NationCodeField()
    nation_name = serializers.CharField(source="nation.name", read_only=True)
    host = NationCodeField()
    host_name = serializers.CharField(source="host.name", read_only=True)


DEPLOYED_COLUMNS = ["id", "nation", "nation_name", "host", "host_name"]


class DeploymentSerializer(DeployedSerializer):
    """One nation's troops in one host country. Created with the first count
    or statement about the pair; its nation and host never change."""

    class Meta:
        model = Deployment
        fields = [*DEPLOYED_COLUMNS, "operation", "version"]
        read_only_fields = ["version"]


class SourcedSerializer(DeployedSerializer):
    """Shared columns of counts and statements: the source's details besides."""

    # A whole number: 1.5 must not quietly mean source 1.
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), pk_field=serializers.IntegerField()
    )
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_publisher = serializers.CharField(source="source.publisher", read_only=True)
    source_published_on = serializers.DateField(
        source="source.published_on", read_only=True
    )
    source_url = serializers.CharField(
        source="source.url",
        read_only=True,
        help_text="The source's web address, or empty when it has none.",
    )


SOURCE_COLUMNS = [
    "source",
    "source_title",
    "source_publisher",
    "source_published_on",
    "source_url",
]


class TroopCountSerializer(SourcedSerializer):
    """A dated, sourced troop figure; nations by code, the source by id."""

    ranges = ("troops",)

    troops_display = serializers.CharField(source="display_troops", read_only=True)

    class Meta:
        model = TroopCount
        fields = [
            *DEPLOYED_COLUMNS,
            "troops",
            "troops_low",
            "troops_high",
            "precision",
            "troops_display",
            "figure_text",
            "counted_on",
            "location",
            *SOURCE_COLUMNS,
            "excerpt",
            "standing",
            "standing_changed_on",
            "standing_note",
            "version",
        ]
        read_only_fields = ["version"]


class IntentionSerializer(SourcedSerializer):
    """A dated, sourced statement of what a nation will do with its troops,
    with what became of it (derived from later counts, never written)."""

    ranges = ("troops_affected",)

    outcome = serializers.SerializerMethodField(
        help_text="fulfilled, partly, pending, contradicted or superseded; "
        "null for an undecided statement."
    )
    outcome_counts = serializers.SerializerMethodField(
        help_text="The troop counts that show the outcome."
    )
    superseded_by = serializers.SerializerMethodField(
        help_text="The later statement that changed course, if one did."
    )

    def judged(self, intention: Intention) -> Judged:
        """The statement's outcome: from the page's (the view judges a page
        at once), or judged alone."""
        outcomes = self.context.get("outcomes")
        if outcomes is None or intention.pk not in outcomes:
            outcomes = outcomes_of(Intention.objects.filter(pk=intention.pk))
        return outcomes.get(intention.pk) or Judged(None, ())

    @extend_schema_field(
        serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    )
    def get_outcome(self, intention: Intention) -> str | None:
        return self.judged(intention).outcome

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_outcome_counts(self, intention: Intention) -> list[int]:
        return list(self.judged(intention).counts)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, intention: Intention) -> int | None:
        return self.judged(intention).superseded_by

    destination = NationCodeField(required=False, allow_null=True)
    destination_name = serializers.CharField(
        source="destination.name", read_only=True, allow_null=True
    )

    class Meta:
        model = Intention
        fields = [
            *DEPLOYED_COLUMNS,
            "stance",
            "temporary",
            "troops_affected",
            "troops_affected_low",
            "troops_affected_high",
            "target_troops",
            "destination",
            "destination_name",
            "destination_note",
            "location",
            "speaker",
            "speaker_role",
            "stated_on",
            "reported_on",
            "quote",
            *SOURCE_COLUMNS,
            "standing",
            "standing_changed_on",
            "standing_note",
            "outcome",
            "outcome_counts",
            "superseded_by",
            "version",
        ]
        read_only_fields = ["version"]


class PlainRowsSerializer(serializers.ListSerializer):
    """Status rows go out as they are, one dict of plain values per row (the
    renderers write dates themselves): running every row's fields through the
    field machinery would cost more than deriving the status."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        return [row.as_dict() for row in data]


# The status columns that hold a choice, for the schema's enums.
STATUS_CHOICES = {
    "nation_kind": Nation.Kind.choices,
    "troops_precision": Precision.choices,
    "stance": Stance.choices,
    "standing": Standing.choices,
    "troops_standing": Standing.choices,
    "outcome": Outcome.choices,
}
STATUS_FIELD_TYPES = {
    int: serializers.IntegerField,
    str: serializers.CharField,
    bool: serializers.BooleanField,
    datetime.date: serializers.DateField,
}


def status_field(name: str, annotation: Any) -> serializers.Field:
    """The schema's field for one ``StatusRow`` column, from its type."""
    if typing.get_origin(annotation) is tuple:  # ids, e.g. outcome_counts
        return serializers.ListField(child=serializers.IntegerField())
    kinds = [kind for kind in typing.get_args(annotation) if kind is not type(None)]
    nullable = bool(kinds)
    kind = kinds[0] if kinds else annotation
    if name in STATUS_CHOICES:
        return serializers.ChoiceField(
            choices=STATUS_CHOICES[name], allow_null=nullable
        )
    return STATUS_FIELD_TYPES[kind](allow_null=nullable)


class StatusRowMeta:
    list_serializer_class = PlainRowsSerializer


# One row of the derived status: a nation's troops in one host country. Its
# fields are StatusRow's columns (STATUS_COLUMNS), typed from the row's own
# annotations, so the schema, the JSON and the CSV cannot drift apart; a list
# of rows is written as it is. Declared once, as a class statement would.
_hints = typing.get_type_hints(StatusRow)
StatusRowSerializer = type(
    "StatusRowSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "One row of the derived status: a nation's troops in one "
        "host country.",
        "__module__": __name__,
        "Meta": StatusRowMeta,
        **{name: status_field(name, _hints[name]) for name in STATUS_COLUMNS},
    },
)
