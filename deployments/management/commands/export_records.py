"""Export records as CSV, XLSX or JSON, ready to import elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from import_export.formats.base_formats import CSV, XLSX

from deployments.resources import RESOURCES
from deployments.services import FORMATS


class Command(BaseCommand):
    help = "Export every record of one kind to a file (or standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resource", choices=list(RESOURCES))
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument(
            "--output", type=Path, help="File to write (default: standard output)."
        )
        parser.add_argument(
            "--bom",
            action="store_true",
            help="Start a CSV with a UTF-8 byte-order mark, so that spreadsheets "
            "read non-Latin text correctly (import_records accepts either).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output_format = FORMATS[options["format"]]()
        if options["bom"] and not isinstance(output_format, CSV):
            raise CommandError("--bom is for CSV only.")
        # XLSX cells keep their types (numbers, dates, booleans), as the
        # admin's export writes them.
        dataset = RESOURCES[options["resource"]]().export(
            force_native_type=isinstance(output_format, XLSX)
        )
        exported = output_format.export_data(dataset)
        if options["bom"]:
            exported = "\ufeff" + exported
        if options["output"] is None:
            self.stdout.write(exported, ending="")
        elif isinstance(exported, bytes):
            options["output"].write_bytes(exported)
        else:
            options["output"].write_text(exported, encoding="utf-8")
