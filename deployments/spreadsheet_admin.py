"""Import and export in the admin (django-import-export), bounded and
checked like every other write: see ``SpreadsheetMixin``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ImportForm
from import_export.results import Result

from deployments.services import NOT_UTF8, summarize


class SpreadsheetImportForm(ImportForm):
    """The admin's import form, which says how large a file it takes: a
    preview and a confirm each run in one request and one transaction, so a
    bigger file belongs to ``import_records`` (with a progress bar)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = (
            f"At most {filesizeformat(settings.ADMIN_IMPORT_MAX_BYTES)} and "
            f"{settings.ADMIN_IMPORT_MAX_ROWS:,} rows. Import larger files with "
            "<code>python manage.py import_records</code>. Dates are "
            "YYYY-MM-DD; the first row names the columns."
        )

    def clean_import_file(self) -> Any:
        import_file = self.cleaned_data["import_file"]
        limit = settings.ADMIN_IMPORT_MAX_BYTES
        if import_file.size > limit:
            raise ValidationError(
                f"This file is {filesizeformat(import_file.size)}; the admin "
                f"imports at most {filesizeformat(limit)}. Split it, or import "
                "it with python manage.py import_records."
            )
        return import_file


class SpreadsheetMixin(ImportExportMixin):
    """Import and export in the formats analysts use.

    An import needs ``add_`` or ``change_`` on the model to open; each row then
    needs ``add_`` to create a record and ``change_`` to change one (checked
    by the resource), the same as the API. The confirm step is all or
    nothing too: if anything changed since the preview and a row fails, it
    saves nothing.
    """

    formats = [CSV, XLSX, JSON]
    import_form_class = SpreadsheetImportForm

    def has_import_permission(self, request: HttpRequest) -> bool:
        opts = self.opts  # type: ignore[attr-defined]
        return any(
            request.user.has_perm(
                f"{opts.app_label}.{get_permission_codename(action, opts)}"
            )
            for action in ("add", "change")
        )

    def get_import_resource_kwargs(
        self, request: HttpRequest, **kwargs: Any
    ) -> dict[str, Any]:
        return {"user": request.user, "max_rows": settings.ADMIN_IMPORT_MAX_ROWS}

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The library's confirm step keeps the valid rows of a file with
        # invalid ones; imports here are all rows or none.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            problems = summarize(result, dry_run=False).errors
            shown = "; ".join(problems[:20])
            more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
            self.message_user(  # type: ignore[attr-defined]
                request,
                f"Nothing was imported: {shown}{more}",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(
                    "admin:{}_{}_import".format(*self.get_model_info()),
                    current_app=self.admin_site.name,  # type: ignore[attr-defined]
                )
            )
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form: Any, error: Exception) -> None:
        if isinstance(error, UnicodeDecodeError):
            form.add_error("import_file", NOT_UTF8)
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: QuerySet, **kwargs: Any
    ) -> Any:
        # Spreadsheets read a CSV as UTF-8 (Arabic, Cyrillic names) only
        # when it starts with a byte-order mark; the import accepts either.
        # Never for JSON, which must not have one.
        if isinstance(file_format, CSV):
            kwargs["encoding"] = "utf-8-sig"
        return super().get_export_data(file_format, request, queryset, **kwargs)
