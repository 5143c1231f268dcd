"""Malformed requests get a clear 4xx JSON answer and change nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from deployments.models import Nation
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory
from tracker.middleware import MAX_API_URL_LENGTH

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/nations/", '{"code": "GBR", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Nation.objects.exists()


def test_form_encoded_body_is_a_415(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/nations/", {"code": "GBR", "name": "UK", "kind": "state"}
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Nation.objects.exists()


def test_body_that_is_not_an_object_is_a_400(editor_client: APIClient) -> None:
    response = editor_client.post("/api/nations/", [1, 2], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_unknown_fields_are_ignored_not_stored(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/nations/",
        {"code": "GBR", "name": "UK", "kind": "state", "version": 99, "admin": True},
        format="json",
    )
    assert response.status_code == 201
    assert Nation.objects.get().version == 1


def test_method_not_allowed_is_json(api_client: APIClient) -> None:
    response = api_client.delete("/api/status/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def nation_code(index: int) -> str:
    """NAAAA, NAAAB, ...: valid codes (letters only) for many nations."""
    return "N" + "".join("ABCDEFGHIJ"[int(digit)] for digit in f"{index:04d}")


def test_pages_default_to_50_and_stop_at_1000(api_client: APIClient) -> None:
    Nation.objects.bulk_create(
        Nation(code=nation_code(index), name=f"Nation {index}") for index in range(1005)
    )
    first = api_client.get("/api/nations/").json()
    assert (first["count"], len(first["results"])) == (1005, 50)
    assert first["next"].endswith("page=2")
    capped = api_client.get("/api/nations/?page_size=5000").json()
    assert len(capped["results"]) == 1000  # page_size is capped, not refused
    assert api_client.get("/api/nations/?page=999").status_code == 404


def test_empty_query_parameters_are_no_filter(api_client: APIClient) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada)
    IntentionFactory(nation=canada)
    for path, empty in [
        ("/api/sources/", "published_before=&search=&ordering=&page=&page_size="),
        ("/api/status/", "as_of=&nation=&page="),
        ("/api/troop-counts/", "troops_min=&source=&nation="),
        ("/api/intentions/", "temporary=&stated_after="),
        ("/api/nations/", "code=&kind=&format="),
    ]:
        unfiltered = api_client.get(path)
        filtered = api_client.get(f"{path}?{empty}")
        assert filtered.status_code == 200, (path, filtered.json())
        assert unfiltered.json()["results"], path  # the comparison means something
        assert filtered.json()["results"] == unfiltered.json()["results"], path


@pytest.mark.parametrize(
    "query",
    [
        "troops_min=0.5",
        "troops_max=1e3",
        "source=1.5",
        "source=1,x",
        # Past what a database integer holds: not comparable, so malformed.
        f"source=1,{2**63}",
        f"troops_min=-{2**63}",
    ],
)
def test_whole_number_filters_refuse_fractions(
    api_client: APIClient, query: str
) -> None:
    response = api_client.get(f"/api/troop-counts/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.partition("=")[0]]


def test_too_long_api_url_is_a_json_414_and_changes_nothing(
    editor_client: APIClient,
) -> None:
    padding = "x" * MAX_API_URL_LENGTH
    response = editor_client.post(
        f"/api/nations/?search={padding}",
        {"code": "GBR", "name": "UK", "kind": "state"},
        format="json",
    )
    assert response.status_code == 414
    assert response.json()["code"] == "uri_too_long"
    assert set(response.json()) == {"detail", "code", "errors"}
    assert not Nation.objects.exists()
    at_the_bound = "/api/nations/?ordering=code&x="
    at_the_bound += "y" * (MAX_API_URL_LENGTH - len(at_the_bound))
    assert editor_client.get(at_the_bound).status_code == 200


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/troop-counts/", "host=,"),
        ("/api/troop-counts/", "nation=USA,,CAN"),
        ("/api/troop-counts/", "precision=exact,"),
        ("/api/intentions/", "source=1,"),
        ("/api/proposals/", "host=,"),
        ("/api/status/", "outcome=,"),
        ("/api/status/", "nation=USA,,CAN"),
        ("/api/status/", "stance=staying,"),
        ("/api/conflicts/", "host=,"),
    ],
)
def test_lists_with_an_empty_item_are_malformed(
    editor_client: APIClient, path: str, query: str
) -> None:
    """``host=,`` is not a filter that matches nothing: it names no host."""
    response = editor_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [query.partition("=")[0]]
