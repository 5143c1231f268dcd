"""The hot reads keep their rendered answers (``revalidated(keep_body=True)``,
``deployments/kept_answers.py``): the next anonymous reader gets the same
bytes, or a 304, without the view or the rest of the stack running, and a
change makes them unreachable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.test import Client
from django.utils.http import http_date
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from deployments import views
from deployments.api.views import StatusView
from deployments.caching import MISSING, recall
from deployments.kept_answers import CACHE_NAME
from deployments.models.revision import DataRevision
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


def status_lists_counted() -> Any:
    """The status API's view, counting how often it runs."""
    return mock.patch.object(
        StatusView, "list", autospec=True, side_effect=StatusView.list
    )


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
    with status_lists_counted() as listed:
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


@contextmanager
def nothing_after_kept_answers_runs() -> Iterator[None]:
    """The session middleware, the first after KeptAnswersMiddleware, fails
    if a request reaches it."""
    refuse = mock.Mock(side_effect=AssertionError("the stack ran"))
    with mock.patch.object(SessionMiddleware, "process_request", refuse):
        yield


@pytest.mark.parametrize("url", KEPT_READS)
def test_a_repeated_anonymous_read_stops_before_the_session_and_dispatch(
    client: Client, world: None, url: str
) -> None:
    first = client.get(url)
    with nothing_after_kept_answers_runs():
        again = client.get(url)
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    for header in ("ETag", "Cache-Control", "Vary"):
        assert revalidated.get(header) == first.get(header), header


