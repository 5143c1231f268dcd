"""Spreadsheet import and export (django-import-export) for every record type.

Rows name nations by code and sources by publisher, title and date, never by
database id, so a file exported from one tracker imports into another and a
second import of the same file updates rather than duplicates. Each row is
validated with the model's own ``full_clean()`` (field validators, ``clean()``
and the database constraints), the same rules the API and the admin apply,
and is written only with the permission the API would ask for: ``add_`` to
create a record, ``change_`` to change one.

Files are read strictly, because a spreadsheet read "helpfully" changes data
silently: every column of the kind present and no other, each record at most
once per file, and cells as ``cells.py`` reads them (dates only YYYY-MM-DD,
whole numbers, true/false).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_permission_codename
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from import_export import fields, resources, widgets
from import_export.results import Error, Result, RowResult

from deployments.cells import (
    IsoDateWidget,
    TextWidget,
    TrueFalseWidget,
    WholeNumberWidget,
)
from deployments.models import Intention, Nation, Source, TroopCount
from deployments.spreadsheets import from_spreadsheet, spreadsheet_safe


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
        try:
            published_on = IsoDateWidget().clean(row.get("source_published_on"))
        except ValueError as error:
            raise ValueError(f"source_published_on: {error}") from None
        return {
            "title": from_spreadsheet(value),
            "publisher": from_spreadsheet(row.get("source_publisher")),
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


class ImportProblem(Error):
    """An import error shown by its message alone: the admin's page would
    otherwise print the Python traceback under each one."""

    @property
    def traceback(self) -> str:  # type: ignore[override]
        return ""


class TrackerResource(resources.ModelResource):
    """Shared behaviour: strict cells, validation like the API, the user's
    permissions, one row per record, and text kept text in spreadsheets."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "CharField": TextWidget,
        "TextField": TextWidget,
        "DateField": IsoDateWidget,
        "IntegerField": WholeNumberWidget,
        "PositiveIntegerField": WholeNumberWidget,
        "BooleanField": TrueFalseWidget,
    }

    def __init__(
        self,
        user: AbstractBaseUser | None = None,
        on_row: Callable[[], None] | None = None,
        max_rows: int | None = None,
        **kwargs: Any,
    ) -> None:
        """``user``: whose permissions each row needs, and the history's
        author (none: the command line without ``--user``, which may do
        anything). ``max_rows``: refuse longer files (the admin's bound)."""
        super().__init__(**kwargs)
        self.user = user
        self.on_row = on_row
        self.max_rows = max_rows
        self.row_of_record: dict[Any, int] = {}

    # Columns added after files in the format were first written: a file
    # without them is read as before, and the records keep those fields empty.
    optional_columns: frozenset[str] = frozenset()

    def get_queryset(self) -> Any:
        # Rows in the order they were entered: re-imported, they keep that
        # order, which breaks ties between same-day statements in the status.
        return super().get_queryset().order_by("pk")

    def get_error_result_class(self) -> type[Error]:
        return ImportProblem

    # Import -----------------------------------------------------------------

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Result:
        # A file with the wrong columns or too many rows is refused before a
        # transaction opens or any row is read.
        problems = self.file_problems(dataset)
        if problems:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for problem in problems:
                result.append_base_error(ImportProblem(ValueError(problem)))
            return result
        self.row_of_record = {}
        return super().import_data(dataset, *args, **kwargs)

    def file_problems(self, dataset: Any) -> list[str]:
        """What makes the whole file unreadable: its header, or its length."""
        expected = [field.column_name for field in self.get_import_fields()]
        problems = []
        headers = []
        for number, header in enumerate(dataset.headers or [], start=1):
            if header is None or str(header).strip() == "":
                # Spreadsheets often carry empty columns after the data.
                if any(cell not in (None, "") for cell in dataset.get_col(number - 1)):
                    problems.append(f"Column {number} has values but no name.")
                continue
            headers.append(str(header))
        missing = [
            column
            for column in expected
            if column not in headers and column not in self.optional_columns
        ]
        unknown = [header for header in headers if header not in expected]
        repeated = sorted({header for header in headers if headers.count(header) > 1})
        if missing:
            problems.append(f"Missing column(s): {', '.join(missing)}.")
        if unknown:
            problems.append(
                "Unknown column(s): " + ", ".join(repr(name) for name in unknown) + "."
            )
        if repeated:
            problems.append(f"Column(s) given twice: {', '.join(repeated)}.")
        if problems:
            problems.append(
                f"The first row must name exactly these columns, in any order: "
                f"{', '.join(expected)} (as an export writes them)."
            )
        if self.max_rows is not None and len(dataset) > self.max_rows:
            problems.append(
                f"This file has {len(dataset):,} rows; the admin imports at most "
                f"{self.max_rows:,}. Split it, or import it with "
                "`python manage.py import_records`."
            )
        return problems

    def get_instance(self, instance_loader: Any, row: dict) -> Model | None:
        # The columns that identify a record are read before the others; name
        # the column when one of them is wrong instead of failing the row bare.
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.column_name] = str(error)
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def after_init_instance(
        self, instance: Model, new: bool, row: dict, **kwargs: Any
    ) -> None:
        # Imports run in a transaction, so a record an earlier row of this
        # file created is found by a later row for the same record: refuse it
        # instead of letting the last row silently win.
        earlier = self.row_of_record.get(instance.pk) if not new else None
        if earlier is not None:
            columns = ", ".join(
                self.fields[name].column_name for name in self.get_import_id_fields()
            )
            raise ValidationError(
                f"Rows {earlier} and {kwargs.get('row_number')} are the same "
                f"{instance._meta.verbose_name} (same {columns}); give each "
                "record once."
            )

    def validate_instance(
        self,
        instance: Model,
        import_validation_errors: dict | None = None,
        validate_unique: bool = True,
    ) -> None:
        # Only rows that create or change something get here (unchanged rows
        # are skipped), so a user may re-import rows they could not change.
        errors = dict(import_validation_errors or {})
        refusal = self.permission_refusal(instance)
        if refusal:
            errors[NON_FIELD_ERRORS] = [*errors.get(NON_FIELD_ERRORS, []), refusal]
        super().validate_instance(instance, errors, validate_unique)

    def permission_refusal(self, instance: Model) -> str | None:
        """Why this user may not write this row, as the API would refuse it."""
        if self.user is None:
            return None
        opts = instance._meta
        adding = instance._state.adding
        action = "add" if adding else "change"
        codename = get_permission_codename(action, opts)
        if self.user.has_perm(f"{opts.app_label}.{codename}"):
            return None
        if adding:
            return (
                f"You may not add {opts.verbose_name_plural}: this row would "
                f"create a new {opts.verbose_name}."
            )
        return (
            f"You may not change {opts.verbose_name_plural}: this row would "
            f"change the existing {opts.verbose_name} {instance.pk}."
        )

    def after_import_row(self, row: dict, row_result: Any, **kwargs: Any) -> None:
        if row_result.import_type in RowResult.valid_import_types:
            self.row_of_record[row_result.object_id] = kwargs.get("row_number")
        if self.on_row is not None:
            self.on_row()

    def before_save_instance(self, instance: Model, row: dict, **kwargs: Any) -> None:
        # The admin's request already names the user for the history; the
        # command line passes it here.
        if self.user is not None:
            instance._history_user = self.user  # type: ignore[attr-defined]

    # Export -----------------------------------------------------------------

    def export_field(self, field: fields.Field, instance: Model, **kwargs: Any) -> Any:
        # One rule for every format: text a spreadsheet would run as a formula
        # stays text (the import above drops the ' again).
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))


