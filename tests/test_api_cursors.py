"""``?cursor=``: long lists walked by keyset, at the same cost at any depth,
and unmoved by records added meanwhile (deployments/api/cursors.py)."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import TroopCount
from tests.factories import (
    DAY_ONE,
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/troop-counts/"


@pytest.fixture
def counts() -> list[int]:
    """Counts of three nations over a few days, several on one day (so the
    order's ties are broken by id); their ids in the list's order."""
    hosts = [NationFactory(code=code) for code in ("IRQ", "KWT")]
    for index in range(23):
        TroopCountFactory(
            nation=NationFactory(
                code=f"C{chr(65 + index // 26)}{chr(65 + index % 26)}"
            ),
            host=hosts[index % 2],
            counted_on=DAY_ONE + datetime.timedelta(days=index % 4),
            source=SourceFactory(),
        )
    return list(
        TroopCount.objects.order_by("-counted_on", "-id").values_list("pk", flat=True)
    )


def ids(body: dict[str, Any]) -> list[int]:
    return [row["id"] for row in body["results"]]


def walk(api_client: APIClient, url: str | None, key: str = "next") -> list[int]:
    """Every id along ``key`` links from ``url``."""
    seen = []
    while url:
        response = api_client.get(url)
        assert response.status_code == 200, response.json()
        seen += ids(response.json())
        url = response.json()[key]
    return seen


def test_walking_by_cursor_gives_every_record_once_in_the_lists_order(
    api_client: APIClient, counts: list[int]
) -> None:
    first = api_client.get(URL, {"page_size": 5}).json()
    assert ids(first) == counts[:5]
    assert "cursor=" in first["next_cursor"]
    assert ids(first) + walk(api_client, first["next_cursor"]) == counts


def test_previous_links_walk_back_to_the_start(
    api_client: APIClient, counts: list[int]
) -> None:
    url = api_client.get(URL, {"page_size": 4}).json()["next_cursor"]
    while url:  # to the last page
        last = api_client.get(url).json()
        url = last["next"]
    pages: list[list[int]] = []
    url = last["previous"]
    while url:
        previous = api_client.get(url).json()
        pages.insert(0, ids(previous))
        url = previous["previous"]
    # Every page before the last, back to the first, in the list's order.
    assert [pk for page in pages for pk in page] == counts[: -len(ids(last))]
    assert pages[0] == counts[:4]


def test_records_added_meanwhile_do_not_shift_a_cursor(
    api_client: APIClient, counts: list[int]
) -> None:
    first = api_client.get(URL, {"page_size": 5}).json()
    # Newer than everything listed: with page numbers, page 2 would now
    # repeat the last two rows of page 1.
    for _ in range(2):
        TroopCountFactory(counted_on=DAY_ONE + datetime.timedelta(days=30))
    assert walk(api_client, first["next_cursor"]) == counts[5:]


def test_cursor_pages_follow_filters_and_a_chosen_order(
    api_client: APIClient, counts: list[int]
) -> None:
    first = api_client.get(URL, {"page_size": 3, "host": "KWT", "ordering": "nation"})
    expected = list(
        TroopCount.objects.filter(host__code="KWT")
        .order_by("nation__code", "id")
        .values_list("pk", flat=True)
    )
    body = first.json()
    assert ids(body) + walk(api_client, body["next_cursor"]) == expected
    assert "host=KWT" in body["next_cursor"]


def test_a_cursor_page_costs_the_same_queries_and_no_count(
    api_client: APIClient,
    counts: list[int],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = api_client.get(URL, {"page_size": 2}).json()["next_cursor"]
    # 1. the revision, for the validators; 2. the page's rows with nation,
    # host and source (no count, no offset)
    with django_assert_num_queries(2):
        response = api_client.get(url)
    assert "X-Total-Count" not in response
    assert "count" not in response.json()
    assert 'rel="next"' in response["Link"] and 'rel="prev"' in response["Link"]


def test_statements_walk_by_cursor_too(api_client: APIClient) -> None:
    for day in range(7):
        IntentionFactory(reported_on=DAY_ONE + datetime.timedelta(days=day % 3))
    everything = ids(api_client.get("/api/intentions/", {"page_size": 100}).json())
    first = api_client.get("/api/intentions/", {"page_size": 2}).json()
    assert ids(first) + walk(api_client, first["next_cursor"]) == everything


def token(document: object) -> str:
    text = json.dumps(document).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        token(["next", "2020-01-08", 1]),
        token({"d": "next", "v": ["not-a-date", 1]}),
        token({"d": "sideways", "v": ["2020-01-08", 1]}),
        token({"d": "next", "v": ["2020-01-08"]}),
        token({"d": "next", "v": [None, 1]}),
    ],
)
def test_a_cursor_that_is_none_of_ours_is_a_400(
    api_client: APIClient, counts: list[int], cursor: str
) -> None:
    response = api_client.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert "Not a cursor from this list" in str(response.json()["errors"]["cursor"])


def test_a_cursor_with_a_page_number_is_a_400(
    api_client: APIClient, counts: list[int]
) -> None:
    url = api_client.get(URL, {"page_size": 2}).json()["next_cursor"]
    response = api_client.get(url + "&page=2")
    assert response.status_code == 400
    assert "not both" in str(response.json()["errors"]["cursor"])


def test_an_order_by_a_field_that_may_be_empty_cannot_have_cursors(
    api_client: APIClient, counts: list[int]
) -> None:
    page = api_client.get(URL, {"ordering": "troops", "page_size": 2}).json()
    assert page["next_cursor"] is None  # page numbers still work
    url = api_client.get(URL, {"page_size": 2}).json()["next_cursor"]
    response = api_client.get(url + "&ordering=troops")
    assert response.status_code == 400
    assert "troops" in str(response.json()["errors"]["cursor"])


def test_the_status_is_paged_by_number_only(api_client: APIClient) -> None:
    TroopCountFactory()
    response = api_client.get("/api/status/", {"cursor": "anything"})
    assert response.status_code == 400
    assert "number only" in str(response.json()["errors"]["cursor"])


def test_the_schema_documents_cursor_and_next_cursor(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/troop-counts/"]["get"]["parameters"]
    assert "cursor" in [parameter["name"] for parameter in parameters]
    page = schema["components"]["schemas"]["PaginatedTroopCountList"]
    assert "next_cursor" in page["properties"]
