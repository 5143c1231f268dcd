"""Every edit is kept: an object's versions, and a feed of every change."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from pytest_django import DjangoAssertNumQueries
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deployments.api.history import encode_cursor
from deployments.models import Change, Intention, Precision
from deployments.models.changes import feed_horizon
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db

# The feed asks PostgreSQL for its horizon first (see deployments.models.changes).
HORIZON_QUERIES = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def staff_client(db: None) -> APIClient:
    """A staff member (who may see who changed what), reading only."""
    chief = User.objects.create_user("chief", password="not-used", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=chief)}")
    return client


def test_history_lists_versions_with_what_changed(
    editor_client: APIClient, staff_client: APIClient, editor: User
) -> None:
    intention = IntentionFactory(speaker="First")
    url = f"/api/intentions/{intention.pk}/"
    editor_client.patch(url, {"speaker": "Second"}, format="json")

    history = staff_client.get(f"{url}history/").json()

    assert [entry["action"] for entry in history] == ["changed", "created"]
    latest = history[0]
    assert (latest["by"], latest["version"]) == (editor.username, 2)
    assert latest["changes"] == {
        "speaker": {"from": "First", "to": "Second"},
        "version": {"from": 1, "to": 2},
    }
    assert latest["record"]["speaker"] == "Second"


def test_history_keeps_json_types_and_names_nations_by_code(
    api_client: APIClient,
) -> None:
    count = TroopCountFactory(
        nation__code="FRA", troops=None, precision=Precision.UNKNOWN
    )
    intention = IntentionFactory(nation=count.nation, temporary=False)

    (created,) = api_client.get(f"/api/troop-counts/{count.pk}/history/").json()
    (stated,) = api_client.get(f"/api/intentions/{intention.pk}/history/").json()

    assert created["record"] | {"excerpt": ""} == {
        "id": count.pk,
        "nation": "FRA",
        "host": "IRQ",
        "deployment": count.deployment_id,
        "troops": None,
        "troops_low": None,
        "troops_high": None,
        "precision": "unknown",
        "figure_text": count.figure_text,
        "counted_on": "2020-01-08",
        "location": "",
        "source": count.source.pk,
        "excerpt": "",
        "standing": "asserted",
        "standing_changed_on": None,
        "standing_note": "",
        "version": 1,
    }
    record = stated["record"]
    assert (record["nation"], record["destination"]) == ("FRA", None)
    assert record["temporary"] is False
    assert record["troops_affected"] is None


def test_history_of_a_nation_shows_its_code_not_its_internal_id(
    api_client: APIClient,
) -> None:
    NationFactory(code="ROU", name="Romania")
    (created,) = api_client.get("/api/nations/ROU/history/").json()
    assert created["record"] == {
        "code": "ROU",
        "name": "Romania",
        "kind": "state",
        "version": 1,
    }


def test_history_names_a_deleted_nation_by_the_code_it_had(
    editor_client: APIClient,
) -> None:
    count = TroopCountFactory(nation__code="NZL")
    nation = count.nation
    editor_client.delete(f"/api/troop-counts/{count.pk}/")
    nation.delete()
    (deleted, _) = editor_client.get(f"/api/troop-counts/{count.pk}/history/").json()
    assert deleted["record"]["nation"] == "NZL"


def test_history_of_a_deleted_record_is_still_there(editor_client: APIClient) -> None:
    intention = IntentionFactory()
    url = f"/api/intentions/{intention.pk}/"
    editor_client.delete(url)
    assert editor_client.get(url).status_code == 404
    history = editor_client.get(f"{url}history/").json()
    assert [entry["action"] for entry in history] == ["deleted", "created"]


def test_history_of_a_nation_is_found_by_code(api_client: APIClient) -> None:
    NationFactory(code="ROU", name="Romania")
    response = api_client.get("/api/nations/ROU/history/")
    assert [entry["record"]["code"] for entry in response.json()] == ["ROU"]
    assert api_client.get("/api/nations/XYZ/history/").status_code == 404


def test_public_sees_the_role_and_staff_the_username_in_history(
    api_client: APIClient,
    editor_client: APIClient,
    staff_client: APIClient,
    editor: User,
) -> None:
    editor.username = "ed.smith"
    editor.save()
    source = SourceFactory()
    editor_client.patch(
        f"/api/sources/{source.pk}/", {"url": "https://a.example"}, format="json"
    )
    url = f"/api/sources/{source.pk}/history/"

    def authors(client: APIClient) -> list[str | None]:
        return [entry["by"] for entry in client.get(url).json()]

    # Created by the factory (no user), then changed by the editor.
    assert authors(api_client) == ["editor", None]
    assert authors(editor_client) == ["editor", None]  # an editor, not staff
    assert authors(staff_client) == ["ed.smith", None]
    assert "ed.smith" not in api_client.get(url).text


def test_history_takes_two_queries(
    api_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    intention = IntentionFactory()
    for speaker in ("a", "b", "c"):
        intention.speaker = speaker
        intention.save()
    # 1. the revision, for the validators; 2. the record's versions with
    # their authors; 3. the codes of its nations
    with django_assert_num_queries(3):
        response = api_client.get(f"/api/intentions/{intention.pk}/history/")
    assert len(response.json()) == 4


# The change feed -----------------------------------------------------------
#
# The feed hands out only what no running transaction can add to; on
# PostgreSQL a test's own wrapping transaction would hold it back, so these
# tests commit as production does.
feed_test = pytest.mark.django_db(transaction=True)


def wait_for_the_horizon_to_pass_our_writes(timeout: float = 60) -> None:
    """On PostgreSQL the horizon is the whole server's oldest running
    transaction, so another database's transaction may hold it back for a
    while: wait for it to pass everything this test wrote."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = Change.objects.aggregate(latest=Max("transaction_id"))["latest"]
        horizon = feed_horizon()
        if horizon is None or latest is None or horizon > latest:
            return
        time.sleep(0.05)
    raise AssertionError("a transaction held the feed back for a minute")


