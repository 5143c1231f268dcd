"""Query parameters of the derived endpoints (status, conflicts), validated
like a form."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from deployments.api.filters import EMPTY_ITEM_MESSAGE
from deployments.models import (
    Nation,
    Stance,
    validate_nation_code,
    validate_not_too_early,
)
from deployments.status.conflicts import ConflictState
from deployments.status.outcomes import Outcome


class CommaSeparatedField(serializers.ListField):
    """A list given as ``a,b,c`` in one query parameter. An empty parameter
    (``?nation=``) is an empty list, no filter at all; an empty item
    (``?outcome=,``, ``?nation=USA,,CAN``) is malformed, as in the lists'
    filters (``filters.NoEmptyItemsCSVField``)."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, list):  # QueryDict gives the last value as a string
            data = ",".join(data)
        text = str(data).strip()
        items = [item.strip() for item in text.split(",")] if text else []
        if "" in items:
            raise serializers.ValidationError(EMPTY_ITEM_MESSAGE, code="empty_item")
        return super().to_internal_value(items)


class DeploymentsQuery(serializers.Serializer):
    """The deployments a derived read covers: by nation and host."""

    nation = CommaSeparatedField(
        child=serializers.CharField(validators=[validate_nation_code]),
        required=False,
        help_text="Contributing nations' codes, comma-separated.",
    )
    host = CommaSeparatedField(
        child=serializers.CharField(validators=[validate_nation_code]),
        required=False,
        help_text="Host countries' codes, comma-separated.",
    )


class StatusQuery(DeploymentsQuery):
    as_of = serializers.DateField(
        required=False,
        validators=[validate_not_too_early],
        help_text="The status as known on this date (YYYY-MM-DD), from 1900-01-01.",
    )
    stance = CommaSeparatedField(
        child=serializers.ChoiceField(choices=Stance.choices),
        required=False,
        help_text="Stances of the latest statement, comma-separated.",
    )
    nation_kind = CommaSeparatedField(
        child=serializers.ChoiceField(choices=Nation.Kind.choices),
        required=False,
        help_text="state or alliance, comma-separated.",
    )
    conflict = serializers.ChoiceField(
        choices=[("true", "true"), ("false", "false")],
        required=False,
        help_text="true: only rows whose figures are in an unresolved "
        "conflict; false: only rows without one.",
    )
    outcome = CommaSeparatedField(
        child=serializers.ChoiceField(choices=Outcome.choices),
        required=False,
        help_text="Outcomes of the latest statement, comma-separated.",
    )

    def status_filters(self) -> dict[str, Any]:
        """Keyword arguments for status.current_status(); an empty list is no
        filter at all, as in ``?nation=``."""
        data = self.validated_data
        return {
            "as_of": data.get("as_of"),
            "nation_codes": data.get("nation") or None,
            "host_codes": data.get("host") or None,
            "stances": data.get("stance") or None,
            "nation_kinds": data.get("nation_kind") or None,
            "conflict": {"true": True, "false": False}.get(data.get("conflict", "")),
            "outcomes": data.get("outcome") or None,
        }


class ConflictQuery(DeploymentsQuery):
    as_of = serializers.DateField(
        required=False,
        validators=[validate_not_too_early],
        help_text="Conflicts as known on this date (YYYY-MM-DD): later "
        "figures, standings and resolutions are left out.",
    )
    state = serializers.ChoiceField(
        choices=ConflictState.choices,
        required=False,
        help_text="open: figures still standing disagree; resolved: an "
        "analyst preferred one or set the others aside.",
    )
    # Every date asked for starts at 1900-01-01, as the lists' date filters.
    counted_after = serializers.DateField(
        required=False,
        validators=[validate_not_too_early],
        help_text="Conflicts with a figure counted on or after this date "
        "(from 1900-01-01).",
    )
    counted_before = serializers.DateField(
        required=False,
        validators=[validate_not_too_early],
        help_text="Conflicts with a figure counted on or before this date "
        "(from 1900-01-01).",
    )

    def conflict_filters(self) -> dict[str, Any]:
        """Keyword arguments for status.conflicts.current_conflicts()."""
        data = self.validated_data
        return {
            "as_of": data.get("as_of"),
            "nation_codes": data.get("nation") or None,
            "host_codes": data.get("host") or None,
            "state": data.get("state"),
            "counted_after": data.get("counted_after"),
            "counted_before": data.get("counted_before"),
        }
