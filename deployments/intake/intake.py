"""Taking an article in: its source and the extractor's proposals, saved
together or not at all. The command, the API and the admin call this."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from deployments.intake.articles import (
    ArticleRefused,
    check_article_text,
    existing_source,
)
from deployments.intake.extractor import ProposedRecord, propose
from deployments.models import Proposal, Source


def take_in_article(
    title: str,
    publisher: str,
    published_on: datetime.date,
    text: str,
    url: str = "",
    agency: str = "",
) -> Source:
    """Save the article as a source with its text and a pending proposal for
    every count and statement the extractor reads in it. Refuses (with
    ArticleRefused) a text it cannot read and an article already entered,
    naming that source; a rule of the models broken raises ValidationError.
    Nothing is saved unless everything is."""
    check_article_text(text)
    duplicate = existing_source(title, publisher, published_on)
    if duplicate is not None:
        raise ArticleRefused(
            f"This article was entered already, as source {duplicate.pk} "
            f"({duplicate}).",
            existing=duplicate,
        )
    proposed = propose(text, published_on)
    with transaction.atomic():
        source = Source(
            title=title.strip(),
            publisher=publisher.strip(),
            published_on=published_on,
            url=url.strip(),
            agency=agency.strip(),
            text=text,
        )
        source.full_clean()
        source.save()
        proposals = []
        for record in proposed:
            proposal = Proposal(source=source, **_fields(record))
            try:
                proposal.full_clean(exclude=["source"])
            except ValidationError:
                # A proposal the models refuse (a quote too long for a
                # record, a figure beyond the limits) is not worth a review.
                continue
            proposals.append(proposal)
        Proposal.objects.bulk_create(proposals)
    return source


def _fields(record: ProposedRecord) -> dict[str, object]:
    return {**dataclasses.asdict(record), "origin": Proposal.Origin.EXTRACTOR}