class NationResource(TrackerResource):
    class Meta:
        model = Nation
        fields = ["code", "name", "kind"]
        import_id_fields = ["code"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class SourceResource(TrackerResource):
    optional_columns = frozenset({"agency"})

    class Meta:
        model = Source
        fields = ["publisher", "title", "published_on", "url", "agency"]
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
        attribute="source__publisher",
        column_name="source_publisher",
        readonly=True,
        widget=TextWidget(),
    )
    source_title = fields.Field(
        attribute="source", column_name="source_title", widget=SourceWidget()
    )
    source_published_on = fields.Field(
        attribute="source__published_on",
        column_name="source_published_on",
        readonly=True,
        widget=IsoDateWidget(),
    )


class TroopCountResource(SourcedResource):
    optional_columns = frozenset(
        {
            "troops_low",
            "troops_high",
            "location",
            "standing",
            "standing_changed_on",
            "standing_note",
        }
    )
    nation = nation_field("nation")
    host = nation_field("host")

    class Meta:
        model = TroopCount
        fields = [
            "nation",
            "host",
            "troops",
            "troops_low",
            "troops_high",
            "precision",
            "figure_text",
            "counted_on",
            "location",
            *SOURCE_COLUMNS,
            "excerpt",
            "standing",
            "standing_changed_on",
            "standing_note",
        ]
        import_id_fields = ["nation", "host", "counted_on", "source_title"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class IntentionResource(SourcedResource):
    optional_columns = frozenset(
        {
            "troops_affected_low",
            "troops_affected_high",
            "target_troops",
            "location",
        }
    )
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
            "troops_affected_low",
            "troops_affected_high",
            "target_troops",
            "destination",
            "destination_note",
            "location",
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
