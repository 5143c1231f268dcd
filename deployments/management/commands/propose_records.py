"""Propose counts and statements from an article file, or from every
article in a folder; save them for review, or only show them."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from deployments.intake.articles import (
    ARTICLE_SUFFIXES,
    ArticleRefused,
    ArticleText,
    read_article_file,
)
from deployments.intake.extractor import propose
from deployments.intake.intake import take_in_article


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Read an article (.txt or .html), or every article in a folder, and "
        "propose the troop counts and statements it reports. Saves the source "
        "and its proposals for review, all or nothing; --dry-run only shows them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, metavar="ARTICLE_FILE_OR_FOLDER")
        parser.add_argument("--title", help="Default: the file's header.")
        parser.add_argument("--publisher", help="Default: the file's header.")
        parser.add_argument(
            "--published-on",
            type=iso_date,
            help="YYYY-MM-DD; relative dates are read from it. Default: the "
            "file's header.",
        )
        parser.add_argument("--url", default=None)
        parser.add_argument("--agency", default="")
        parser.add_argument(
            "--dry-run", action="store_true", help="Propose, but save nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the proposals as JSON."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Hide the progress bar."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.is_dir():
            files = sorted(
                file
                for file in path.iterdir()
                if file.is_file() and file.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not files:
                raise CommandError(f"{path} holds no .txt or .html articles.")
            # Each file's header names its article; options would give every
            # file the same title.
            options = {**options, "title": None, "publisher": None, "url": None}
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"No such file or folder: {path}")
        results = []
        try:
            with transaction.atomic():
                for file in tqdm(
                    files,
                    unit=" articles",
                    disable=options["no_progress"] or len(files) == 1,
                    file=self.stderr,
                ):
                    results.append(self._take(file, options))
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ArticleRefused as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self._report(results, options, single=path.is_file())

    def _take(self, file: Path, options: dict[str, Any]) -> dict[str, Any]:
        try:
            article = read_article_file(file)
        except ArticleRefused as error:
            raise ArticleRefused(f"{file.name}: {error}") from None
        title, publisher, published_on, url = self._header(file, article, options)
        if options["dry_run"]:
            proposals = propose(article.text, published_on)
            return {
                "file": file.name,
                "source": None,
                "proposals": [proposal.as_json() for proposal in proposals],
            }
        try:
            source = take_in_article(
                title,
                publisher,
                published_on,
                article.text,
                url=url,
                agency=options["agency"] or "",
            )
        except (ArticleRefused, ValidationError) as error:
            message = (
                "; ".join(error.messages)
                if isinstance(error, ValidationError)
                else str(error)
            )
            raise ArticleRefused(f"{file.name}: {message}") from None
        return {
            "file": file.name,
            "source": source.pk,
            "proposals": [
                _proposal_json(proposal) for proposal in source.proposals.all()
            ],
        }

    def _header(
        self, file: Path, article: ArticleText, options: dict[str, Any]
    ) -> tuple[str, str, datetime.date, str]:
        title = options["title"] or article.title
        publisher = options["publisher"] or article.publisher
        published_on = options["published_on"] or article.published_on
        url = options["url"] if options["url"] is not None else article.url
        if published_on is None:
            raise ArticleRefused(
                f"{file.name}: say when it was published (--published-on "
                "YYYY-MM-DD); its file does not."
            )
        if not options["dry_run"]:
            missing = [
                option
                for option, value in (("--title", title), ("--publisher", publisher))
                if not value
            ]
            if missing:
                raise ArticleRefused(
                    f"{file.name}: give {' and '.join(missing)}; its file does not say."
                )
        return title, publisher, published_on, url

    def _report(
        self, results: list[dict[str, Any]], options: dict[str, Any], single: bool
    ) -> None:
        if options["json"]:
            if single:
                document: dict[str, Any] = {"proposals": results[0]["proposals"]}
                if results[0]["source"] is not None:
                    document["source"] = results[0]["source"]
            else:
                document = {"articles": results}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
            return
        for result in results:
            where = (
                "not saved (dry run)"
                if result["source"] is None
                else f"saved as source {result['source']}"
            )
            self.stdout.write(
                f"{result['file']}: {len(result['proposals'])} proposals, {where}"
            )
            for proposal in result["proposals"]:
                what = proposal["stance"] or _figure(proposal)
                self.stdout.write(
                    f"  {proposal['kind']:<11} {proposal['nation']:<5} in "
                    f"{proposal['host'] or '?':<4} {what}  "
                    f"[{proposal['start']}:{proposal['end']}]"
                )


def _figure(proposal: dict[str, Any]) -> str:
    if proposal["troops"] is not None:
        return f"{proposal['troops']:,} ({proposal['precision']})"
    if proposal["troops_low"] is not None or proposal["troops_high"] is not None:
        return f"{proposal['troops_low']}–{proposal['troops_high']}"
    return proposal["precision"]


def _proposal_json(proposal: Any) -> dict[str, Any]:
    from deployments.models.proposal import EDITABLE_FIELDS

    values = {name: getattr(proposal, name) for name in EDITABLE_FIELDS}
    values.update(
        id=proposal.pk,
        kind=proposal.kind,
        host_from=proposal.host_from,
        start=proposal.start,
        end=proposal.end,
        extractor=proposal.extractor,
        stance=proposal.stance or None,
        destination=proposal.destination or None,
        stated_on=proposal.stated_on.isoformat() if proposal.stated_on else None,
    )
    return values
