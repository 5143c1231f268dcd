"""Proposals: the counts and statements the extractor read in an article,
waiting for an analyst to accept, correct or reject them.

A proposal is never part of the status. Accepting one writes the real troop
count or statement through the model's own validation, versioning and
history, in one transaction with the proposal's new state; the proposal keeps
what the extractor said, and the record what the analyst accepted, so the
extractor's precision and recall can be measured on real use (rejected
proposals and the records analysts made of sentences it missed are kept).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from deployments.models.base import (
    MAX_QUOTE_LENGTH,
    VersionedModel,
    troop_number,
    validate_nation_code,
)
from deployments.models.intention import Intention, Stance
from deployments.models.nation import Nation
from deployments.models.source import Source
from deployments.models.text import validate_text
from deployments.models.troop_count import Precision, TroopCount, format_troops


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def pending(self) -> ProposalQuerySet:
        return self.filter(state=Proposal.State.PENDING)

    def in_text_order(self) -> ProposalQuerySet:
        return self.order_by("start", "id")

    def review_figures(self) -> dict[str, Any]:
        """How the extractor fares in real use, over these proposals: of what
        it proposed and analysts reviewed, the share accepted (precision); of
        the records accepted from articles, the share it had proposed rather
        than an analyst adding them by hand (recall)."""
        counts = self.aggregate(
            accepted=models.Count(
                "id",
                filter=Q(
                    origin=Proposal.Origin.EXTRACTOR, state=Proposal.State.ACCEPTED
                ),
            ),
            rejected=models.Count(
                "id",
                filter=Q(
                    origin=Proposal.Origin.EXTRACTOR, state=Proposal.State.REJECTED
                ),
            ),
            pending=models.Count("id", filter=Q(state=Proposal.State.PENDING)),
            by_hand=models.Count("id", filter=Q(origin=Proposal.Origin.REVIEWER)),
        )
        reviewed = counts["accepted"] + counts["rejected"]
        found = counts["accepted"] + counts["by_hand"]
        return {
            **counts,
            "precision": counts["accepted"] / reviewed if reviewed else None,
            "recall": counts["accepted"] / found if found else None,
        }


class Proposal(VersionedModel):
    """A troop count or statement proposed from a sentence of an article."""

    class Kind(models.TextChoices):
        TROOP_COUNT = "troop_count", "Troop count"
        INTENTION = "intention", "Statement"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class Origin(models.TextChoices):
        EXTRACTOR = "extractor", "Extractor"
        REVIEWER = "reviewer", "Added by a reviewer"

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(max_length=12, choices=Kind)
    origin = models.CharField(
        max_length=10,
        choices=Origin,
        default=Origin.EXTRACTOR,
        help_text="The extractor, or a reviewer who selected a sentence it missed.",
    )
    extractor = models.CharField(
        max_length=20,
        blank=True,
        help_text="The extractor version that made the proposal.",
    )
    # Codes, not links: the extractor proposes nations the tracker may not
    # hold yet; accepting creates them from the gazetteer.
    nation = models.CharField(max_length=8, validators=[validate_nation_code])
    host = models.CharField(
        max_length=8,
        blank=True,
        validators=[validate_nation_code],
        help_text="Empty when neither the sentence nor the article says: the "
        "reviewer chooses.",
    )
    host_from = models.CharField(
        max_length=10,
        blank=True,
        help_text="Where the host was found: the sentence, or the article's "
        "context (the country most of its deployments are in).",
    )
    troops = troop_number()
    troops_low = troop_number()
    troops_high = troop_number()
    precision = models.CharField(max_length=12, choices=Precision)
    figure_text = models.CharField(max_length=100, blank=True)
    stance = models.CharField(max_length=20, choices=Stance, blank=True)
    temporary = models.BooleanField(default=False)
    troops_affected = troop_number()
    destination = models.CharField(
        max_length=8, blank=True, validators=[validate_nation_code]
    )
    target_troops = troop_number()
    location = models.CharField(max_length=200, blank=True)
    speaker = models.CharField(max_length=200, blank=True)
    speaker_role = models.CharField(max_length=200, blank=True)
    stated_on = models.DateField(null=True, blank=True)
    quote = models.TextField(validators=[validate_text])
    start = models.PositiveIntegerField(
        help_text="Where the quote starts in the source's text, in characters."
    )
    end = models.PositiveIntegerField(
        help_text="Where the quote ends in the source's text (exclusive)."
    )
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    rejected_because = models.CharField(
        max_length=500, blank=True, validators=[validate_text]
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # What accepting it made. Deleting that record later leaves the proposal
    # accepted, with the link emptied.
    troop_count = models.OneToOneField(
        TroopCount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )
    intention = models.OneToOneField(
        Intention,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["source", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["troop_count", "intention"]),
                name="proposal_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "accepted", "rejected"]),
                name="proposal_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=["extractor", "reviewer"]),
                name="proposal_origin_valid",
            ),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="proposal_span_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejected_because=""),
                name="proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(troop_count__isnull=True)
                | Q(kind="troop_count", state="accepted"),
                name="proposal_count_only_when_accepted",
            ),
            models.CheckConstraint(
                condition=Q(intention__isnull=True)
                | Q(kind="intention", state="accepted"),
                name="proposal_statement_only_when_accepted",
            ),
        ]
        indexes = [models.Index(fields=["state", "source"], name="proposal_state_idx")]

    def __str__(self) -> str:
        host = self.host or "?"
        if self.kind == self.Kind.TROOP_COUNT:
            what = format_troops(
                self.troops, self.precision, self.troops_low, self.troops_high
            )
        else:
            what = self.get_stance_display() or "statement"
        return f"{self.nation} in {host}: {what}"

    @property
    def record(self) -> TroopCount | Intention | None:
        return (
            self.troop_count if self.kind == self.Kind.TROOP_COUNT else self.intention
        )

    def clean(self) -> None:
        super().clean()
        text = self.source.text if self.source_id else ""
        if self.quote and text[self.start : self.end] != self.quote:
            raise ValidationError(
                {"quote": "The quote is not at its place in the article's text."}
            )

    def accept(
        self, user: Any = None, changes: dict[str, Any] | None = None
    ) -> TroopCount | Intention:
        """Write the record this proposes, with the reviewer's ``changes``
        (field values, nations by code, a quote that must be words of the
        article), through the record's own validation; mark the proposal
        accepted. All or nothing: a broken rule raises ValidationError naming
        the field, and nothing is written."""
        if self.state != self.State.PENDING:
            raise ValidationError(
                f"This proposal was {self.get_state_display().lower()} already."
            )
        values = {**self.values(), **(changes or {})}
        with transaction.atomic():
            record = self._record_from(values)
            record._change_reason = (  # type: ignore[attr-defined]
                f"Accepted from proposal {self.pk}"
                + (f" (extractor {self.extractor})" if self.extractor else "")
            )
            record.save()
            if self.kind == self.Kind.TROOP_COUNT:
                self.troop_count = record
            else:
                self.intention = record
            self.state = self.State.ACCEPTED
            self.reviewed_by = user if getattr(user, "pk", None) else None
            self.reviewed_at = timezone.now()
            self.save()
        return record

    @classmethod
    def record_missed(
        cls, source: Source, kind: str, values: dict[str, Any], user: Any = None
    ) -> TroopCount | Intention:
        """A record of a sentence the extractor missed, kept as a reviewer's
        proposal (so recall can be measured) and accepted at once; nothing is
        kept when the record breaks a rule."""
        quote = locate_quote(source.text, values.get("quote") or "")
        start = source.text.index(quote)
        fields = {name: values[name] for name in EDITABLE_FIELDS if name in values}
        for name in ("nation", "host", "destination"):
            fields[name] = (fields.get(name) or "").strip().upper()
        with transaction.atomic():
            proposal = cls(
                source=source,
                kind=kind,
                origin=cls.Origin.REVIEWER,
                **{
                    **fields,
                    "quote": quote,
                    "stance": fields.get("stance") or "",
                    "precision": fields.get("precision") or Precision.UNKNOWN,
                },
                start=start,
                end=start + len(quote),
            )
            proposal.save()
            return proposal.accept(user)

    def reject(self, user: Any = None, because: str = "") -> None:
        """Set the proposal aside, with the reason (required)."""
        if self.state != self.State.PENDING:
            raise ValidationError(
                f"This proposal was {self.get_state_display().lower()} already."
            )
        because = (because or "").strip()
        if not because:
            raise ValidationError({"rejected_because": "Say why it is rejected."})
        validate_text(because)
        self.state = self.State.REJECTED
        self.rejected_because = because[:500]
        self.reviewed_by = user if getattr(user, "pk", None) else None
        self.reviewed_at = timezone.now()
        self.save()

    def values(self) -> dict[str, Any]:
        """The proposal's fields as a reviewer edits them."""
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}

    def _record_from(self, values: dict[str, Any]) -> TroopCount | Intention:
        source = self.source
        quote = locate_quote(source.text, values.get("quote") or "")
        errors: dict[str, str] = {}
        nations: dict[str, Nation | None] = {}
        for name in ("nation", "host", "destination"):
            code = (values.get(name) or "").strip().upper()
            if not code:
                nations[name] = None
                continue
            try:
                nations[name] = nation_for(code)
            except ValidationError as error:
                errors[name] = error.messages[0]
        if not errors and nations["host"] is None:
            errors["host"] = (
                "The article does not say where these troops are: choose the host."
            )
        if errors:
            raise ValidationError(errors)
        said_on: datetime.date | None = values.get("stated_on")
        if said_on is not None and said_on > source.published_on:
            said_on = None
        if self.kind == self.Kind.TROOP_COUNT:
            record: TroopCount | Intention = TroopCount(
                nation=nations["nation"],
                host=nations["host"],
                # A range's figure is filled by the record's own clean().
                troops=values.get("troops"),
                troops_low=values.get("troops_low"),
                troops_high=values.get("troops_high"),
                precision=values.get("precision") or Precision.UNKNOWN,
                figure_text=(values.get("figure_text") or "")[:100],
                counted_on=said_on or source.published_on,
                location=values.get("location") or "",
                source=source,
                excerpt=quote,
            )
        else:
            nation = nations["nation"]
            record = Intention(
                nation=nation,
                host=nations["host"],
                stance=values.get("stance") or "",
                temporary=bool(values.get("temporary")),
                troops_affected=values.get("troops_affected"),
                troops_affected_low=values.get("troops_low"),
                troops_affected_high=values.get("troops_high"),
                destination=nations["destination"],
                target_troops=values.get("target_troops"),
                location=values.get("location") or "",
                # A statement without a named speaker is the government's.
                speaker=values.get("speaker") or (nation.name if nation else ""),
                speaker_role=values.get("speaker_role") or "",
                stated_on=said_on,
                reported_on=source.published_on,
                quote=quote,
                source=source,
            )
        record.full_clean()
        return record


