"""The hot reads keep their rendered answers under their ETag
(``revalidated(keep_body=True)``): the next anonymous reader gets the same
bytes without the view running, and a change makes them unreachable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments import views
from deployments.api.views import StatusView
from tests.factories import IntentionFactory, TroopCountFactory

# Values are only kept in autocommit, as production runs.
pytestmark = pytest.mark.django_db(transaction=True)

KEPT_READS = ["/api/status/", "/api/status/?format=csv", "/", "/status.csv"]


@pytest.fixture
def world() -> None:
    count = TroopCountFactory(nation__code="CAN", host__code="IRQ", troops=500)
    IntentionFactory(nation=count.nation, host=count.host)


@contextmanager
def no_view_runs() -> Iterator[None]:
    """Every kept read's view fails if it runs at all."""
    refuse = mock.Mock(side_effect=AssertionError("the view ran"))
    with (
        mock.patch.object(views, "filtered_rows", refuse),
        mock.patch.object(StatusView, "list", refuse),
    ):
        yield


@pytest.mark.parametrize("url", KEPT_READS)
def test_a_kept_answer_is_the_same_bytes_and_headers_without_the_view(
    client: Client,
    world: None,
    url: str,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    # 1. the revision: nothing else, the view does not run
    with no_view_runs(), django_assert_num_queries(1):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    for header in ("Content-Type", "ETag", "Cache-Control", "Link", "X-Total-Count"):
        assert again.get(header) == first.get(header), header


@pytest.mark.parametrize("url", KEPT_READS)
def test_a_change_is_in_the_next_answer_at_once(
    client: Client, world: None, url: str
) -> None:
    before = client.get(url)
    TroopCountFactory(
        nation__code="ITA", host__code="KWT", troops=1000, figure_text="1,000"
    )
    after = client.get(url)
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert b"ITA" in after.content and b"ITA" not in before.content


def test_answers_for_signed_in_readers_are_not_kept(
    api_client: APIClient, world: None
) -> None:
    api_client.force_authenticate(User.objects.create_user("reader"))
    api_client.get("/api/status/")
    with mock.patch.object(
        StatusView, "list", autospec=True, side_effect=StatusView.list
    ) as listed:
        assert api_client.get("/api/status/").status_code == 200
    assert listed.call_count == 1


def test_a_refused_read_is_not_kept(client: Client, world: None) -> None:
    with mock.patch.object(
        views, "filtered_rows", wraps=views.filtered_rows
    ) as derived:
        for _ in range(2):
            assert client.get("/?as_of=not-a-date").status_code == 400
            assert client.get("/").status_code == 200
    # The bad query never reached the rows; the good one derived them once.
    assert derived.call_count == 1


def test_each_representation_is_kept_apart(client: Client, world: None) -> None:
    as_json = client.get("/api/status/")
    as_csv = client.get("/api/status/", HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"].startswith("application/json")
    assert as_csv["Content-Type"].startswith("text/csv")
    assert client.get("/api/status/").content == as_json.content
    assert client.get("/api/status/", HTTP_ACCEPT="text/csv").content == as_csv.content
