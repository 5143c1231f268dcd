"""Every read of derived or listed data carries an ETag and Last-Modified from
the data's revision; a revalidation that still holds is answered 304 for one
query, before anything is derived, and any write makes the next one a 200."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils.http import http_date
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import Nation
from deployments.models.revision import SINGLETON_ID, DataRevision
from deployments.status import current
from deployments.validators import (
    EARLIEST_TIME_REVISION,
    LAST_MODIFIED_MARGIN_SECONDS,
    last_modified_of,
)
from tests.factories import (
    IntentionFactory,
    NationFactory,
    TroopCountFactory,
    reported_count,
)

pytestmark = pytest.mark.django_db

# Every read of derived or listed data, the API's in JSON and CSV.
READS = [
    "/api/status/",
    "/api/status/?format=csv",
    "/api/conflicts/",
    "/api/nations/",
    "/api/sources/",
    "/api/deployments/",
    "/api/troop-counts/",
    "/api/intentions/",
    "/api/troop-counts/?format=csv",
    "/api/nations/CAN/history/",
    "/api/changes/",
    "/",
    "/status.csv",
    "/nations/CAN/",
    "/feeds/status.atom",
]
A_MINUTE_AGO = int((time.time() - 60) * 1_000_000)


@pytest.fixture
def world() -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500)
    IntentionFactory(nation=canada)


def set_revision(number: int) -> None:
    """Put the revision where a test needs it. Writing its own row fires no
    trigger; in a test's transaction on PostgreSQL the triggers, deferred to a
    commit that never comes, would not move it anyway."""
    DataRevision.objects.update_or_create(id=SINGLETON_ID, defaults={"number": number})


@pytest.fixture
def unchanged_for_a_minute(world: None) -> None:
    set_revision(A_MINUTE_AGO)


@pytest.fixture
def staff_client(db: None) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.create_user("chief", is_staff=True))
    return client


@pytest.fixture
def derive_status_spy() -> Iterator[mock.MagicMock]:
    with mock.patch.object(
        current, "derive_status", wraps=current.derive_status
    ) as spy:
        yield spy


@pytest.mark.parametrize("url", READS)
def test_every_read_carries_a_strong_etag_and_last_modified(
    url: str, api_client: APIClient, unchanged_for_a_minute: None
) -> None:
    response = api_client.get(url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"')  # strong: no W/
    assert response["Last-Modified"] == http_date(A_MINUTE_AGO // 1_000_000)


@pytest.mark.parametrize("url", READS)
def test_our_own_etag_is_answered_304_with_an_empty_body_for_one_query(
    url: str,
    api_client: APIClient,
    unchanged_for_a_minute: None,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    first = api_client.get(url)

    # 1. the revision (on PostgreSQL, with the change feed's horizon)
    with django_assert_max_num_queries(1):
        again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    # A 304 repeats what a cache needs to keep using its copy.
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again.get("Vary") == first.get("Vary")


@pytest.mark.parametrize(
    "condition",
    [
        {"HTTP_IF_MODIFIED_SINCE": http_date(A_MINUTE_AGO // 1_000_000)},
        {"HTTP_IF_NONE_MATCH": "*"},
    ],
    ids=["If-Modified-Since", "If-None-Match-any"],
)
@pytest.mark.parametrize("url", READS)
def test_other_revalidations_that_hold_are_304_once_the_read_is_made(
    url: str,
    condition: dict[str, str],
    api_client: APIClient,
    unchanged_for_a_minute: None,
) -> None:
    first = api_client.get(url)

    again = api_client.get(url, **condition)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again.get("Vary") == first.get("Vary")


def test_a_weak_copy_of_our_etag_is_answered_before_the_status_is_derived(
    api_client: APIClient,
    unchanged_for_a_minute: None,
    derive_status_spy: mock.MagicMock,
) -> None:
    etag = api_client.get("/api/status/")["ETag"]
    derive_status_spy.reset_mock()

    # As a proxy that compresses the answer may have weakened it.
    again = api_client.get("/api/status/", HTTP_IF_NONE_MATCH=f'W/{etag}, "other"')

    assert again.status_code == 304
    derive_status_spy.assert_not_called()


# Bad input, whatever copy the client says it holds: RFC 9110 13.2.1, a
# server ignores preconditions when the answer without them is not a 2xx.
REFUSED = [
    ("/nations/ZZZ/", 404),
    ("/api/nations/ZZZ/history/", 404),
    ("/api/troop-counts/?cursor=garbage", 400),
    ("/api/status/?as_of=bad", 400),
    ("/status.csv?bom=maybe", 400),
    ("/?page=999", 404),
]


@pytest.mark.parametrize(
    "condition",
    [
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_MODIFIED_SINCE": http_date(time.time())},
    ],
    ids=["If-None-Match-any", "If-Modified-Since"],
)
@pytest.mark.parametrize(("url", "status"), REFUSED)
def test_a_refused_read_is_its_error_even_with_a_precondition(
    url: str,
    status: int,
    condition: dict[str, str],
    api_client: APIClient,
    unchanged_for_a_minute: None,
) -> None:
    response = api_client.get(url, **condition)

    assert response.status_code == status
    assert not response.has_header("ETag")


@pytest.mark.parametrize(("url", "status"), REFUSED)
def test_a_refused_read_is_its_error_even_with_if_match(
    url: str, status: int, api_client: APIClient, unchanged_for_a_minute: None
) -> None:
    # Not a 412: there is no representation whose tag could have matched.
    response = api_client.get(url, HTTP_IF_MATCH='"not-this-one"')

    assert response.status_code == status


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/api/status/", {}),
        ("/api/status/?format=csv", {}),
        ("/api/status/", {"HTTP_ACCEPT": "text/csv"}),
        ("/", {}),
        ("/status.csv", {}),
        ("/nations/CAN/", {}),
    ],
)
def test_304_answers_before_the_status_is_derived(
    url: str,
    headers: dict[str, str],
    api_client: APIClient,
    unchanged_for_a_minute: None,
    derive_status_spy: mock.MagicMock,
) -> None:
    # This test's transaction has written, so nothing is cached: every 200
    # derives the status afresh.
    first = api_client.get(url, **headers)
    assert derive_status_spy.called
    derive_status_spy.reset_mock()

    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **headers)

    assert again.status_code == 304
    derive_status_spy.assert_not_called()


def test_conflicts_and_feed_are_not_derived_for_a_304(
    api_client: APIClient, unchanged_for_a_minute: None
) -> None:
    targets = [
        ("/api/conflicts/", "deployments.status.conflicts.derive_conflicts"),
        ("/feeds/status.atom", "deployments.status.changes._derive_status_changes"),
    ]
    for url, derivation in targets:
        etag = api_client.get(url)["ETag"]
        with mock.patch(derivation) as derive:
            assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        derive.assert_not_called()


def test_each_representation_has_its_own_etag(
    api_client: APIClient, world: None
) -> None:
    etags = {
        api_client.get("/api/status/")["ETag"],
        api_client.get("/api/status/?format=json")["ETag"],
        api_client.get("/api/status/?format=csv")["ETag"],
        api_client.get("/api/status/", HTTP_ACCEPT="text/csv")["ETag"],
        api_client.get("/api/status/", HTTP_ACCEPT="text/html")["ETag"],
        api_client.get("/api/status/?nation=CAN")["ETag"],
        api_client.get("/api/status/", HTTP_HOST="localhost")["ETag"],
    }

    assert len(etags) == 7


def test_the_same_representation_keeps_its_etag(
    api_client: APIClient, world: None
) -> None:
    assert (
        api_client.get("/api/status/")["ETag"] == api_client.get("/api/status/")["ETag"]
    )


def test_anonymous_signed_in_and_staff_readers_get_different_etags(
    api_client: APIClient, editor_client: APIClient, staff_client: APIClient
) -> None:
    IntentionFactory()
    etags = [
        client.get("/api/changes/")["ETag"]
        for client in (api_client, editor_client, staff_client)
    ]

    assert len(set(etags)) == 3
    # The staff's tag does not validate the public's answer, which hides names.
    public = api_client.get("/api/changes/", HTTP_IF_NONE_MATCH=etags[2])
    assert public.status_code == 200


def test_the_etag_of_one_read_does_not_validate_another(
    api_client: APIClient, world: None
) -> None:
    etag = api_client.get("/api/nations/")["ETag"]

    assert api_client.get("/api/sources/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api_client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_waits_until_its_second_is_safely_past() -> None:
    now = 1_700_000_000.5
    just_now = int(now * 1_000_000)
    long_ago = int((now - 3600) * 1_000_000)

    assert last_modified_of(just_now, now) is None
    assert last_modified_of(just_now, now + LAST_MODIFIED_MARGIN_SECONDS) == int(now)
    assert last_modified_of(long_ago, now) == int(now) - 3600


def test_a_revision_from_before_the_triggers_gives_no_last_modified() -> None:
    # Then the revision was a plain counter, not a time.
    assert last_modified_of(42, time.time()) is None
    assert last_modified_of(EARLIEST_TIME_REVISION - 1, time.time()) is None


def test_without_the_revision_row_reads_carry_no_validators(
    api_client: APIClient, world: None
) -> None:
    DataRevision.objects.all().delete()

    response = api_client.get("/api/status/", HTTP_IF_NONE_MATCH='"anything"')

    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")
    assert "public" in response["Cache-Control"]


def test_record_detail_keeps_the_version_etag_that_writers_send_back(
    api_client: APIClient, editor_client: APIClient, world: None
) -> None:
    read = api_client.get("/api/nations/CAN/")
    assert read["ETag"] == '"v1"'

    # The version does not cover what the record's answer shows of others
    # (here none, but a count shows its nation's name, a statement its
    # outcome), so it is never answered 304.
    assert (
        api_client.get("/api/nations/CAN/", HTTP_IF_NONE_MATCH=read["ETag"]).status_code
        == 200
    )
    renamed = editor_client.patch(
        "/api/nations/CAN/",
        {"name": "Canada (renamed)"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert (renamed.status_code, renamed["ETag"]) == (200, '"v2"')
    stale = editor_client.patch(
        "/api/nations/CAN/",
        {"name": "Canada again"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert stale.status_code == 412


# Revalidating after a write: the transactions commit, as in production, so
# that the triggers move the revision.

RENAMED = b"Canada (renamed)"
# Every read of derived or listed data, and what it shows of the nation's
# renaming once it shows it. The maps are drawn inside the pages ("/" and the
# nation's), so they are revalidated with them.
SHOWS_THE_RENAMING = {
    "/api/status/": RENAMED,
    "/api/status/?format=csv": RENAMED,
    "/": RENAMED,
    "/status.csv": RENAMED,
    "/nations/CAN/": RENAMED,
    "/feeds/status.atom": RENAMED,
    "/api/nations/": RENAMED,
    "/api/nations/?format=csv": RENAMED,
    "/api/deployments/": RENAMED,
    "/api/deployments/?format=csv": RENAMED,
    "/api/troop-counts/": RENAMED,
    "/api/troop-counts/?format=csv": RENAMED,
    "/api/intentions/": RENAMED,
    "/api/intentions/?format=csv": RENAMED,
    "/api/conflicts/": RENAMED,
    "/api/nations/CAN/history/": RENAMED,
    # The feed names nations by code, and lists only creations before it.
    "/api/changes/": b'"action":"changed"',
}
# These list the records' versions, which a queryset's update() does not make
# (django-simple-history hears no signal of it): there the ORM write saves.
LISTS_VERSIONS = {"/api/nations/CAN/history/", "/api/changes/"}


def write_through_the_api(editor_client: APIClient) -> None:
    response = editor_client.patch(
        "/api/nations/CAN/", {"name": "Canada (renamed)"}, format="json"
    )
    assert response.status_code == 200, response.content


def write_through_the_orm(editor_client: APIClient) -> None:
    Nation.objects.filter(code="CAN").update(name="Canada (renamed)")


def save_through_the_orm(editor_client: APIClient) -> None:
    canada = Nation.objects.get(code="CAN")
    canada.name = "Canada (renamed)"
    canada.save()


def revalidations() -> list[object]:
    cases = []
    for url, shown in SHOWS_THE_RENAMING.items():
        orm_write = (
            save_through_the_orm if url in LISTS_VERSIONS else write_through_the_orm
        )
        for write in (write_through_the_api, orm_write):
            cases.append(pytest.param(url, write, shown, id=f"{url}-{write.__name__}"))
    return cases


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("url", "write", "shown"), revalidations())
def test_revalidating_after_a_write_is_200_with_a_new_etag(
    url: str,
    write: object,
    shown: bytes,
    api_client: APIClient,
    editor_client: APIClient,
) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    # Two outlets disagree, so that there is a conflict to list.
    reported_count(canada, 1000, datetime.date(2020, 1, 8), "Outlet A")
    reported_count(canada, 600, datetime.date(2020, 1, 10), "Outlet B")
    IntentionFactory(nation=canada)
    before = api_client.get(url)
    assert before.status_code == 200
    assert shown not in before.content
    unchanged = api_client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    write(editor_client)  # type: ignore[operator]
    after = api_client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert shown in after.content
    again = api_client.get(url, HTTP_IF_NONE_MATCH=after["ETag"])
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.django_db(transaction=True)
def test_if_modified_since_before_a_write_is_200(api_client: APIClient) -> None:
    TroopCountFactory(nation=NationFactory(code="CAN", name="Canada"))
    set_revision(A_MINUTE_AGO)
    last_modified = api_client.get("/api/status/")["Last-Modified"]

    Nation.objects.filter(code="CAN").update(name="Canada (renamed)")
    # Within the write's second there is no Last-Modified to compare with...
    just_after = api_client.get("/api/status/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert just_after.status_code == 200
    assert not just_after.has_header("Last-Modified")
    # ...and once it is past, the write's is later than the client's.
    later = time.time() + LAST_MODIFIED_MARGIN_SECONDS + 1
    with mock.patch("deployments.validators.time.time", return_value=later):
        later_on = api_client.get("/api/status/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert later_on.status_code == 200
    assert later_on["Last-Modified"] != last_modified


# Cache headers --------------------------------------------------------------


@pytest.mark.parametrize("url", [*READS, "/api/nations/CAN/"])
def test_anonymous_reads_may_be_kept_by_shared_caches(
    url: str, api_client: APIClient, world: None, settings: object
) -> None:
    settings.PUBLIC_CACHE_SECONDS = 7  # type: ignore[attr-defined]
    settings.STALE_WHILE_REVALIDATE_SECONDS = 70  # type: ignore[attr-defined]

    response = api_client.get(url)

    assert response["Cache-Control"] == ("public, max-age=7, stale-while-revalidate=70")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_api_reads_vary_on_accept_only(api_client: APIClient, world: None) -> None:
    assert api_client.get("/api/status/")["Vary"] == "Accept"
    assert not api_client.get("/").has_header("Vary")


@pytest.mark.parametrize(
    ("url", "signed_in_by"),
    [
        ("/api/status/", "token"),
        ("/api/status/", "session"),
        ("/api/nations/CAN/", "token"),
        # The pages know no tokens: only the admin's session signs in there.
        ("/", "session"),
        ("/nations/CAN/", "session"),
    ],
)
def test_signed_in_reads_are_private_and_still_validated(
    url: str, signed_in_by: str, editor_client: APIClient, editor: User, world: None
) -> None:
    client: Client = editor_client
    if signed_in_by == "session":
        client = Client()
        client.force_login(editor)

    response = client.get(url)

    assert response["Cache-Control"] == "private, no-cache"
    assert response.has_header("ETag")


def test_the_browsable_api_sets_its_csrf_cookie_privately(
    api_client: APIClient, world: None
) -> None:
    page = api_client.get("/api/status/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert "csrftoken" in page.cookies
    assert "public" not in page["Cache-Control"]


@pytest.mark.parametrize(
    "url", ["/api/status/?as_of=yesterday", "/nations/XYZ/", "/status.csv?bom=maybe"]
)
def test_errors_are_not_publicly_cacheable(url: str, api_client: APIClient) -> None:
    response = api_client.get(url)

    assert response.status_code in (400, 404)
    assert "public" not in response.get("Cache-Control", "")
    assert not response.has_header("ETag")


def test_writes_are_not_publicly_cacheable(
    editor_client: APIClient, world: None
) -> None:
    response = editor_client.patch(
        "/api/nations/CAN/", {"name": "Canada (renamed)"}, format="json"
    )

    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_logging_in_still_works_with_csrf_checks(editor: User) -> None:
    editor.set_password("a long enough password")
    editor.is_staff = True
    editor.save()
    for login_url in ("/admin/login/", "/api/auth/login/"):
        browser = Client(enforce_csrf_checks=True)
        form = browser.get(login_url)
        token = form.cookies["csrftoken"].value
        logged_in = browser.post(
            login_url,
            {
                "username": "editor",
                "password": "a long enough password",
                "csrfmiddlewaretoken": token,
            },
        )
        assert logged_in.status_code == 302, login_url
        assert "sessionid" in logged_in.cookies
        assert "public" not in logged_in.get("Cache-Control", "")
