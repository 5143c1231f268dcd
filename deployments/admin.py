"""The admin, where analysts edit nations, sources, counts and statements.

Every model keeps its change history (django-simple-history), reachable from
each object's "History" button with who made each change, and imports and
exports CSV, XLSX and JSON (django-import-export) with a preview before any
change is made.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import URLField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from deployments import conflicts_admin  # noqa: F401  (registers conflicts and resolutions)
from deployments.caching import CachedCountPaginator
from deployments.intake_admin import ArticleIntakeMixin
from deployments.models import (
    DeletedDeployment,
    DeletedIntention,
    DeletedNation,
    DeletedSource,
    DeletedTroopCount,
    Deployment,
    Intention,
    Nation,
    Source,
    TroopCount,
    VersionConflict,
)
from deployments.resources import (
    IntentionResource,
    NationResource,
    SourceResource,
    TroopCountResource,
)
from deployments.services import restore_deleted
from deployments.spreadsheet_admin import SpreadsheetMixin
from deployments.status import StatusRow, current_status

# Lists show as many rows a page as the status page does: rendering the
# admin's rows is what a changelist costs, at any size of the data.
from deployments.views import ROWS_PER_PAGE


class VersionCheckedForm(forms.ModelForm):
    """Carries the version the editor opened, and refuses to save over a newer one.

    The friendly check is here; the final, atomic one is the model's
    conditional update, which also catches a change that lands between this
    check and the save.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # A form without the version (a stripped hidden field, an old page, a
        # script) cannot show it started from the current one: treat as stale.
        seen = cleaned.get("seen_version")
        if seen != self.instance.version:
            raise ValidationError(
                "Someone else changed this record since you opened it "
                "(you opened version %(seen)s; it is now version %(now)s). "
                "Open it again to see their change, then make yours.",
                code="stale_version",
                params={
                    "seen": "unknown" if seen is None else seen,
                    "now": self.instance.version,
                },
            )
        self.instance.version = seen
        return cleaned


class RevertForm(VersionCheckedForm):
    """History › Revert: an old version's values, saved on top of the record's
    current version.

    The form's instance is the old version, so its own version is old too;
    what the editor must have seen is the record as it is now. The page
    carries that version, and the save is refused when the record changed
    (or was deleted) since the page was opened.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_version = (
            type(self.instance)
            ._base_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        self.fields["seen_version"].initial = self.current_version

    def clean(self) -> dict[str, Any]:
        cleaned = forms.ModelForm.clean(self)
        if self.current_version is None:
            raise ValidationError(
                "Nothing was reverted: this record has been deleted. Restore it "
                "from the deleted records instead.",
                code="deleted",
            )
        seen = cleaned.get("seen_version")
        if seen != self.current_version:
            raise ValidationError(
                "Someone else changed this record since you opened it (you "
                "opened version %(seen)s; it is now version %(now)s). Nothing was "
                "reverted: open the history again to see their change.",
                code="stale_version",
                params={"seen": seen, "now": self.current_version},
            )
        self.instance.version = seen
        return cleaned


class VersionCheckedAdminMixin:
    """Turns a conflict caught at the last moment into a message, not a 500."""

    form = VersionCheckedForm

    def get_form(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if getattr(request, "reverting", False):
            kwargs["form"] = RevertForm
        return super().get_form(request, obj, **kwargs)  # type: ignore[misc]

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        request.reverting = True  # type: ignore[attr-defined]
        try:
            return super().history_form_view(  # type: ignore[misc]
                request, object_id, version_id, extra_context
            )
        except VersionConflict as conflict:
            self.message_user(  # type: ignore[attr-defined]
                request, f"Nothing was reverted: {conflict}.", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context
            )
        except VersionConflict as conflict:
            self.message_user(  # type: ignore[attr-defined]
                request, f"Nothing was saved: {conflict}.", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


LONG_TEXT_FIELDS = {"quote", "excerpt", "standing_note"}


class LongTextMixin:
    """Quotes and excerpts get a text box, not a one-line input."""

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name in LONG_TEXT_FIELDS:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class TroopCountInline(LongTextMixin, admin.TabularInline):
    model = TroopCount
    form = VersionCheckedForm
    fk_name = "nation"
    extra = 0
    autocomplete_fields = ["host", "source"]
    fields = [
        "host",
        "troops",
        "troops_low",
        "troops_high",
        "precision",
        "figure_text",
        "counted_on",
        "location",
        "source",
        "excerpt",
        ("standing", "standing_changed_on", "standing_note"),
        "seen_version",
    ]
    ordering = ["-counted_on"]
    show_change_link = True


class IntentionInline(LongTextMixin, admin.StackedInline):
    model = Intention
    form = VersionCheckedForm
    fk_name = "nation"
    extra = 0
    autocomplete_fields = ["host", "destination", "source"]
    fields = [
        ("host", "stance", "temporary", "troops_affected"),
        ("troops_affected_low", "troops_affected_high", "target_troops"),
        ("destination", "destination_note", "location"),
        ("speaker", "speaker_role"),
        ("stated_on", "reported_on", "source"),
        "quote",
        ("standing", "standing_changed_on", "standing_note"),
        "seen_version",
    ]
    ordering = ["-reported_on"]
    show_change_link = True
    classes = ["collapse"]


class NationChangeList(ChangeList):
    """Attaches each listed nation's status rows, in two queries for the page."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        rows_by_nation: dict[str, list[StatusRow]] = {}
        codes = [nation.code for nation in self.result_list]
        for row in current_status(nation_codes=codes):
            rows_by_nation.setdefault(row.nation, []).append(row)
        for nation in self.result_list:
            nation.status_rows = rows_by_nation.get(nation.code, [])


