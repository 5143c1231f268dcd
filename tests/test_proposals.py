"""Proposals wait for an analyst: accepting one writes the real record through
the same rules as any other write; rejecting one keeps it, with the reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from deployments.models import (
    Intention,
    Nation,
    Precision,
    Proposal,
    Stance,
    TroopCount,
)
from deployments.status import current_status
from tests.factories import NationFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Canada will move some of its 500 troops from Iraq to Kuwait, officials said. "
    "Denmark has about 130 soldiers at Ain al-Asad."
)
CANADA = TEXT.index("Canada")
DENMARK = TEXT.index("Denmark")


@pytest.fixture
def source():
    NationFactory(code="CAN", name="Canada")
    NationFactory(code="IRQ", name="Iraq")
    NationFactory(code="KWT", name="Kuwait")
    return SourceFactory(text=TEXT)


def proposal(source, **fields) -> Proposal:
    sentence_start, sentence_end = (
        (DENMARK, len(TEXT)) if fields.get("nation") == "DNK" else (CANADA, DENMARK - 1)
    )
    defaults = {
        "kind": Proposal.Kind.INTENTION,
        "nation": "CAN",
        "host": "IRQ",
        "stance": Stance.REPOSITIONING,
        "destination": "KWT",
        "precision": Precision.UNKNOWN,
        "quote": TEXT[sentence_start:sentence_end],
        "start": sentence_start,
        "end": sentence_end,
        "extractor": "1.0",
    }
    return Proposal.objects.create(source=source, **(defaults | fields))


def test_nothing_reaches_the_status_until_accepted(source) -> None:
    proposal(source)
    assert list(current_status()) == []


def test_accepting_writes_the_statement_and_links_it(source, editor) -> None:
    statement = proposal(source).accept(editor)
    assert isinstance(statement, Intention)
    assert (statement.nation.code, statement.host.code) == ("CAN", "IRQ")
    assert statement.destination.code == "KWT"
    # No speaker named: the government's own statement.
    assert statement.speaker == "Canada"
    accepted = Proposal.objects.get()
    assert (accepted.state, accepted.intention, accepted.reviewed_by) == (
        Proposal.State.ACCEPTED,
        statement,
        editor,
    )
    (row,) = current_status()
    assert row.stance == Stance.REPOSITIONING


def test_accepting_records_which_proposal_and_extractor_made_it(source) -> None:
    statement = proposal(source).accept()
    reason = statement.history.latest().history_change_reason
    assert (
        reason == f"Accepted from proposal {Proposal.objects.get().pk} (extractor 1.0)"
    )


def test_accepting_a_nation_the_tracker_lacks_creates_it_from_the_gazetteer(
    source,
) -> None:
    count = proposal(
        source,
        kind=Proposal.Kind.TROOP_COUNT,
        nation="DNK",
        stance="",
        destination="",
        troops=130,
        precision=Precision.APPROXIMATE,
        figure_text="about 130",
        location="Ain al-Asad",
    ).accept()
    assert isinstance(count, TroopCount)
    denmark = Nation.objects.get(code="DNK")
    assert (denmark.name, denmark.kind) == ("Denmark", Nation.Kind.STATE)
    assert (count.troops, count.location) == (130, "Ain al-Asad")
    assert count.counted_on == source.published_on


def test_the_reviewers_changes_are_applied_before_the_rules(source) -> None:
    statement = proposal(source).accept(changes={"stance": Stance.PARTIAL_WITHDRAWAL})
    assert statement.stance == Stance.PARTIAL_WITHDRAWAL


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"destination": "IRQ"}, "destination", "host"),
        ({"host": ""}, "host", "choose the host"),
        ({"nation": "XXX"}, "nation", "gazetteer"),
        ({"quote": "Words nobody wrote."}, "quote", "not in the article"),
    ],
)
def test_a_broken_rule_is_refused_by_name_and_writes_nothing(
    source, changes, field, words
) -> None:
    pending = proposal(source)
    with pytest.raises(ValidationError) as refused:
        pending.accept(changes=changes)
    assert words in " ".join(refused.value.message_dict[field])
    pending.refresh_from_db()
    assert pending.state == Proposal.State.PENDING
    assert not Intention.objects.exists()
    assert not Nation.objects.filter(code="XXX").exists()


def test_a_duplicate_quote_is_refused_and_the_others_are_unaffected(source) -> None:
    first, second = proposal(source), proposal(source)
    other = proposal(
        source,
        kind=Proposal.Kind.TROOP_COUNT,
        nation="DNK",
        stance="",
        destination="",
        troops=130,
        precision=Precision.APPROXIMATE,
    )
    first.accept()
    with pytest.raises(ValidationError):
        second.accept()
    other.accept()
    assert Intention.objects.count() == 1
    assert TroopCount.objects.count() == 1
    second.refresh_from_db()
    assert second.state == Proposal.State.PENDING


def test_a_proposal_is_reviewed_once(source) -> None:
    accepted = proposal(source)
    accepted.accept()
    with pytest.raises(ValidationError, match="accepted already"):
        accepted.accept()
    with pytest.raises(ValidationError, match="accepted already"):
        accepted.reject(because="Not about troops")


def test_rejecting_needs_a_reason_and_keeps_the_proposal(source, editor) -> None:
    pending = proposal(source)
    with pytest.raises(ValidationError):
        pending.reject(editor, because="  ")
    pending.refresh_from_db()
    assert pending.state == Proposal.State.PENDING
    pending.reject(editor, because="Counts missiles, not troops")
    pending.refresh_from_db()
    assert (pending.state, pending.rejected_because) == (
        Proposal.State.REJECTED,
        "Counts missiles, not troops",
    )


def test_a_quote_must_stand_where_the_proposal_says(source) -> None:
    misplaced = Proposal(
        source=source,
        kind=Proposal.Kind.INTENTION,
        nation="CAN",
        precision=Precision.UNKNOWN,
        quote="Canada",
        start=5,
        end=11,
    )
    with pytest.raises(ValidationError, match="not at its place"):
        misplaced.full_clean()


def test_review_figures_measure_the_extractor_in_real_use(source) -> None:
    proposal(source).accept()
    proposal(source, nation="DNK", kind=Proposal.Kind.TROOP_COUNT).reject(
        because="Wrong sentence"
    )
    proposal(source, origin=Proposal.Origin.REVIEWER, stance=Stance.STAYING)
    figures = Proposal.objects.review_figures()
    assert (figures["accepted"], figures["rejected"], figures["by_hand"]) == (1, 1, 1)
    assert figures["precision"] == 0.5
    assert figures["recall"] == 0.5