def test_a_stale_revalidation_gets_the_new_answer(client: Client, world: None) -> None:
    first = client.get("/api/status/")
    TroopCountFactory(nation__code="ITA", host__code="KWT", troops=1000)
    client.get("/api/status/")  # kept at the new revision
    with nothing_after_kept_answers_runs():
        fresh = client.get("/api/status/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]
    assert b"ITA" in fresh.content


def test_last_modified_is_the_revisions_once_its_second_is_past(
    client: Client, world: None
) -> None:
    just_made = client.get("/api/status/")
    assert not just_made.has_header("Last-Modified")  # its second is not past
    revision = DataRevision.current()
    assert revision is not None
    later = revision / 1_000_000 + 5
    with (
        nothing_after_kept_answers_runs(),
        mock.patch("deployments.kept_answers.time.time", return_value=later),
    ):
        kept = client.get("/api/status/")
    assert kept["Last-Modified"] == http_date(revision // 1_000_000)
    assert kept["ETag"] == just_made["ETag"]


def test_a_reader_with_a_session_cookie_goes_the_whole_way(
    client: Client, world: None
) -> None:
    client.get("/api/status/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    with status_lists_counted() as listed:
        assert client.get("/api/status/").status_code == 200
    assert listed.call_count == 1


def test_a_reader_with_a_token_goes_the_whole_way(client: Client, world: None) -> None:
    client.get("/api/status/")
    # Refused by DRF, as it would be without kept answers, not served them.
    answer = client.get("/api/status/", HTTP_AUTHORIZATION="Token not-a-token")
    assert answer.status_code == 401


def test_kept_answers_are_not_counted_against_the_rate_limit(
    client: Client, world: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "5/minute"}
    )
    statuses = [client.get("/api/status/").status_code for _ in range(5)]
    assert statuses == [200] * 5
    # The derived answer was counted; work that derives is still limited.
    lists = [client.get("/api/troop-counts/").status_code for _ in range(2)]
    assert lists == [200, 429]


@pytest.mark.parametrize(
    "lost",
    [OperationalError("connection refused"), InterfaceError("connection closed")],
    ids=["refused", "closed"],
)
def test_a_database_outage_is_a_503_after_one_attempt(
    client: Client, world: None, lost: Exception
) -> None:
    client.get("/api/status/")
    with mock.patch.object(DataRevision, "current", side_effect=lost) as revision:
        answer = client.get("/api/status/")
    assert answer.status_code == 503
    assert answer.json()["code"] == "database_unavailable"
    assert answer["Retry-After"]
    assert revision.call_count == 1  # not again further down the stack


def test_an_answer_made_before_the_database_went_is_still_sent(
    client: Client, world: None
) -> None:
    with mock.patch(
        "deployments.kept_answers.keep", side_effect=OperationalError("gone")
    ):
        answer = client.get("/api/status/")
    assert answer.status_code == 200
    assert b"CAN" in answer.content


@pytest.mark.parametrize(
    "elsewhere", [{"HTTP_HOST": "localhost"}, {"secure": True}], ids=["host", "https"]
)
def test_answers_for_another_host_or_scheme_are_kept_apart(
    client: Client, world: None, elsewhere: dict[str, Any]
) -> None:
    client.get("/api/status/")
    with status_lists_counted() as listed:
        assert client.get("/api/status/", **elsewhere).status_code == 200
        assert client.get("/api/status/", **elsewhere).status_code == 200
    assert listed.call_count == 1  # derived for it once, then kept


def test_an_unusual_accept_header_goes_the_whole_way_unkept(
    client: Client, world: None
) -> None:
    unusual = "application/json;q=0.9, text/plain;q=0.1"
    with status_lists_counted() as listed:
        for _ in range(2):
            assert client.get("/api/status/", HTTP_ACCEPT=unusual).status_code == 200
    assert listed.call_count == 2


def test_the_pages_keep_one_answer_whatever_the_accept_header(
    client: Client, world: None
) -> None:
    page = client.get("/", HTTP_ACCEPT="text/html,application/xhtml+xml;q=0.9")
    with nothing_after_kept_answers_runs():
        again = client.get("/", HTTP_ACCEPT="*/*")
    assert again.content == page.content


def test_a_head_request_is_answered_from_the_kept_answer(
    client: Client, world: None
) -> None:
    first = client.get("/api/status/")
    with nothing_after_kept_answers_runs():
        head = client.head("/api/status/")
    assert head.status_code == 200
    assert head["ETag"] == first["ETag"]
    assert head["Content-Type"] == first["Content-Type"]


def test_an_answer_that_sets_a_cookie_is_not_kept(client: Client, world: None) -> None:
    def with_a_cookie(response: HttpResponse) -> HttpResponse:
        response.set_cookie("seen", "yes")
        return response

    with mock.patch.object(
        views, "render", side_effect=lambda *a, **k: with_a_cookie(render(*a, **k))
    ):
        first = client.get("/")
    assert first.cookies["seen"].value == "yes"
    with mock.patch.object(views, "filtered_rows", wraps=views.filtered_rows) as rows:
        client.get("/")
    assert rows.call_count == 1


def test_the_browsable_api_which_hands_out_a_csrf_token_is_not_kept(
    client: Client, world: None
) -> None:
    first = client.get("/api/status/", HTTP_ACCEPT="text/html")
    assert first.cookies[settings.CSRF_COOKIE_NAME].value  # a token for this reader
    with status_lists_counted() as listed:
        again = client.get("/api/status/", HTTP_ACCEPT="text/html")
    assert listed.call_count == 1
    assert "private" in again["Cache-Control"]


def is_kept(url: str, accept: str = "") -> bool:
    """Whether an anonymous answer to ``url`` is kept at the current revision."""
    revision = DataRevision.current()
    assert revision is not None
    parts = (f"http://testserver{url}", accept)
    return recall(CACHE_NAME, parts, revision) is not MISSING


# Query parameters the views do not read: each is answered in full, and
# keeping a copy of the same answer per value would fill the shared cache.
UNREAD_PARAMETERS = [
    "/?junk=1",
    "/?utm_source=newsletter&host=IRQ",
    "/status.csv?utm_source=newsletter",
    "/api/status/?junk=1",
    "/api/status/?format=csv&utm_campaign=spring",
    # Only the last of a repeated parameter is read.
    "/?host=junk&host=IRQ",
    # The CSV has every row at once: a page number changes nothing in it.
    "/status.csv?page=7",
]


@pytest.mark.parametrize("url", UNREAD_PARAMETERS)
def test_an_answer_to_a_parameter_its_view_does_not_read_is_whole_but_not_kept(
    client: Client, world: None, url: str
) -> None:
    with (
        mock.patch.object(views, "filtered_rows", wraps=views.filtered_rows) as derived,
        status_lists_counted() as listed,
    ):
        answers = [client.get(url) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert all(b"CAN" in answer.content for answer in answers)
    assert derived.call_count + listed.call_count == 2  # made afresh each time
    assert not is_kept(url)


@pytest.mark.parametrize(
    "url",
    [
        "/?host=IRQ&stance=staying&sort=-troops&page=1",
        "/?as_of=&kind=&conflict=&outcome=",
        "/status.csv?host=IRQ&bom=true",
        "/api/status/?nation=CAN&host=IRQ&page_size=10&page=1",
        "/api/status/?format=csv&bom=true&as_of=2020-01-01",
    ],
)
def test_an_answer_to_parameters_its_view_reads_is_kept(
    client: Client, world: None, url: str
) -> None:
    first = client.get(url)
    assert first.status_code == 200
    assert is_kept(url)
    with no_view_runs():
        again = client.get(url)
    assert again.content == first.content
