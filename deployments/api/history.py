"""Who changed what and when: an object's versions, and all changes since a time.

Both read django-simple-history's tables, so edits made in the admin, through
the API and by imports all appear, deletions included.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, F, Model, QuerySet, Value
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from deployments.api.responses import JSONErrorsMixin
from deployments.models import Intention, Nation, Source, TroopCount

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
RECORD_TYPES: dict[str, type[Model]] = {
    "nation": Nation,
    "source": Source,
    "troop_count": TroopCount,
    "intention": Intention,
}


def snapshot(version: Model) -> dict[str, Any]:
    """A historical record's field values, foreign keys as ids."""
    fields = version.instance_type._meta.concrete_fields  # type: ignore[attr-defined]
    return {field.attname: field.value_to_string(version) for field in fields}


class VersionSerializer(serializers.Serializer):
    """One version of a record, with what changed from the one before."""

    history_id = serializers.IntegerField()
    at = serializers.DateTimeField(source="history_date")
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    by = serializers.CharField(allow_null=True, help_text="Username, if known.")
    version = serializers.IntegerField()
    record = serializers.DictField(help_text="The record's fields at this version.")
    changes = serializers.DictField(
        child=serializers.DictField(),
        help_text='Per changed field: {"from": old, "to": new}.',
    )


def versions_with_changes(versions: list[Model]) -> list[dict[str, Any]]:
    """Versions oldest first, each compared with the one before it."""
    entries = []
    previous: dict[str, Any] | None = None
    for version in versions:
        record = snapshot(version)
        changes = {
            field: {"from": previous[field], "to": value}
            for field, value in record.items()
            if previous is not None and previous.get(field) != value
        }
        entries.append(
            {
                "history_id": version.history_id,
                "history_date": version.history_date,
                "action": ACTIONS[version.history_type],
                "by": version.history_user.get_username()
                if version.history_user
                else None,
                "version": version.version,
                "record": record,
                "changes": changes,
            }
        )
        previous = record
    return entries


def history_of(model: type[Model], lookup: dict[str, Any]) -> list[dict[str, Any]]:
    """Every version of one record, newest first; works for deleted ones. One
    query."""
    versions = list(
        model.history.filter(**lookup)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return list(reversed(versions_with_changes(versions)))


class ChangeSerializer(serializers.Serializer):
    record_type = serializers.ChoiceField(choices=list(RECORD_TYPES))
    record_id = serializers.IntegerField()
    history_id = serializers.IntegerField()
    action = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="history_date")
    by = serializers.CharField(source="username", allow_null=True)
    version = serializers.IntegerField()

    def get_action(self, change: dict[str, Any]) -> str:
        return ACTIONS[change["history_type"]]


class ChangesQuery(serializers.Serializer):
    since = serializers.DateTimeField(
        help_text="Only changes after this moment (ISO 8601, e.g. "
        "2020-01-08T00:00:00Z). Use the last change's `at` to continue."
    )


@extend_schema(parameters=[ChangesQuery])
class ChangesView(JSONErrorsMixin, generics.ListAPIView):
    """Everything created, changed or deleted after ``since``, oldest first,
    so that a client can keep a copy in sync."""

    serializer_class = ChangeSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet:  # type: ignore[override]
        query = ChangesQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        since = query.validated_data["since"]
        per_type = [
            model.history.filter(history_date__gt=since)  # type: ignore[attr-defined]
            .annotate(
                record_type=Value(name, output_field=CharField()),
                record_id=F("id"),
                username=F("history_user__username"),
            )
            .values(
                "record_type",
                "record_id",
                "history_id",
                "history_type",
                "history_date",
                "username",
                "version",
            )
            .order_by()
            for name, model in RECORD_TYPES.items()
        ]
        return (
            per_type[0]
            .union(*per_type[1:], all=True)
            .order_by("history_date", "history_id")
        )