def read_feed(client: APIClient, **params: object) -> dict:
    wait_for_the_horizon_to_pass_our_writes()
    response = client.get("/api/changes/", params)
    assert response.status_code == 200, response.content
    return response.json()


@feed_test
def test_changes_include_deletions_across_types_named_as_the_api_names_them(
    editor_client: APIClient,
) -> None:
    count = TroopCountFactory(nation__code="CAN")
    intention = IntentionFactory(nation=count.nation)
    editor_client.delete(f"/api/intentions/{intention.pk}/")

    changes = read_feed(editor_client)["results"]

    named = [
        (change["record_type"], change["code"] or change["record_id"], change["action"])
        for change in changes
    ]
    assert named == [
        ("nation", "CAN", "created"),
        ("nation", "IRQ", "created"),
        ("source", count.source.pk, "created"),
        ("deployment", count.deployment_id, "created"),
        ("troop_count", count.pk, "created"),
        ("source", intention.source.pk, "created"),
        ("intention", intention.pk, "created"),
        ("intention", intention.pk, "deleted"),
    ]
    assert changes[0]["record_id"] is None
    assert not Intention.objects.filter(pk=intention.pk).exists()
    for change in changes:
        lookup = change["code"] or change["record_id"]
        path = change["record_type"].replace("_", "-") + "s"
        history = editor_client.get(f"/api/{path}/{lookup}/history/")
        assert history.status_code == 200, change


@feed_test
def test_paging_with_the_cursor_sees_every_change_once_in_order(
    api_client: APIClient,
) -> None:
    for _ in range(7):
        SourceFactory()
    first = read_feed(api_client, page_size=3)
    assert first["has_more"] is True
    seen = [change["history_id"] for change in first["results"]]
    cursor = first["next"]
    while True:
        page = read_feed(api_client, cursor=cursor, page_size=3)
        seen += [change["history_id"] for change in page["results"]]
        cursor = page["next"]
        if not page["has_more"]:
            break

    assert len(seen) == len(set(seen)) == 7
    # Nothing new: an empty page, and the same cursor to poll with.
    empty = read_feed(api_client, cursor=cursor)
    assert (empty["results"], empty["next"]) == ([], cursor)
    SourceFactory(title="Later")
    (later,) = read_feed(api_client, cursor=cursor)["results"]
    assert later["history_id"] not in seen


