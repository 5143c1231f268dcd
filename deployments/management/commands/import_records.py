"""Import a CSV, XLSX or JSON file of records from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from deployments.resources import RESOURCES
from deployments.services import FORMATS, import_records


class Command(BaseCommand):
    help = (
        "Import records from a CSV, XLSX or JSON file, all rows or none. "
        "Import nations and sources before the counts and intentions citing them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resource", choices=list(RESOURCES))
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            help="File format (default: from the file's extension).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate every row and report, but write nothing.",
        )
        parser.add_argument(
            "--user", help="Username the change history records as the author."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bar."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user named {options['user']!r}") from None

        with tqdm(
            desc=f"{options['resource']} rows",
            unit=" rows",
            disable=options["no_progress"],
            file=self.stderr,
        ) as progress:
            try:
                summary = import_records(
                    options["resource"],
                    path,
                    file_format=options["format"],
                    dry_run=options["dry_run"],
                    user=user,
                    on_row=progress.update,
                )
            except ValueError as error:
                raise CommandError(str(error)) from None

        if not summary.ok:
            for error in summary.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(summary.errors)} problem(s); nothing was saved. "
                "Fix the rows above and import again."
            )
        counts = (
            f"{summary.created} created, {summary.updated} updated, "
            f"{summary.skipped} unchanged"
        )
        if summary.dry_run:
            self.stdout.write(f"Dry run, nothing saved. It would give: {counts}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {counts}."))
