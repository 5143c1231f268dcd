"""Score the extractor on a folder of articles with their recorded facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deployments.intake.articles import ArticleRefused
from deployments.intake.scoring import Score, score_folder


class Command(BaseCommand):
    help = (
        "Propose records from every NAME.txt/.html in FOLDER and score them "
        "against NAME.facts.json: recall, precision and field accuracy, per "
        "file and overall. Fails below the thresholds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--min-recall", type=float, default=0.9)
        parser.add_argument("--min-precision", type=float, default=0.85)
        parser.add_argument("--min-field-accuracy", type=float, default=0.9)
        parser.add_argument(
            "--show-misses",
            action="store_true",
            help="List the facts missed, proposals unmatched and fields wrong.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not folder.is_dir():
            raise CommandError(f"No such folder: {folder}")
        try:
            scores, overall = score_folder(folder)
        except (ArticleRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        if not scores:
            raise CommandError(f"{folder} holds no articles with a .facts.json file.")
        for score in scores:
            self.stdout.write(_line(score))
        self.stdout.write(_line(overall))
        if options["show_misses"]:
            for miss in overall.misses:
                self.stdout.write(f"  {miss}")
        failed = [
            f"{name} {value:.3f} < {minimum}"
            for name, value, minimum in (
                ("recall", overall.recall, options["min_recall"]),
                ("precision", overall.precision, options["min_precision"]),
                (
                    "field accuracy",
                    overall.field_accuracy,
                    options["min_field_accuracy"],
                ),
            )
            if value < minimum
        ]
        if failed:
            raise CommandError("Below the thresholds: " + ", ".join(failed))


def _line(score: Score) -> str:
    return (
        f"{score.name}: recall {score.recall:.3f} "
        f"({score.facts_matched}/{score.facts}), precision {score.precision:.3f} "
        f"({score.proposals_matched}/{score.proposals}), field accuracy "
        f"{score.field_accuracy:.3f} ({score.fields_right}/{score.fields_checked})"
    )
