"""/api/troop-counts/: dated, sourced figures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import MAX_TROOPS, Precision, Source, TroopCount
from tests.factories import NationFactory, SourceFactory, TroopCountFactory

pytestmark = pytest.mark.django_db
URL = "/api/troop-counts/"


@pytest.fixture
def source() -> Source:
    NationFactory(code="CAN", name="Canada")
    NationFactory(code="IRQ", name="Iraq")
    return SourceFactory(title="Canada's forces abroad")


def new_count(cited: Source, **overrides: object) -> dict[str, object]:
    return {
        "nation": "CAN",
        "host": "IRQ",
        "troops": 500,
        "precision": "estimated",
        "figure_text": "an estimated 500",
        "counted_on": "2020-01-08",
        "source": cited.pk,
        "excerpt": "some of its estimated 500 troops",
    } | overrides


def test_list_shows_codes_names_and_source_in_one_row(api_client: APIClient) -> None:
    count = TroopCountFactory(
        nation__code="USA",
        nation__name="United States",
        troops=5200,
        precision=Precision.APPROXIMATE,
    )
    row = api_client.get(URL).json()["results"][0]
    assert row | {"id": None} == {
        "id": None,
        "nation": "USA",
        "nation_name": "United States",
        "host": "IRQ",
        "host_name": "Iraq",
        "troops": 5200,
        "troops_low": None,
        "troops_high": None,
        "precision": "approximate",
        "troops_display": "~5,200",
        "figure_text": count.figure_text,
        "counted_on": "2020-01-08",
        "location": "",
        "source": count.source.pk,
        "source_title": count.source.title,
        "source_publisher": "Test Wire",
        "source_published_on": "2020-01-08",
        "source_url": "",
        "excerpt": count.excerpt,
        "standing": "asserted",
        "standing_changed_on": None,
        "standing_note": "",
        "version": 1,
    }


def test_create_refers_to_nations_by_code_and_source_by_id(
    editor_client: APIClient, source: Source
) -> None:
    response = editor_client.post(URL, new_count(source), format="json")
    assert response.status_code == 201, response.json()
    count = TroopCount.objects.get()
    assert (count.nation.code, count.host.code, count.troops) == ("CAN", "IRQ", 500)
    assert response.json()["nation_name"] == "Canada"


def test_partial_update_and_delete(editor_client: APIClient) -> None:
    count = TroopCountFactory(troops=500, precision=Precision.ESTIMATED)
    response = editor_client.patch(f"{URL}{count.pk}/", {"troops": 450}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["troops"], response.json()["version"]) == (450, 2)
    assert editor_client.delete(f"{URL}{count.pk}/").status_code == 204
    assert not TroopCount.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"troops": -1}, "troops", "greater than or equal to 0"),
        ({"troops": MAX_TROOPS + 1}, "troops", "less than or equal to 1000000"),
        ({"troops": 10**30}, "troops", "less than or equal to 1000000"),
        ({"troops": "many"}, "troops", "valid integer"),
        ({"nation": "XYZ"}, "nation", "does not exist"),
        ({"host": "CAN"}, "host", "cannot host its own troops"),
        ({"precision": "roughly"}, "precision", "not a valid choice"),
        ({"troops": None}, "precision", "unknown"),
        ({"counted_on": "2020-02-30"}, "counted_on", "wrong format"),
        ({"source": 999999}, "source", "does not exist"),
        ({"excerpt": ""}, "excerpt", "may not be blank"),
        ({"excerpt": "x" * 501}, "excerpt", "no more than 500"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(
    editor_client: APIClient,
    source: Source,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = editor_client.post(URL, new_count(source, **overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in " ".join(body["errors"][field]), body
    assert not TroopCount.objects.exists()


def test_future_date_is_refused(editor_client: APIClient, source: Source) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = editor_client.post(
        URL, new_count(source, counted_on=tomorrow.isoformat()), format="json"
    )
    assert response.status_code == 400
    assert "in the future" in response.json()["errors"]["counted_on"][0]
    assert not TroopCount.objects.exists()


@pytest.mark.parametrize(
    "missing", ["nation", "host", "precision", "counted_on", "source", "excerpt"]
)
def test_missing_required_field_is_named(
    editor_client: APIClient, source: Source, missing: str
) -> None:
    body = new_count(source)
    del body[missing]
    response = editor_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][missing] == ["This field is required."]
    assert not TroopCount.objects.exists()


def test_duplicate_figure_from_same_source_is_a_conflict(
    editor_client: APIClient, source: Source
) -> None:
    assert editor_client.post(URL, new_count(source), format="json").status_code == 201
    response = editor_client.post(URL, new_count(source, troops=600), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "unique" in str(response.json()["errors"]).lower()
    assert TroopCount.objects.get().troops == 500


def test_filters_combine(api_client: APIClient) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    kuwait = NationFactory(code="KWT", name="Kuwait")
    TroopCountFactory(nation=canada, troops=500, precision=Precision.ESTIMATED)
    TroopCountFactory(nation=canada, host=kuwait, troops=200)
    TroopCountFactory(nation__code="USA", troops=5200, counted_on="2020-01-05")

    def troops(query: str) -> list[int]:
        response = api_client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["troops"] for row in response.json()["results"])

    assert troops("nation=CAN") == [200, 500]
    assert troops("nation=CAN,USA&host=IRQ") == [500, 5200]
    assert troops("precision=estimated") == [500]
    assert troops("counted_before=2020-01-06") == [5200]
    assert troops("counted_after=2020-01-06&troops_min=300") == [500]
    assert troops("search=some+500") == [500]


def test_ordering_by_troops(api_client: APIClient) -> None:
    for troops in (300, 100, 200):
        TroopCountFactory(troops=troops)
    response = api_client.get(f"{URL}?ordering=-troops")
    assert [row["troops"] for row in response.json()["results"]] == [300, 200, 100]
    bad = api_client.get(f"{URL}?ordering=excerpt")
    assert bad.status_code == 400
    assert "ordering" in bad.json()["errors"]


@pytest.mark.parametrize("counts", [1, 15])
def test_list_query_count_is_fixed(
    api_client: APIClient,
    counts: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(counts):
        TroopCountFactory()
    # 1. the revision, for the validators; 2. count for the paginator; 3. the
    # page, with nation, host and source joined
    with django_assert_num_queries(3):
        response = api_client.get(f"{URL}?page_size=100")
    assert len(response.json()["results"]) == counts
