"""/api/conflicts/: figures that disagree, with their sources, quotes and the
analyst's resolution; read-only, filtered like the status."""

from __future__ import annotations

import datetime

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import FigureResolution, TroopCount
from tests.factories import (
    NationFactory,
    reported_count,
)

pytestmark = pytest.mark.django_db

JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}


@pytest.fixture
def disputed_italy() -> tuple[TroopCount, TroopCount]:
    italy = NationFactory(code="ITA", name="Italy")
    return reported_count(
        italy, 1000, JAN[8], "Outlet A", agency="AFP"
    ), reported_count(italy, 600, JAN[10], "Outlet B")


def test_a_conflict_lists_its_figures_with_sources_and_quotes(
    api_client: APIClient, disputed_italy: tuple[TroopCount, TroopCount]
) -> None:
    first, second = disputed_italy
    (conflict,) = api_client.get("/api/conflicts/").json()["results"]
    assert conflict | {"figures": None} == {
        "id": f"{first.deployment_id}-{first.pk}",
        "deployment": first.deployment_id,
        "nation": "ITA",
        "nation_name": "Italy",
        "host": "IRQ",
        "host_name": "Iraq",
        "state": "open",
        "first_counted_on": "2020-01-08",
        "last_counted_on": "2020-01-10",
        "low": 600,
        "high": 1000,
        "figures": None,
        "resolution": None,
    }
    figures = conflict["figures"]
    assert [f["id"] for f in figures] == [first.pk, second.pk]
    assert figures[0]["excerpt"] == "Outlet A counts 1000 soldiers"
    assert (figures[0]["source_publisher"], figures[0]["source_agency"]) == (
        "Outlet A",
        "AFP",
    )
    assert [f["preferred"] for f in figures] == [False, False]


def test_a_resolved_conflict_shows_its_resolution(
    api_client: APIClient, disputed_italy: tuple[TroopCount, TroopCount]
) -> None:
    first, second = disputed_italy
    resolution = FigureResolution.resolve(
        first, [second], "The defence ministry's figure.", on=JAN[12]
    )
    assert api_client.get("/api/conflicts/", {"state": "open"}).json()["count"] == 0
    (conflict,) = api_client.get("/api/conflicts/", {"state": "resolved"}).json()[
        "results"
    ]
    assert conflict["state"] == "resolved"
    assert conflict["resolution"] == {
        "id": resolution.pk,
        "preferred": first.pk,
        "note": "The defence ministry's figure.",
        "resolved_on": "2020-01-12",
        "version": resolution.version,
    }
    assert [(f["preferred"], f["standing"]) for f in conflict["figures"]] == [
        (True, "asserted"),
        (False, "disputed"),
    ]
    # As known before the resolution, the conflict was open.
    before = api_client.get("/api/conflicts/", {"as_of": "2020-01-11"}).json()
    assert [c["state"] for c in before["results"]] == ["open"]


@pytest.mark.parametrize(
    ("query", "nations"),
    [
        ({"nation": "ITA"}, ["ITA"]),
        ({"nation": "CAN,ITA"}, ["ITA"]),
        ({"nation": "CAN"}, []),
        ({"host": "IRQ"}, ["ITA"]),
        ({"host": "KWT"}, []),
        ({"counted_after": "2020-01-10"}, ["ITA"]),
        ({"counted_after": "2020-01-11"}, []),
        ({"counted_before": "2020-01-07"}, []),
        ({"as_of": "2020-01-09"}, []),
    ],
)
def test_conflicts_filter(
    api_client: APIClient,
    disputed_italy: tuple[TroopCount, TroopCount],
    query: dict[str, str],
    nations: list[str],
) -> None:
    response = api_client.get("/api/conflicts/", query)
    assert response.status_code == 200
    assert [c["nation"] for c in response.json()["results"]] == nations


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "closed"}, "state"),
        ({"nation": "italy!"}, "nation"),
        ({"counted_after": "last week"}, "counted_after"),
        ({"as_of": "1800-01-01"}, "as_of"),
        ({"counted_after": "1800-01-01"}, "counted_after"),
        ({"counted_before": "1899-12-31"}, "counted_before"),
    ],
)
def test_bad_conflict_filters_answer_400_naming_the_parameter(
    api_client: APIClient, query: dict[str, str], field: str
) -> None:
    response = api_client.get("/api/conflicts/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_conflicts_are_read_only(
    api_client: APIClient, disputed_italy: tuple[TroopCount, TroopCount]
) -> None:
    assert api_client.post("/api/conflicts/", {}).status_code in (401, 403, 405)
    assert TroopCount.objects.filter(standing="asserted").count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("conflicts", [1, 6])
def test_the_conflicts_list_takes_a_fixed_number_of_queries(
    api_client: APIClient,
    conflicts: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for index in range(conflicts):
        nation = NationFactory()
        reported_count(nation, 100 + index, JAN[1], "A")
        reported_count(nation, 900, JAN[2], "B")
    # 1. the revision; 2. every numbered figure in scope; 3. the revision
    # again, unmoved: the list is kept; 4. the page's figures with their sources
    with django_assert_num_queries(4):
        response = api_client.get("/api/conflicts/")
    assert response.json()["count"] == conflicts
    # 1. the revision: the list comes from the cache; 2. the page's figures
    with django_assert_num_queries(2):
        assert api_client.get("/api/conflicts/").json() == response.json()


def test_a_counts_standing_is_edited_through_the_api(
    api_client: APIClient, disputed_italy: tuple[TroopCount, TroopCount], editor: object
) -> None:
    _, second = disputed_italy
    api_client.force_authenticate(editor)  # type: ignore[arg-type]
    url = f"/api/troop-counts/{second.pk}/"
    bad = api_client.patch(url, {"standing": "doubtful"}, format="json")
    assert bad.status_code == 400
    assert "standing" in bad.json()["errors"]
    second.refresh_from_db()
    assert second.standing == "asserted"
    response = api_client.patch(
        url,
        {
            "standing": "disputed",
            "standing_changed_on": "2020-01-11",
            "standing_note": "Counts contractors.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["standing"] == "disputed"
    assert api_client.get("/api/conflicts/", {"state": "open"}).json()["count"] == 0


def test_an_unknown_format_names_the_formats_conflicts_offer(
    api_client: APIClient,
) -> None:
    # Each conflict nests its figures: there is no CSV of them to offer.
    response = api_client.get("/api/conflicts/?format=csv")

    assert response.status_code == 406
    assert response.json()["detail"] == "Unknown format 'csv': use json or api."


def test_an_unknown_format_elsewhere_names_the_csv_too(api_client: APIClient) -> None:
    response = api_client.get("/api/status/?format=xml")

    assert response.status_code == 406
    assert response.json()["detail"] == "Unknown format 'xml': use json, api or csv."
