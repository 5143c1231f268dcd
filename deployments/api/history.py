"""Who changed what and when: an object's versions, and a feed of all changes.

Versions are read from django-simple-history's tables; the feed from its own
table of the same entries (``deployments.models.changes``, which explains the
commit-safe order). Edits made in the admin, through the API and by imports
all appear, deletions included. Records are
named as the API names them (nations by code, others by id) and values keep
their JSON types.

Who made a change is shown as a username to staff only; everyone else sees
the role "editor" (or null for changes made by a program, such as loading the
article's data), so that the public cannot collect editors' logins.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any

from django.db.models import Model, Q
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from deployments.api.responses import JSONErrorsMixin
from deployments.models import Nation
from deployments.models.changes import (
    ACTIONS,
    RECORD_TYPES,
    Change,
    RecordType,
    feed_horizon,
)
from deployments.validators import revalidated

PUBLIC_ROLE = "editor"
BIGINT_MAX = 2**63 - 1
NATION_FIELDS = {"nation", "host", "destination"}


def shown_author(username: str | None, request: Request) -> str | None:
    """The username for staff; the role for everyone else; None if no user."""
    if username is None:
        return None
    return username if request.user.is_staff else PUBLIC_ROLE


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def snapshot(version: Model, codes: dict[int, str]) -> dict[str, Any]:
    """A historical record's fields as the API shows the record: nations by
    code (and a nation without its internal id), sources by id."""
    model = version.instance_type  # type: ignore[attr-defined]
    record = {}
    for field in model._meta.concrete_fields:
        if model is Nation and field.primary_key:
            continue
        value = getattr(version, field.attname)
        if field.name in NATION_FIELDS:
            value = None if value is None else codes.get(value)
        record[field.name] = json_value(value)
    return record


def nation_codes(versions: list[Model]) -> dict[int, str]:
    """The code of every nation the versions refer to, also of nations deleted
    since (read from the nations' history); one query, none if there are none."""
    ids = {
        getattr(version, f"{name}_id")
        for version in versions
        for name in NATION_FIELDS
        if hasattr(version, f"{name}_id")
    } - {None}
    if not ids:
        return {}
    rows = (
        Nation.history.filter(id__in=ids)  # type: ignore[attr-defined]
        .order_by("history_date", "history_id")
        .values_list("id", "code")
    )
    return dict(rows)  # the latest code of each nation wins


class VersionSerializer(serializers.Serializer):
    """One version of a record, with what changed from the one before."""

    history_id = serializers.IntegerField()
    at = serializers.DateTimeField(source="history_date")
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    by = serializers.CharField(
        allow_null=True,
        help_text='The username for staff; "editor" for everyone else; null '
        "when no user made the change (loaded data, initial snapshots).",
    )
    version = serializers.IntegerField()
    record = serializers.DictField(
        help_text="The record's fields at this version, as the API shows them "
        "(nations by code, sources by id)."
    )
    changes = serializers.DictField(
        child=serializers.DictField(),
        help_text='Per changed field: {"from": old, "to": new}.',
    )


def versions_with_changes(
    versions: list[Model], request: Request
) -> list[dict[str, Any]]:
    """Versions oldest first, each compared with the one before it."""
    codes = nation_codes(versions)
    entries = []
    previous: dict[str, Any] | None = None
    for version in versions:
        record = snapshot(version, codes)
        changes = {
            field: {"from": previous[field], "to": value}
            for field, value in record.items()
            if previous is not None and previous.get(field) != value
        }
        user = version.history_user  # type: ignore[attr-defined]
        entries.append(
            {
                "history_id": version.history_id,  # type: ignore[attr-defined]
                "history_date": version.history_date,  # type: ignore[attr-defined]
                "action": ACTIONS[version.history_type],  # type: ignore[attr-defined]
                "by": shown_author(user.get_username() if user else None, request),
                "version": version.version,  # type: ignore[attr-defined]
                "record": record,
                "changes": changes,
            }
        )
        previous = record
    return entries


def history_of(
    model: type[Model], lookup: dict[str, Any], request: Request
) -> list[dict[str, Any]]:
    """Every version of one record, newest first; works for deleted ones. One
    query, and one more for the codes of the nations a count or statement
    names."""
    versions = list(
        model.history.filter(**lookup)  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return list(reversed(versions_with_changes(versions, request)))


# The change feed -----------------------------------------------------------


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position a cursor stands for; ValueError if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor from this feed") from None
    if not isinstance(position, dict):
        raise ValueError("not a cursor from this feed")
    if set(position) == {"t", "i"} and all(
        type(position[key]) is int and 0 <= position[key] <= BIGINT_MAX for key in "ti"
    ):
        return position
    if set(position) == {"s"}:
        since = serializers.DateTimeField().to_internal_value(position["s"])
        return {"s": since}
    raise ValueError("not a cursor from this feed")


class ChangesQuery(serializers.Serializer):
    cursor = serializers.CharField(
        required=False,
        help_text="Continue after the last change you received: pass the `next` "
        "of the previous answer, unchanged. Commit-safe: a client that always "
        "passes back the cursor it was given sees every change exactly once.",
    )
    since = serializers.DateTimeField(
        required=False,
        help_text="Start with the changes made after this moment (ISO 8601, e.g. "
        "2020-01-08T00:00:00Z) instead of from the first change. Only a starting "
        "point: continue with `next`, since times are taken before commit.",
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, default=50
    )

    def validate_cursor(self, cursor: str) -> dict[str, Any]:
        try:
            return decode_cursor(cursor)
        except (ValueError, serializers.ValidationError):
            raise serializers.ValidationError(
                "Not a cursor from this feed: pass back the `next` you were given."
            ) from None

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "cursor" in data and "since" in data:
            raise serializers.ValidationError(
                {"since": ["Give either `cursor` or `since`, not both."]}
            )
        return data


class ChangeSerializer(serializers.Serializer):
    record_type = serializers.ChoiceField(choices=list(RECORD_TYPES))
    record_id = serializers.IntegerField(
        allow_null=True,
        help_text="The record's id in the API; null for nations, named by code.",
    )
    code = serializers.CharField(
        allow_null=True, help_text="A nation's code; null for other records."
    )
    history_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    at = serializers.DateTimeField(help_text="When the change was made.")
    by = serializers.CharField(
        allow_null=True,
        help_text='The username for staff; "editor" for everyone else; null '
        "when no user made the change.",
    )
    version = serializers.IntegerField()


class ChangesPageSerializer(serializers.Serializer):
    next = serializers.CharField(
        help_text="Opaque cursor: send it as `cursor` to get what follows, "
        "also when this page is empty."
    )
    has_more = serializers.BooleanField(
        help_text="More changes are already waiting: ask again at once."
    )
    results = ChangeSerializer(many=True)


@extend_schema(parameters=[ChangesQuery], responses=ChangesPageSerializer)
class ChangesView(JSONErrorsMixin, generics.GenericAPIView):
    """Everything created, changed or deleted, in commit-safe order, deletions
    included, so that a client can keep a copy in sync.

    Without parameters the feed starts at the first change; pass back `next`
    as `cursor` to continue. A change appears only once no transaction still
    running can commit anything before it (on PostgreSQL), so a long write
    delays the feed but never makes it skip a row.
    """

    serializer_class = ChangeSerializer
    permission_classes = [AllowAny]
    filter_backends: list[Any] = []
    pagination_class = None

    @method_decorator(revalidated(with_feed_horizon=True))
    def get(self, request: Request) -> Response:
        query = ChangesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        position = query.validated_data.get("cursor") or {}
        since = query.validated_data.get("since", position.get("s"))
        size = query.validated_data["page_size"]

        changes = Change.objects.order_by("transaction_id", "id")
        if "t" in position:
            changes = changes.filter(
                Q(transaction_id__gt=position["t"])
                | Q(transaction_id=position["t"], id__gte=position["i"])
            )
        elif since is not None:
            changes = changes.filter(at__gt=since)
        horizon = feed_horizon(changes.db)
        if horizon is not None:
            changes = changes.filter(transaction_id__lt=horizon)
        if request.user.is_staff:
            changes = changes.select_related("user")
        page = list(changes[: size + 1])

        results = page[:size]
        if results:
            last = results[-1]
            next_position: dict[str, Any] = {"t": last.transaction_id, "i": last.id + 1}
        elif since is not None:
            next_position = {"s": since.isoformat()}
        else:
            next_position = {"t": position.get("t", 0), "i": position.get("i", 0)}
        body = {
            "next": encode_cursor(next_position),
            "has_more": len(page) > size,
            "results": [self.represent(change, request) for change in results],
        }
        return Response(ChangesPageSerializer(body).data)

    @staticmethod
    def represent(change: Change, request: Request) -> dict[str, Any]:
        is_nation = change.record_type == RecordType.NATION
        username = None
        if change.user_id is not None:
            # Only staff reads are joined to the users; the role needs no name.
            username = change.user.get_username() if request.user.is_staff else ""
        return {
            "record_type": change.record_type,
            "record_id": None if is_nation else change.record_id,
            "code": change.record_code if is_nation else None,
            "history_id": change.history_id,
            "action": change.action,
            "at": change.at,
            "by": shown_author(username, request),
            "version": change.version,
        }