class HostFilter(admin.RelatedFieldListFilter):
    """Host countries that have records. ``RelatedOnlyFieldListFilter`` would
    read every row for its DISTINCT; the deployments table has one row per
    nation and host."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: Any
    ) -> list[tuple[int, str]]:
        return [
            (nation.pk, str(nation))
            for nation in Deployment.objects.with_records().hosts().order_by("name")
        ]


class LongListAdminMixin:
    """For tables that grow to hundreds of thousands of rows: newest first
    along an index, the count remembered until the data changes, and no
    second count of the unfiltered table."""

    paginator = CachedCountPaginator
    show_full_result_count = False


@admin.register(Nation)
class NationAdmin(VersionCheckedAdminMixin, SpreadsheetMixin, SimpleHistoryAdmin):
    list_per_page = ROWS_PER_PAGE
    resource_classes = [NationResource]
    list_display = ["code", "name", "kind", "current_troops", "current_stance"]
    list_display_links = ["code", "name"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    ordering = ["name"]
    inlines = [TroopCountInline, IntentionInline]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return NationChangeList

    @admin.display(description="Troops now (by host)")
    def current_troops(self, nation: Nation) -> str:
        rows = getattr(nation, "status_rows", [])
        return "; ".join(f"{row.troops_display} in {row.host}" for row in rows) or "—"

    @admin.display(description="Stance now (by host)")
    def current_stance(self, nation: Nation) -> str:
        rows = getattr(nation, "status_rows", [])
        return (
            "; ".join(
                f"{row.stance_label} in {row.host}" for row in rows if row.has_statement
            )
            or "—"
        )


@admin.register(Source)
class SourceAdmin(
    ArticleIntakeMixin, VersionCheckedAdminMixin, SpreadsheetMixin, SimpleHistoryAdmin
):
    list_per_page = ROWS_PER_PAGE
    resource_classes = [SourceResource]
    # Sources are web pages; a bare "example.com" means https, as Django 6 will.
    formfield_overrides = {
        models.URLField: {"form_class": URLField, "assume_scheme": "https"}
    }
    list_display = [
        "title",
        "publisher",
        "agency",
        "published_on",
        "url",
        "review_link",
    ]
    list_filter = ["agency", "publisher"]
    search_fields = ["title", "publisher", "agency", "url"]
    date_hierarchy = "published_on"
    # An article's text is entered once, through "Add article"; the spans of
    # its proposals point into it, so it is not edited afterwards.
    readonly_fields = ["text"]


@admin.register(Deployment)
class DeploymentAdmin(VersionCheckedAdminMixin, SimpleHistoryAdmin):
    """Deployments appear with their first count or statement; here their
    operation is named. Nation and host are fixed once chosen."""

    list_per_page = ROWS_PER_PAGE

    list_display = ["nation", "host", "operation"]
    list_filter = [("host", HostFilter), "nation__kind"]
    search_fields = ["nation__name", "nation__code", "host__name", "operation"]
    autocomplete_fields = ["nation", "host"]
    ordering = ["nation__name", "host__name"]
    list_select_related = ["nation", "host"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["nation", "host"] if obj is not None else []


@admin.register(TroopCount)
class TroopCountAdmin(
    LongListAdminMixin,
    LongTextMixin,
    VersionCheckedAdminMixin,
    SpreadsheetMixin,
    SimpleHistoryAdmin,
):
    list_per_page = ROWS_PER_PAGE
    resource_classes = [TroopCountResource]
    list_display = [
        "nation",
        "host",
        "display_troops",
        "precision",
        "figure_text",
        "counted_on",
        "source",
        "standing",
    ]
    list_filter = [
        "precision",
        "standing",
        ("host", HostFilter),
        "counted_on",
    ]
    search_fields = ["nation__name", "nation__code", "figure_text", "excerpt"]
    autocomplete_fields = ["nation", "host", "source"]
    # No date_hierarchy: its year links need a DISTINCT over every row; the
    # "counted on" filter covers recent dates.
    ordering = ["-counted_on", "-id"]
    list_select_related = ["nation", "host", "source"]

    @admin.display(description="Troops", ordering="troops")
    def display_troops(self, troop_count: TroopCount) -> str:
        return troop_count.display_troops


@admin.register(Intention)
class IntentionAdmin(
    LongListAdminMixin,
    LongTextMixin,
    VersionCheckedAdminMixin,
    SpreadsheetMixin,
    SimpleHistoryAdmin,
):
    list_per_page = ROWS_PER_PAGE
    resource_classes = [IntentionResource]
    list_display = [
        "nation",
        "host",
        "stance",
        "temporary",
        "destination",
        "speaker",
        "stated_on",
        "reported_on",
        "standing",
    ]
    list_filter = [
        "stance",
        "standing",
        "temporary",
        ("host", HostFilter),
        "reported_on",
    ]
    search_fields = [
        "nation__name",
        "nation__code",
        "speaker",
        "speaker_role",
        "quote",
        "destination_note",
    ]
    autocomplete_fields = ["nation", "host", "destination", "source"]
    ordering = ["-reported_on", "-id"]
    list_select_related = ["nation", "host", "destination", "source"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "nation",
                    "host",
                    "location",
                    "stance",
                    "temporary",
                    "troops_affected",
                    ("troops_affected_low", "troops_affected_high"),
                    "target_troops",
                ]
            },
        ),
        ("Destination", {"fields": ["destination", "destination_note"]}),
        (
            "Who said it, when, where",
            {
                "fields": [
                    "speaker",
                    "speaker_role",
                    "stated_on",
                    "reported_on",
                    "source",
                    "quote",
                ]
            },
        ),
        (
            "Standing",
            {
                "fields": [
                    "standing",
                    "standing_changed_on",
                    "standing_note",
                    "seen_version",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Intention]:
        return super().get_queryset(request).select_related("nation", "host")


@admin.register(
    DeletedNation,
    DeletedSource,
    DeletedDeployment,
    DeletedTroopCount,
    DeletedIntention,
)
class DeletedRecordAdmin(admin.ModelAdmin):
    """Deleted records, as they were when deleted, with who deleted them."""

    list_per_page = ROWS_PER_PAGE

    list_display = ["__str__", "id", "history_date", "history_user"]
    list_filter = ["history_date"]
    date_hierarchy = "history_date"
    actions = ["restore"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.still_deleted().select_related("history_user")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_restore(request)

    def has_restore_permission(self, request: HttpRequest) -> bool:
        return self._may_restore(request)

    def _may_restore(self, request: HttpRequest) -> bool:
        # Restoring is adding the record again.
        opts = self.model.instance_type._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    @admin.action(description="Restore the selected records", permissions=["restore"])
    def restore(self, request: HttpRequest, deletions: QuerySet) -> None:
        try:
            restored = restore_deleted(deletions)
        except ValidationError as error:
            self.message_user(
                request,
                f"Nothing was restored: {'; '.join(error.messages)}",
                messages.ERROR,
            )
            return
        self.message_user(request, f"Restored {len(restored)} record(s).")
