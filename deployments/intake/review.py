"""The review of one article: its text cut where proposals' sentences start
and end (to highlight them), and an analyst's decisions applied one by one,
each in its own transaction, so one broken rule leaves the others standing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from deployments.models import Proposal


@dataclass(frozen=True)
class Segment:
    """A stretch of the text and the proposals whose sentence covers it."""

    text: str
    proposals: tuple[int, ...] = ()

    @property
    def first(self) -> int | None:
        return self.proposals[0] if self.proposals else None


def segments(text: str, proposals: Iterable[Proposal]) -> list[Segment]:
    """``text`` in pieces, each marked with the proposals quoting it."""
    spans = [(p.start, p.end, p.pk) for p in proposals if 0 <= p.start < p.end]
    cuts = sorted({0, len(text), *(cut for s, e, _ in spans for cut in (s, e))})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= len(text):
            break
        covering = tuple(pk for s, e, pk in spans if s <= start and end <= e)
        pieces.append(Segment(text[start:end], covering))
    return pieces


@dataclass
class Outcome:
    accepted: int = 0
    rejected: int = 0
    # Proposal id → the rules it broke, as messages naming the field.
    refused: dict[int, list[str]] = field(default_factory=dict)


def apply_decisions(
    decisions: Iterable[tuple[Proposal, str, dict[str, Any], str]], user: Any
) -> Outcome:
    """Accept (with the changes) or reject (with the reason) each proposal;
    ``decisions`` are ``(proposal, "accept" | "reject", changes, because)``."""
    outcome = Outcome()
    for proposal, decision, changes, because in decisions:
        try:
            if decision == "accept":
                proposal.accept(user, changes)
                outcome.accepted += 1
            elif decision == "reject":
                proposal.reject(user, because)
                outcome.rejected += 1
        except ValidationError as error:
            outcome.refused[proposal.pk] = _messages(error)
            proposal.refresh_from_db()
    return outcome


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name.replace('_', ' ')}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)
