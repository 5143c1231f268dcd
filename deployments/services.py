"""Writes that take several steps, each all-or-nothing in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import Model
from import_export.formats.base_formats import CSV, JSON, XLSX, Format
from import_export.results import Result

from deployments.models import DeployedRecord
from deployments.resources import RESOURCES

FORMATS: dict[str, type[Format]] = {"csv": CSV, "xlsx": XLSX, "json": JSON}
NOT_UTF8 = (
    'The file is not UTF-8 text. In Excel, save it as "CSV UTF-8"; in '
    "LibreOffice, choose the character set Unicode (UTF-8)."
)


@dataclass
class ImportSummary:
    """What an import did, or would do on a dry run, and what was wrong."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def format_for(path: Path, named: str | None = None) -> type[Format]:
    """The file format by name, or else by the file's extension."""
    name = (named or path.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise ValueError(
            f"unknown format {name!r}; use one of: {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[name]


def import_records(
    resource_name: str,
    path: Path,
    *,
    file_format: str | None = None,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    on_row: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import one file of records, validating every row like the API does.

    Nothing is written when any row is wrong, nor on a dry run. Rows that match
    an existing record (by nation codes, source and date or quote) update it, so
    importing the same file twice creates nothing new.
    """
    if resource_name not in RESOURCES:
        raise ValueError(
            f"unknown resource {resource_name!r}; use one of: {', '.join(RESOURCES)}"
        )
    input_format = format_for(path, file_format)()
    mode = "r" if input_format.is_binary() is False else "rb"
    encoding = None if mode == "rb" else "utf-8-sig"
    try:
        with path.open(mode, encoding=encoding) as stream:
            dataset = input_format.create_dataset(stream.read())
    except UnicodeDecodeError:
        raise ValueError(NOT_UTF8) from None

    resource = RESOURCES[resource_name](user=user, on_row=on_row)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    return summarize(result, dry_run=dry_run)


def summarize(result: Result, *, dry_run: bool) -> ImportSummary:
    totals = result.totals
    summary = ImportSummary(
        created=totals["new"],
        updated=totals["update"],
        skipped=totals["skip"],
        dry_run=dry_run,
    )
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            where = "" if field_name == NON_FIELD_ERRORS else f" {field_name}:"
            for message in messages:
                summary.errors.append(f"row {invalid.number}:{where} {message}")
    for error in result.base_errors:
        summary.errors.append(f"file: {error.error}")
    for number, errors in result.row_errors():
        for error in errors:
            summary.errors.append(f"row {number}: {error.error}")
    return summary


def restore_deleted(deletions: Iterable[Any]) -> list[Model]:
    """Bring deleted records back as they were when deleted, with their ids.

    Each is validated first (its nation or source may be gone too); one that
    fails stops the whole restore, so nothing is half done. A count or
    statement goes back into the deployment of its nation and host, which is
    created again if it went meanwhile. The history gains a "created" entry
    for each, by whoever is making the request.
    """
    restored = []
    with transaction.atomic():
        for deletion in deletions:
            record = deletion.instance
            if (
                isinstance(record, DeployedRecord)
                and record.nation_id
                and record.host_id
            ):
                record.resolve_deployment()
            record.full_clean(validate_unique=True)
            record.save(force_insert=True)
            restored.append(record)
    return restored