@feed_test
def test_since_still_starts_the_feed_at_a_moment(api_client: APIClient) -> None:
    SourceFactory()
    before = timezone.now() - datetime.timedelta(microseconds=1)
    nation = NationFactory(code="CAN")

    page = read_feed(api_client, since=before.isoformat())

    assert [change["code"] for change in page["results"]] == [nation.code]
    assert read_feed(api_client, cursor=page["next"])["results"] == []


@feed_test
def test_since_with_nothing_yet_hands_out_a_cursor_that_waits_for_it(
    api_client: APIClient,
) -> None:
    page = read_feed(api_client, since=timezone.now().isoformat())
    assert page["results"] == []
    NationFactory(code="CAN")
    (created,) = read_feed(api_client, cursor=page["next"])["results"]
    assert created["code"] == "CAN"


@feed_test
def test_public_sees_the_role_and_staff_the_username_in_the_feed(
    api_client: APIClient,
    editor_client: APIClient,
    staff_client: APIClient,
    editor: User,
) -> None:
    editor.username = "ed.smith"
    editor.save()
    editor_client.post(
        "/api/nations/", {"code": "CAN", "name": "Canada"}, format="json"
    )
    NationFactory(code="USA")  # by a program, not a user

    public = read_feed(api_client)
    staff = read_feed(staff_client)

    assert [change["by"] for change in public["results"]] == ["editor", None]
    assert [change["by"] for change in staff["results"]] == ["ed.smith", None]
    assert "ed.smith" not in str(public)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?since=yesterday", "since"),
        ("?since=2020-13-01T00:00", "since"),
        ("?cursor=not-a-cursor", "cursor"),
        (f"?cursor={encode_cursor({'t': -1, 'i': 0})}", "cursor"),
        (f"?cursor={encode_cursor({'t': 0})}", "cursor"),
        (f"?cursor={encode_cursor({'t': 2**63, 'i': 0})}", "cursor"),
        (f"?cursor={encode_cursor({'s': 'never'})}", "cursor"),
        (f"?cursor={encode_cursor({'t': 0, 'i': 0})}&since=2020-01-01T00:00Z", "since"),
        ("?page_size=0", "page_size"),
        ("?page_size=1001", "page_size"),
    ],
)
def test_changes_refuse_a_malformed_cursor_or_time(
    api_client: APIClient, query: str, field: str
) -> None:
    response = api_client.get(f"/api/changes/{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@feed_test
@pytest.mark.parametrize("records", [1, 10])
def test_changes_query_count_is_fixed(
    api_client: APIClient,
    records: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(records):
        IntentionFactory()
    # 1. the revision (on PostgreSQL with the horizon), for the validators;
    # (PostgreSQL: the horizon;) 2. a page of changes, one more to see if
    # more wait
    wait_for_the_horizon_to_pass_our_writes()
    with django_assert_num_queries(2 + HORIZON_QUERIES):
        response = api_client.get("/api/changes/", {"page_size": 1000})
    page = response.json()
    # each intention brings a nation, a host (shared), a source, a deployment
    # and itself
    assert len(page["results"]) == records * 4 + 1


def test_schema_describes_the_cursor_and_the_page_it_comes_in() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    feed = schema["paths"]["/api/changes/"]["get"]
    parameters = {parameter["name"] for parameter in feed["parameters"]}
    assert {"cursor", "since", "page_size"} <= parameters
    page = feed["responses"]["200"]["content"]["application/json"]["schema"]
    name = page["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][name]["properties"]
    assert set(fields) == {"next", "has_more", "results"}
    change = schema["components"]["schemas"]["Change"]["properties"]
    assert change["record_id"]["nullable"] and change["code"]["nullable"]
