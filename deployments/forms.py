"""The status page's filters, read from the query string and validated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from deployments.models import (
    EARLIEST_DATE,
    Deployment,
    Nation,
    Stance,
    validate_not_too_early,
)
from deployments.status import StatusRow
from deployments.status.outcomes import Outcome

# Sort keys of the status table: name -> (label, key). Rows without a value
# sort last whichever way the column is sorted.
SORT_COLUMNS: dict[str, tuple[str, Callable[[StatusRow], Any]]] = {
    "nation": ("Nation", lambda row: row.nation_name),
    "host": ("Host country", lambda row: row.host_name),
    "troops": ("Troops", lambda row: row.troops),
    "as_of": ("Figure dated", lambda row: row.troops_as_of),
    "stance": ("Stance", lambda row: row.stance_label),
    "stated": ("Statement", lambda row: row.said_on),
}
DEFAULT_SORT = "nation"  # the order current_status() gives
SORT_CHOICES = [("", "Nation")] + [
    (f"{prefix}{name}", f"{label}{suffix}")
    for name, (label, _) in SORT_COLUMNS.items()
    for prefix, suffix in (("", " ↑"), ("-", " ↓"))
]


class StatusFilterForm(forms.Form):
    host = forms.ChoiceField(required=False, label="Host country")
    stance = forms.ChoiceField(
        required=False, choices=[("", "Any stance"), *Stance.choices]
    )
    kind = forms.ChoiceField(
        required=False,
        label="Nation kind",
        choices=[("", "States and alliances"), *Nation.Kind.choices],
    )
    conflict = forms.TypedChoiceField(
        required=False,
        label="Figures",
        choices=[
            ("", "Any figures"),
            ("true", "Conflicting"),
            ("false", "Not conflicting"),
        ],
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    outcome = forms.ChoiceField(
        required=False,
        label="Outcome",
        choices=[("", "Any outcome"), *Outcome.choices],
    )
    as_of = forms.DateField(
        required=False,
        label="As of",
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DATE.isoformat()}
        ),
        validators=[validate_not_too_early],
        help_text="The status as known on this date.",
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = (
            Deployment.objects.with_records()
            .hosts()
            .order_by("name")
            .values_list("code", "name")
        )
        self.fields["host"].choices = [("", "All host countries"), *hosts]

    def status_filters(self) -> dict[str, Any]:
        """Keyword arguments for status.current_status()."""
        data = self.cleaned_data
        return {
            "as_of": data.get("as_of"),
            "host_codes": [data["host"]] if data.get("host") else None,
            "stances": [data["stance"]] if data.get("stance") else None,
            "nation_kinds": [data["kind"]] if data.get("kind") else None,
            "conflict": data.get("conflict"),
            "outcomes": [data["outcome"]] if data.get("outcome") else None,
        }

    def sort_rows(self, rows: list[StatusRow]) -> list[StatusRow]:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        if sort == DEFAULT_SORT:
            return rows
        name = sort.removeprefix("-")
        key = SORT_COLUMNS[name][1]
        with_value = [row for row in rows if key(row) is not None]
        without_value = [row for row in rows if key(row) is None]
        with_value.sort(key=key, reverse=sort.startswith("-"))
        return with_value + without_value


class PageForm(forms.Form):
    """A page number from the query string; absent means the default page."""

    page = forms.IntegerField(required=False, min_value=1)
