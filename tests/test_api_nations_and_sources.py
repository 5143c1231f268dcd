"""/api/nations/ (looked up by code) and /api/sources/."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import Nation, Source
from tests.factories import NationFactory, SourceFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


def test_nation_is_looked_up_by_code(api_client: APIClient) -> None:
    NationFactory(code="NATO", name="NATO", kind=Nation.Kind.ALLIANCE)
    response = api_client.get("/api/nations/NATO/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "NATO",
        "name": "NATO",
        "kind": "alliance",
        "version": 1,
    }
    assert api_client.get("/api/nations/XYZ/").status_code == 404


def test_create_update_and_delete_a_nation(editor_client: APIClient) -> None:
    created = editor_client.post(
        "/api/nations/", {"code": "GBR", "name": "UK", "kind": "state"}, format="json"
    )
    assert created.status_code == 201, created.json()
    renamed = editor_client.put(
        "/api/nations/GBR/",
        {"code": "GBR", "name": "United Kingdom", "kind": "state"},
        format="json",
    )
    assert renamed.status_code == 200
    assert Nation.objects.get(code="GBR").name == "United Kingdom"
    assert editor_client.delete("/api/nations/GBR/").status_code == 204
    assert not Nation.objects.filter(code="GBR").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "gbr", "name": "UK", "kind": "state"}, "code"),
        ({"code": "G", "name": "UK", "kind": "state"}, "code"),
        ({"code": "GBR", "name": "", "kind": "state"}, "name"),
        ({"code": "GBR", "name": "UK", "kind": "empire"}, "kind"),
        ({"code": "IRQ", "name": "", "kind": "state"}, "name"),
    ],
)
def test_bad_nations_are_refused(
    editor_client: APIClient, body: dict[str, str], field: str
) -> None:
    NationFactory(code="IRQ", name="Iraq")
    response = editor_client.post("/api/nations/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Nation.objects.count() == 1


def test_duplicate_nation_is_a_conflict_naming_the_field(
    editor_client: APIClient,
) -> None:
    NationFactory(code="IRQ", name="Iraq")
    response = editor_client.post(
        "/api/nations/",
        {"code": "IRQ", "name": "Again", "kind": "state"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A record with these values already exists.",
        "code": "conflict",
        "errors": {"code": ["nation with this code already exists."]},
    }
    assert list(Nation.objects.values_list("name", flat=True)) == ["Iraq"]


def test_duplicate_source_is_a_conflict_on_create_and_on_update(
    editor_client: APIClient,
) -> None:
    kept = SourceFactory(publisher="AP", title="Troops", published_on="2020-01-06")
    other = SourceFactory(publisher="AP", title="Other", published_on="2020-01-06")
    body = {"publisher": "AP", "title": "Troops", "published_on": "2020-01-06"}
    created = editor_client.post("/api/sources/", body, format="json")
    changed = editor_client.patch(
        f"/api/sources/{other.pk}/", {"title": "Troops"}, format="json"
    )
    for response in (created, changed):
        assert response.status_code == 409
        assert response.json()["code"] == "conflict"
        assert response.json()["errors"] == {
            "non_field_errors": [
                "The fields publisher, title, published_on must make a unique set."
            ]
        }
    assert Source.objects.count() == 2
    other.refresh_from_db()
    assert (other.title, other.version) == ("Other", 1)
    assert kept.title == "Troops"


def test_a_duplicate_with_another_fault_is_invalid(editor_client: APIClient) -> None:
    NationFactory(code="IRQ", name="Iraq")
    response = editor_client.post(
        "/api/nations/",
        {"code": "IRQ", "name": "Again", "kind": "empire"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"code", "kind"}
    assert Nation.objects.count() == 1


def test_nation_still_cited_cannot_be_deleted(editor_client: APIClient) -> None:
    count = TroopCountFactory(nation__code="CAN")
    response = editor_client.delete("/api/nations/CAN/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Nation.objects.filter(pk=count.nation.pk).exists()


def test_nations_filter_by_kind_and_search(api_client: APIClient) -> None:
    NationFactory(code="NATO", name="North Atlantic Treaty", kind="alliance")
    NationFactory(code="CAN", name="Canada")
    alliances = api_client.get("/api/nations/?kind=alliance").json()["results"]
    assert [row["code"] for row in alliances] == ["NATO"]
    found = api_client.get("/api/nations/?search=atlantic").json()["results"]
    assert [row["code"] for row in found] == ["NATO"]


def test_sources_crud_and_date_filters(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/sources/",
        {
            "title": "Iran fires missiles",
            "publisher": "AFP",
            "published_on": "2020-01-08",
            "url": "https://example.org/a",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    SourceFactory(published_on="2019-12-01")
    listed = editor_client.get("/api/sources/?published_after=2020-01-01").json()
    assert [row["title"] for row in listed["results"]] == ["Iran fires missiles"]
    bad_url = editor_client.post(
        "/api/sources/",
        {"title": "T", "publisher": "P", "published_on": "2020-01-08", "url": "nope"},
        format="json",
    )
    assert bad_url.status_code == 400
    assert "url" in bad_url.json()["errors"]
    assert Source.objects.count() == 2


@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_counts_are_fixed(
    api_client: APIClient, rows: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(rows):
        NationFactory()
        SourceFactory()
    # 1. the revision, for the validators; 2. count for the paginator; 3. the
    # page
    with django_assert_num_queries(3):
        assert len(api_client.get("/api/nations/").json()["results"]) == rows
    with django_assert_num_queries(3):
        assert len(api_client.get("/api/sources/").json()["results"]) == rows
