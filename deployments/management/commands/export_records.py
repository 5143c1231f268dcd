"""Export records as CSV, XLSX or JSON, ready to import elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

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

    def handle(self, *args: Any, **options: Any) -> None:
        output_format = FORMATS[options["format"]]()
        dataset = RESOURCES[options["resource"]]().export()
        exported = output_format.export_data(dataset)
        if options["output"] is None:
            self.stdout.write(exported, ending="")
        elif isinstance(exported, bytes):
            options["output"].write_bytes(exported)
        else:
            options["output"].write_text(exported, encoding="utf-8")
