"""Scoring proposals against the facts an analyst recorded, as the
development set's README says.

A proposal matches a fact when the kind, the nation and the host agree (any
host when the fact's is null) and the proposal's span overlaps the fact's
quote in the body. Each proposal matches at most one fact: the one whose
fields it gets most right. Recall counts the non-optional facts matched;
precision the proposals that match any fact, optional ones included. Field
accuracy is over the matches: troops, precision, and for statements the
stance and destination.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deployments.intake.articles import read_article_file
from deployments.intake.extractor import ProposedRecord, propose

KINDS = {"count": "troop_count", "statement": "intention"}


@dataclass
class Score:
    """Matches and checks over one file, or summed over many."""

    name: str
    facts: int = 0
    facts_matched: int = 0
    proposals: int = 0
    proposals_matched: int = 0
    fields_checked: int = 0
    fields_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.facts_matched / self.facts if self.facts else 1.0

    @property
    def precision(self) -> float:
        return self.proposals_matched / self.proposals if self.proposals else 1.0

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields_checked if self.fields_checked else 1.0

    def add(self, other: Score) -> None:
        self.facts += other.facts
        self.facts_matched += other.facts_matched
        self.proposals += other.proposals
        self.proposals_matched += other.proposals_matched
        self.fields_checked += other.fields_checked
        self.fields_right += other.fields_right
        self.misses.extend(f"{other.name}: {miss}" for miss in other.misses)


def quote_span(body: str, quote: str) -> tuple[int, int] | None:
    start = body.find(quote)
    return (start, start + len(quote)) if start >= 0 else None


def matches(proposal: ProposedRecord, fact: dict[str, Any], body: str) -> bool:
    if KINDS.get(fact["kind"]) != proposal.kind or fact["nation"] != proposal.nation:
        return False
    if fact.get("host") is not None and fact["host"] != proposal.host:
        return False
    span = quote_span(body, fact["quote"])
    return span is not None and proposal.start < span[1] and span[0] < proposal.end


def field_checks(proposal: ProposedRecord, fact: dict[str, Any]) -> dict[str, bool]:
    """Each checked field of a matched proposal: right or not."""
    checks = {
        "troops": troops_right(proposal, fact),
        "precision": proposal.precision == fact.get("precision"),
    }
    if fact["kind"] == "statement":
        stances = [fact.get("stance"), *(fact.get("stance_alt") or [])]
        checks["stance"] = (proposal.stance or None) in stances
        destination = fact.get("destination")
        allowed = destination if isinstance(destination, list) else [destination]
        checks["destination"] = (proposal.destination or None) in allowed
    return checks


def troops_right(proposal: ProposedRecord, fact: dict[str, Any]) -> bool:
    """Equal, or the proposal's low and high are the fact's range, or its
    figure is within that range."""
    expected = fact.get("troops")
    span = fact.get("troops_range")
    if span:
        low, high = span
        if (proposal.troops_low, proposal.troops_high) == (low, high):
            return True
        return proposal.troops is not None and low <= proposal.troops <= high
    return proposal.troops == expected


def score_article(
    name: str, body: str, facts: list[dict[str, Any]], proposals: list[ProposedRecord]
) -> Score:
    score = Score(name, proposals=len(proposals))
    matched_facts: set[int] = set()
    for proposal in proposals:
        best: tuple[int, int] | None = None
        for index, fact in enumerate(facts):
            if not matches(proposal, fact, body):
                continue
            right = sum(field_checks(proposal, fact).values())
            # Among equally right facts, one not yet matched.
            rank = (right, index not in matched_facts)
            if best is None or rank > (best[0], best[1] not in matched_facts):
                best = (right, index)
        if best is None:
            score.misses.append(
                f"proposed {proposal.kind} {proposal.nation}/{proposal.host or '?'} "
                f"not in the facts: {proposal.quote[:80]!r}"
            )
            continue
        fact = facts[best[1]]
        matched_facts.add(best[1])
        score.proposals_matched += 1
        checks = field_checks(proposal, fact)
        score.fields_checked += len(checks)
        score.fields_right += sum(checks.values())
        for name_of_field, right in checks.items():
            if not right:
                score.misses.append(
                    f"{name_of_field} of {fact['kind']} {fact['nation']}: proposed "
                    f"{_proposed_value(proposal, name_of_field)!r}, fact "
                    f"{fact.get(name_of_field)!r}: {fact['quote'][:60]!r}"
                )
    for index, fact in enumerate(facts):
        if fact.get("optional"):
            continue
        score.facts += 1
        if index in matched_facts:
            score.facts_matched += 1
        else:
            score.misses.append(
                f"missed {fact['kind']} {fact['nation']}/{fact.get('host')}: "
                f"{fact['quote'][:80]!r}"
            )
    return score


def _proposed_value(proposal: ProposedRecord, name: str) -> Any:
    if name == "troops":
        return (proposal.troops, proposal.troops_low, proposal.troops_high)
    return getattr(proposal, name) or None


def score_folder(folder: str | Path) -> tuple[list[Score], Score]:
    """A score for every article with a facts file in ``folder``, and the
    scores summed."""
    folder = Path(folder)
    scores = []
    overall = Score("overall")
    for facts_file in sorted(folder.glob("*.facts.json")):
        name = facts_file.name.removesuffix(".facts.json")
        article_file = next(
            (
                folder / f"{name}{suffix}"
                for suffix in (".txt", ".html")
                if (folder / f"{name}{suffix}").exists()
            ),
            None,
        )
        if article_file is None:
            continue
        article = read_article_file(article_file)
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        published_on = article.published_on
        if published_on is None:
            raise ValueError(f"{article_file.name} does not say when it was published.")
        score = score_article(
            name, article.text, facts, propose(article.text, published_on)
        )
        scores.append(score)
        overall.add(score)
    return scores, overall