# What a reviewer may change before accepting; nations by code.
EDITABLE_FIELDS = [
    "nation",
    "host",
    "troops",
    "troops_low",
    "troops_high",
    "precision",
    "figure_text",
    "stance",
    "temporary",
    "troops_affected",
    "destination",
    "target_troops",
    "location",
    "speaker",
    "speaker_role",
    "stated_on",
    "quote",
]


def locate_quote(text: str, quote: str) -> str:
    """``quote`` as it stands in ``text`` (surrounding space dropped), or a
    ValidationError: every record's words must be the article's own."""
    quote = quote.strip()
    if not quote:
        raise ValidationError({"quote": "Give the sentence the record is taken from."})
    if len(quote) > MAX_QUOTE_LENGTH:
        raise ValidationError(
            {
                "quote": f"The quote is {len(quote):,} characters; records keep at "
                f"most {MAX_QUOTE_LENGTH}: shorten it to the words that carry "
                "the figure or statement."
            }
        )
    if quote not in text:
        raise ValidationError({"quote": "These words are not in the article's text."})
    return quote


def nation_for(code: str) -> Nation:
    """The tracker's nation with ``code``, created from the gazetteer's name
    and kind when the tracker does not hold it yet."""
    from deployments.intake.gazetteer import known_nation

    nation = Nation.objects.filter(code=code).first()
    if nation is not None:
        return nation
    known = known_nation(code)
    if known is None:
        raise ValidationError(
            f"{code} is neither in the tracker nor in the gazetteer of nations."
        )
    nation = Nation(code=code, name=known.name, kind=known.kind)
    nation.full_clean()
    nation.save()
    return nation
