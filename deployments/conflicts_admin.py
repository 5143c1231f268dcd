"""Conflicts in the admin: the list of figures that disagree, where an analyst
resolves one in one step (choose the figure to prefer, say why), and the
resolutions' own list with their history.

Resolving goes through ``FigureResolution.resolve``: the preferred figure
stands, the others become superseded or disputed, each change with its own
history entry, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from deployments.models import (
    Deployment,
    FigureResolution,
    TroopCount,
    validate_nation_code,
)
from deployments.status.conflicts import Conflict, ConflictState, current_conflicts

CONFLICTS_PER_PAGE = 20
RESOLVE_PERMISSIONS = (
    "deployments.add_figureresolution",
    "deployments.change_troopcount",
)


class ConflictFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False,
        choices=[("", "Open and resolved"), *ConflictState.choices],
    )
    nation = forms.CharField(
        required=False, max_length=8, validators=[validate_nation_code]
    )
    host = forms.CharField(
        required=False, max_length=8, validators=[validate_nation_code]
    )

    def conflict_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "state": data["state"] or None,
            "nation_codes": [data["nation"]] if data["nation"] else None,
            "host_codes": [data["host"]] if data["host"] else None,
        }


class ResolveForm(forms.Form):
    """One conflict's decision: which figure to prefer, and why."""

    conflict = forms.CharField(widget=forms.HiddenInput)
    preferred = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why this figure",
        max_length=FigureResolution._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why this figure: the better source, a later count, the "
        "official figure.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        deployment = Deployment.objects.filter(
            pk=_int(data["conflict"].partition("-")[0])
        ).values_list("nation__code", "host__code")
        conflict = next(
            (
                c
                for codes in deployment[:1]
                for c in current_conflicts(nation_codes=codes[:1], host_codes=codes[1:])
                if c.key == data["conflict"]
            ),
            None,
        )
        if conflict is None:
            raise ValidationError(
                "This conflict has changed since the page was loaded (a figure "
                "was added, edited or set aside): nothing was changed; look "
                "at it again."
            )
        if data["preferred"] not in conflict.counts:
            raise ValidationError("Choose one of this conflict's figures.")
        data["found"] = conflict
        return data


@admin.register(FigureResolution)
class FigureResolutionAdmin(SimpleHistoryAdmin):
    """Resolutions, newest first; made from the conflicts list, where their
    figures stand side by side. The note can be corrected here; which figure
    is preferred is changed by resolving again."""

    change_list_template = "admin/deployments/figureresolution/change_list.html"
    list_display = ["preferred", "deployment", "resolved_on", "note"]
    list_filter = ["resolved_on"]
    search_fields = ["note", "deployment__nation__name", "deployment__host__name"]
    list_select_related = ["preferred__nation", "preferred__host", "deployment"]
    readonly_fields = ["deployment", "preferred"]
    fields = ["deployment", "preferred", "note", "resolved_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a resolution is made on the conflicts list

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path(
                "conflicts/",
                view(self.conflicts_view),
                name="deployments_figureresolution_conflicts",
            ),
            *super().get_urls(),
        ]

    def conflicts_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("deployments.view_troopcount"):
            raise PermissionDenied
        may_resolve = request.user.has_perms(RESOLVE_PERMISSIONS)
        failed: ResolveForm | None = None
        if request.method == "POST":
            if not may_resolve:
                raise PermissionDenied
            failed = self._resolve(request)
            if failed is None:
                return HttpResponseRedirect(request.get_full_path())
        filters = ConflictFilterForm(request.GET)
        conflicts = (
            current_conflicts(**filters.conflict_filters())
            if filters.is_valid()
            else []
        )
        page = Paginator(conflicts, CONFLICTS_PER_PAGE).get_page(request.GET.get("p"))
        counts = TroopCount.objects.select_related("source", "resolution").in_bulk(
            {pk for conflict in page for pk in conflict.counts}
        )
        return TemplateResponse(
            request,
            "admin/deployments/figureresolution/conflicts.html",
            {
                **self.admin_site.each_context(request),
                "opts": FigureResolution._meta,
                "title": "Conflicting figures",
                "filters": filters,
                "page": page,
                "conflicts": [
                    (
                        conflict,
                        [counts[pk] for pk in conflict.counts if pk in counts],
                        counts[conflict.preferred].resolution
                        if conflict.preferred in counts
                        else None,
                    )
                    for conflict in page
                ],
                "failed": failed,
                "may_resolve": may_resolve,
                "resolve_form": ResolveForm(),
            },
        )

    def _resolve(self, request: HttpRequest) -> ResolveForm | None:
        """Resolve the posted conflict; the form back, with its errors, when
        nothing was changed."""
        form = ResolveForm(request.POST)
        if not form.is_valid():
            return form
        conflict: Conflict = form.cleaned_data["found"]
        counts = TroopCount.objects.select_related("source").in_bulk(conflict.counts)
        preferred = counts.pop(form.cleaned_data["preferred"])
        try:
            FigureResolution.resolve(
                preferred, counts.values(), form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return form
        messages.success(
            request,
            f"{conflict.nation_name} in {conflict.host_name}: "
            f"{preferred.display_troops} ({preferred.source.publisher}, "
            f"{preferred.counted_on:%Y-%m-%d}) is preferred; the other "
            f"{len(counts)} figure{'' if len(counts) == 1 else 's'} set aside.",
        )
        return None


def conflicts_url() -> str:
    return reverse("admin:deployments_figureresolution_conflicts")


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
