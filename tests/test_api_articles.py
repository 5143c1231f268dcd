"""/api/articles/ and /api/proposals/: an article in, proposals out, each
accepted or rejected through the API with the usual permissions and ETags."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from deployments.models import Nation, Proposal, Source, TroopCount
from deployments.status import current_status
from tests.conftest import user_with_permissions

pytestmark = pytest.mark.django_db

TEXT = (
    "OTTAWA (Test Wire) — Canada has 500 troops in Iraq, the defence "
    "ministry said on Tuesday. Officials gave no other figures."
)


def article(**overrides: object) -> dict[str, object]:
    return {
        "title": "Canada's troops in Iraq",
        "publisher": "Test Wire",
        "published_on": "2020-01-08",
        "url": "https://example.org/canada",
        "agency": "AFP",
        "text": TEXT,
    } | overrides


def canada_count(body: dict) -> dict:
    (proposed,) = [
        proposal
        for proposal in body["proposals"]
        if (proposal["kind"], proposal["nation"]) == ("troop_count", "CAN")
    ]
    return proposed


@pytest.fixture
def entered(editor_client: APIClient) -> dict:
    response = editor_client.post("/api/articles/", article(), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_posting_an_article_gives_its_source_and_proposals(entered: dict) -> None:
    source = Source.objects.get()
    assert entered["source"]["id"] == source.pk
    assert (source.agency, source.text) == ("AFP", TEXT)
    proposed = canada_count(entered)
    assert (proposed["host"], proposed["troops"]) == ("IRQ", 500)
    assert TEXT[proposed["start"] : proposed["end"]] == proposed["quote"]
    assert proposed["state"] == "pending"
    # Nothing reaches the status until it is accepted.
    assert list(current_status()) == []


def test_an_article_entered_before_points_to_its_source(
    editor_client: APIClient, entered: dict
) -> None:
    again = editor_client.post(
        "/api/articles/",
        article(title="CANADA'S TROOPS IN IRAQ", text=TEXT + " More."),
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["source"] == entered["source"]["id"]
    assert again["Location"] == f"/api/sources/{entered['source']['id']}/"
    assert (Source.objects.count(), Proposal.objects.count()) == (
        1,
        len(entered["proposals"]),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "   \n  "}, "text"),
        ({"text": ""}, "text"),
        ({"title": ""}, "title"),
        ({"published_on": "2020-02-30"}, "published_on"),
        ({"text": "x" * 1_000_001}, "text"),
        (
            {"text": "Les soldats français resteront en Irak, a dit la ministre."},
            "text",
        ),
        ({"text": 500}, "text"),
    ],
)
def test_bad_articles_are_refused_naming_the_field_and_change_nothing(
    editor_client: APIClient, overrides: dict, field: str
) -> None:
    response = editor_client.post("/api/articles/", article(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Source.objects.exists()
    assert not Proposal.objects.exists()


def test_entering_an_article_needs_the_right_to_add_sources(
    api_client: APIClient,
) -> None:
    reader = user_with_permissions("reader", "view_source", "view_proposal")
    api_client.force_authenticate(reader)
    assert (
        api_client.post("/api/articles/", article(), format="json").status_code == 403
    )
    api_client.force_authenticate(None)
    assert (
        api_client.post("/api/articles/", article(), format="json").status_code == 401
    )
    assert not Source.objects.exists()


def test_proposals_are_for_those_who_may_view_them(
    api_client: APIClient, entered: dict
) -> None:
    proposal = entered["proposals"][0]["id"]
    assert api_client.get("/api/proposals/").status_code == 401
    api_client.force_authenticate(user_with_permissions("someone"))
    assert api_client.get(f"/api/proposals/{proposal}/").status_code == 403
    api_client.force_authenticate(user_with_permissions("reviewer", "view_proposal"))
    listed = api_client.get("/api/proposals/", {"source": entered["source"]["id"]})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [
        row["id"] for row in entered["proposals"]
    ]
    assert api_client.get(f"/api/proposals/{proposal}/")["ETag"] == '"v1"'


def test_reading_proposals_is_private_and_unvalidated(
    editor_client: APIClient, entered: dict
) -> None:
    listed = editor_client.get("/api/proposals/")
    one = editor_client.get(f"/api/proposals/{entered['proposals'][0]['id']}/")

    assert listed.status_code == one.status_code == 200
    assert listed["Cache-Control"] == "private, no-cache"
    assert one["Cache-Control"] == "private, no-cache"
    # Proposals are outside the data revision: no ETag could name the list.
    assert not listed.has_header("ETag")
    assert not listed.has_header("Last-Modified")


def test_accepting_writes_the_record_with_the_corrections(
    editor_client: APIClient, entered: dict
) -> None:
    proposed = canada_count(entered)
    Nation.objects.filter(code="CAN").delete()
    response = editor_client.post(
        f"/api/proposals/{proposed['id']}/accept/",
        {"troops": 450, "precision": "approximate", "location": "Taji"},
        format="json",
        HTTP_IF_MATCH='"v1"',
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], response["ETag"]) == ("accepted", '"v2"')
    count = TroopCount.objects.get(pk=body["troop_count"])
    assert (count.nation.code, count.troops, count.location) == ("CAN", 450, "Taji")
    assert Nation.objects.get(code="CAN").name == "Canada"  # from the gazetteer
    (row,) = current_status()
    assert (row.nation, row.troops) == ("CAN", 450)


def test_a_stale_etag_or_a_second_review_changes_nothing(
    editor_client: APIClient, entered: dict
) -> None:
    url = f"/api/proposals/{canada_count(entered)['id']}/"
    stale = editor_client.post(f"{url}accept/", {}, format="json", HTTP_IF_MATCH='"v7"')
    assert stale.status_code == 412
    assert not TroopCount.objects.exists()
    assert editor_client.post(f"{url}accept/", {}, format="json").status_code == 200
    again = editor_client.post(f"{url}reject/", {"because": "No"}, format="json")
    assert again.status_code == 409
    assert "accepted already" in again.json()["detail"]
    assert TroopCount.objects.count() == 1


def test_an_accepted_proposal_that_breaks_a_rule_is_refused_by_name(
    editor_client: APIClient, entered: dict
) -> None:
    url = f"/api/proposals/{canada_count(entered)['id']}/accept/"
    for changes, field in [
        ({"host": "CAN"}, "host"),
        ({"quote": "Words the article never printed."}, "quote"),
        ({"troops": -5}, "troops"),
        ({"troops_low": 40, "troops_high": 30, "troops": None}, "troops_high"),
    ]:
        response = editor_client.post(url, changes, format="json")
        assert response.status_code == 400, changes
        assert field in response.json()["errors"], response.json()
    assert not TroopCount.objects.exists()
    assert Proposal.objects.get(pk=canada_count(entered)["id"]).state == "pending"


def test_rejecting_keeps_the_proposal_with_its_reason(
    editor_client: APIClient, entered: dict
) -> None:
    url = f"/api/proposals/{canada_count(entered)['id']}/reject/"
    assert editor_client.post(url, {}, format="json").status_code == 400
    response = editor_client.post(url, {"because": "Wrong nation"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["rejected_because"]) == (
        "rejected",
        "Wrong nation",
    )


def test_accepting_needs_the_right_to_add_that_record(
    api_client: APIClient, entered: dict
) -> None:
    url = f"/api/proposals/{canada_count(entered)['id']}/accept/"
    api_client.force_authenticate(
        user_with_permissions("statements only", "change_proposal", "add_intention")
    )
    assert api_client.post(url, {}, format="json").status_code == 403
    assert not TroopCount.objects.exists()


def test_proposals_cannot_be_made_up_through_the_api(
    editor_client: APIClient,
) -> None:
    response = editor_client.post("/api/proposals/", {}, format="json")
    assert response.status_code == 405
