"""Spreadsheet import and export (django-import-export) for every record type.

Rows name nations by code and sources by publisher, title and date, never by
database id, so a file exported from one tracker imports into another and a
second import of the same file updates rather than duplicates. Each row is
validated with the model's own ``full_clean()`` (field validators, ``clean()``
and the database constraints), the same rules the API and the admin apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Model
from import_export import fields, resources, widgets

from deployments.models import Intention, Nation, Source, TroopCount


class NationCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Nation, field="code")

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except Nation.DoesNotExist:
            raise ValueError(f"no nation has the code {value!r}") from None


class SourceWidget(widgets.ForeignKeyWidget):
    """Finds a source by its title together with the row's publisher and date."""

    def __init__(self) -> None:
        super().__init__(Source, field="title")

    def get_lookup_kwargs(self, value: Any, row: dict, **kwargs: Any) -> dict:
        published_on = widgets.DateWidget().clean(row.get("source_published_on"))
        return {
            "title": value,
            "publisher": row.get("source_publisher"),
            "published_on": published_on,
        }

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except Source.DoesNotExist:
            raise ValueError(
                "no source with this title, source_publisher and "
                "source_published_on; import the sources first"
            ) from None


class TrackerResource(resources.ModelResource):
    """Shared behaviour: validate like the API, record who imported, and report
    each row done (for a progress bar)."""

    def __init__(
        self,
        user: AbstractBaseUser | None = None,
        on_row: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.on_row = on_row

    def get_queryset(self) -> Any:
        # Rows in the order they were entered: re-imported, they keep that
        # order, which breaks ties between same-day statements in the status.
        return super().get_queryset().order_by("pk")

    def get_instance(self, instance_loader: Any, row: dict) -> Model | None:
        # The columns that identify a record are read before the others; name
        # the column when one of them is wrong instead of failing the row bare.
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.column_name] = str(error)
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def after_import_row(self, row: dict, row_result: Any, **kwargs: Any) -> None:
        if self.on_row is not None:
            self.on_row()

    def before_save_instance(self, instance: Model, row: dict, **kwargs: Any) -> None:
        # The admin's request already names the user for the history; the
        # command line passes it here.
        if self.user is not None:
            instance._history_user = self.user  # type: ignore[attr-defined]


class NationResource(TrackerResource):
    class Meta:
        model = Nation
        fields = ["code", "name", "kind"]
        import_id_fields = ["code"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SourceResource(TrackerResource):
    class Meta:
        model = Source
        fields = ["publisher", "title", "published_on", "url"]
        import_id_fields = ["publisher", "title", "published_on"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


def nation_field(name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=NationCodeWidget())


SOURCE_COLUMNS = ["source_publisher", "source_title", "source_published_on"]


class SourcedResource(TrackerResource):
    """A record citing a source, which three columns name."""

    source_publisher = fields.Field(
        attribute="source__publisher", column_name="source_publisher", readonly=True
    )
    source_title = fields.Field(
        attribute="source", column_name="source_title", widget=SourceWidget()
    )
    source_published_on = fields.Field(
        attribute="source__published_on",
        column_name="source_published_on",
        readonly=True,
        widget=widgets.DateWidget(),
    )


class TroopCountResource(SourcedResource):
    nation = nation_field("nation")
    host = nation_field("host")

    class Meta:
        model = TroopCount
        fields = [
            "nation",
            "host",
            "troops",
            "precision",
            "figure_text",
            "counted_on",
            *SOURCE_COLUMNS,
            "excerpt",
        ]
        import_id_fields = ["nation", "host", "counted_on", "source_title"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class IntentionResource(SourcedResource):
    nation = nation_field("nation")
    host = nation_field("host")
    destination = nation_field("destination")

    class Meta:
        model = Intention
        fields = [
            "nation",
            "host",
            "stance",
            "temporary",
            "troops_affected",
            "destination",
            "destination_note",
            "speaker",
            "speaker_role",
            "stated_on",
            "reported_on",
            *SOURCE_COLUMNS,
            "quote",
            "standing",
            "standing_changed_on",
            "standing_note",
        ]
        import_id_fields = ["source_title", "nation", "host", "quote"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


RESOURCES: dict[str, type[TrackerResource]] = {
    "nations": NationResource,
    "sources": SourceResource,
    "troop-counts": TroopCountResource,
    "intentions": IntentionResource,
}
