"""In the admin an analyst adds an article on a page of its own and reviews
its proposals on one screen: accept, edit then accept, reject with a reason,
or make a record of a sentence the extractor missed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deployments.models import Intention, Proposal, Source, Stance, TroopCount
from deployments.status import current_status
from tests.conftest import user_with_permissions

pytestmark = pytest.mark.django_db

ADD = reverse("admin:deployments_source_add_article")
TEXT = (
    "Canada has 500 troops in Iraq, the defence ministry said. "
    "The weather in Baghdad was mild."
)
MISSED = "The weather in Baghdad was mild."


def details(**overrides: object) -> dict[str, object]:
    return {
        "title": "Canada's troops",
        "publisher": "Test Wire",
        "published_on": "2020-01-08",
        "url": "",
        "agency": "",
        "text": TEXT,
    } | overrides


def review(source: Source) -> str:
    return reverse("admin:deployments_source_review", args=[source.pk])


def row_data(proposals: list[Proposal], **decisions: dict) -> dict[str, object]:
    """The review form as the page sends it, with ``decisions`` by row."""
    data: dict[str, object] = {
        "p-TOTAL_FORMS": str(len(proposals)),
        "p-INITIAL_FORMS": str(len(proposals)),
    }
    for index, proposal in enumerate(proposals):
        values = {**proposal.values(), "proposal": proposal.pk, "decision": "keep"}
        values |= decisions.get(f"row{index}", {})
        for name, value in values.items():
            if value is None or value is False:
                continue
            data[f"p-{index}-{name}"] = "on" if value is True else str(value)
    return data


@pytest.fixture
def entered(admin_client: Client) -> Source:
    response = admin_client.post(ADD, details())
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review(source)
    return source


def test_the_source_list_offers_add_article(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:deployments_source_changelist"))
    assert f'href="{ADD}"' in page.text


def test_adding_an_article_keeps_its_text_and_proposes_records(
    entered: Source,
) -> None:
    assert entered.text == TEXT
    proposed = entered.proposals.get(kind="troop_count", nation="CAN")
    assert (proposed.host, proposed.troops) == ("IRQ", 500)
    assert list(current_status()) == []


def test_an_html_file_gives_its_text_without_scripts(admin_client: Client) -> None:
    page = (
        "<html><head><script>alert('x')</script></head><body><article><p>"
        + TEXT
        + "</p></article></body></html>"
    )
    upload = SimpleUploadedFile("report.html", page.encode(), "text/html")
    response = admin_client.post(ADD, details(text="", file=upload))
    assert response.status_code == 302
    text = Source.objects.get().text
    assert "Canada has 500 troops in Iraq" in text
    assert "alert" not in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "  \n "}, "is empty"),
        (
            {"text": "Die Bundeswehr bleibt mit 130 Soldaten im Irak, sagte sie."},
            "only English",
        ),
        (
            {
                "text": "",
                "file": SimpleUploadedFile("x.txt", b"\x00\x01binary", "text/plain"),
            },
            "binary",
        ),
        (
            {"text": "", "file": SimpleUploadedFile("x.pdf", b"%PDF", "text/plain")},
            ".txt or .html",
        ),
    ],
)
def test_bad_input_is_answered_on_the_page_and_saves_nothing(
    admin_client: Client, overrides: dict, message: str
) -> None:
    response = admin_client.post(ADD, details(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Source.objects.exists()


def test_an_article_entered_before_links_to_it(
    admin_client: Client, entered: Source
) -> None:
    response = admin_client.post(ADD, details(title="CANADA'S TROOPS"))
    assert response.status_code == 200
    assert f'href="{review(entered)}"' in response.text
    assert Source.objects.count() == 1


def test_the_review_highlights_each_proposals_sentence(
    admin_client: Client, entered: Source
) -> None:
    proposed = entered.proposals.get(kind="troop_count", nation="CAN")
    page = admin_client.get(review(entered))
    assert page.status_code == 200
    assert f'<mark id="q-{proposed.pk}"' in page.text
    assert f'href="#q-{proposed.pk}"' in page.text


def test_edit_then_accept_writes_the_corrected_record(
    admin_client: Client, entered: Source
) -> None:
    proposals = list(entered.proposals.in_text_order())
    index = next(i for i, p in enumerate(proposals) if p.kind == "troop_count")
    response = admin_client.post(
        review(entered),
        row_data(proposals, **{f"row{index}": {"decision": "accept", "troops": 450}}),
    )
    assert response.status_code == 302
    count = TroopCount.objects.get()
    assert (count.nation.code, count.troops) == ("CAN", 450)
    assert proposals[index].__class__.objects.get(pk=proposals[index].pk).state == (
        "accepted"
    )
    assert [row.troops for row in current_status()] == [450]


def test_accept_all_accepts_every_row_not_marked_otherwise(
    admin_client: Client, entered: Source
) -> None:
    proposals = list(entered.proposals.in_text_order())
    data = row_data(proposals) | {"accept_all": "1"}
    assert admin_client.post(review(entered), data).status_code == 302
    assert not entered.proposals.pending().exists()


def test_a_refused_row_names_the_rule_and_the_others_are_saved(
    admin_client: Client, entered: Source
) -> None:
    Proposal.objects.create(
        source=entered,
        kind="intention",
        nation="CAN",
        host="IRQ",
        stance=Stance.STAYING,
        precision="unknown",
        quote=MISSED,
        start=TEXT.index(MISSED),
        end=len(TEXT),
    )
    proposals = list(entered.proposals.in_text_order())
    bad = next(i for i, p in enumerate(proposals) if p.kind == "troop_count")
    good = next(i for i, p in enumerate(proposals) if p.quote == MISSED)
    response = admin_client.post(
        review(entered),
        row_data(
            proposals,
            **{
                f"row{bad}": {"decision": "accept", "host": "CAN"},
                f"row{good}": {"decision": "accept"},
            },
        ),
    )
    assert response.status_code == 200
    assert "cannot host its own troops" in response.text
    assert not TroopCount.objects.exists()
    assert Intention.objects.get().quote == MISSED


def test_rejecting_needs_a_reason(admin_client: Client, entered: Source) -> None:
    proposals = list(entered.proposals.in_text_order())
    response = admin_client.post(
        review(entered), row_data(proposals, row0={"decision": "reject"})
    )
    assert "Say why it is rejected" in response.text
    assert not entered.proposals.filter(state="rejected").exists()
    admin_client.post(
        review(entered),
        row_data(proposals, row0={"decision": "reject", "because": "Not troops"}),
    )
    assert entered.proposals.get(pk=proposals[0].pk).rejected_because == "Not troops"


def test_a_missed_sentence_becomes_a_record_and_a_reviewers_proposal(
    admin_client: Client, entered: Source
) -> None:
    response = admin_client.post(
        review(entered),
        {
            "add_missed": "1",
            "missed-kind": "intention",
            "missed-quote": MISSED,
            "missed-nation": "dnk",
            "missed-host": "IRQ",
            "missed-stance": "staying",
            "missed-precision": "unknown",
        },
    )
    assert response.status_code == 302
    statement = Intention.objects.get()
    assert (statement.nation.name, statement.quote) == ("Denmark", MISSED)
    assert entered.proposals.get(origin="reviewer").state == "accepted"


def test_a_missed_sentence_must_be_the_articles_words(
    admin_client: Client, entered: Source
) -> None:
    response = admin_client.post(
        review(entered),
        {
            "add_missed": "1",
            "missed-kind": "intention",
            "missed-quote": "Nobody wrote this.",
            "missed-nation": "CAN",
            "missed-host": "IRQ",
            "missed-stance": "staying",
            "missed-precision": "unknown",
        },
    )
    assert response.status_code == 200
    assert "not in the article" in response.text
    assert not entered.proposals.filter(origin="reviewer").exists()


def test_reviewing_needs_the_right_permissions(entered: Source) -> None:
    reader = user_with_permissions("reader", "view_source")
    reader.is_staff = True
    reader.save()
    client = Client()
    client.force_login(reader)
    assert client.get(review(entered)).status_code == 403
    assert client.get(ADD).status_code == 403


def test_the_proposals_list_measures_the_extractor_in_real_use(
    admin_client: Client, entered: Source
) -> None:
    proposals = list(entered.proposals.in_text_order())
    admin_client.post(review(entered), row_data(proposals) | {"accept_all": "1"})
    admin_client.post(
        review(entered),
        {
            "add_missed": "1",
            "missed-kind": "intention",
            "missed-quote": MISSED,
            "missed-nation": "CAN",
            "missed-host": "IRQ",
            "missed-stance": "staying",
            "missed-precision": "unknown",
        },
    )
    page = admin_client.get(reverse("admin:deployments_proposal_changelist"))
    accepted = len(proposals)
    # The record added by hand is a sentence the extractor missed.
    assert f"{accepted} accepted, 0 rejected, 0 pending, 1 added by hand" in (page.text)
    assert f"recall {accepted / (accepted + 1):.2f}" in page.text
