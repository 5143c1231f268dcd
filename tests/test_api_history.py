"""Every edit is kept: an object's versions, and what changed since a moment."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from deployments.models import Intention
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


def test_history_lists_versions_with_author_and_changes(
    editor_client: APIClient, editor: User
) -> None:
    intention = IntentionFactory(speaker="First")
    url = f"/api/intentions/{intention.pk}/"
    editor_client.patch(url, {"speaker": "Second"}, format="json")

    history = editor_client.get(f"{url}history/").json()

    assert [entry["action"] for entry in history] == ["changed", "created"]
    latest = history[0]
    assert (latest["by"], latest["version"]) == (editor.username, 2)
    assert latest["changes"] == {
        "speaker": {"from": "First", "to": "Second"},
        "version": {"from": "1", "to": "2"},
    }
    assert latest["record"]["speaker"] == "Second"


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


def test_history_takes_one_query(
    api_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    intention = IntentionFactory()
    for speaker in ("a", "b", "c"):
        intention.speaker = speaker
        intention.save()
    # 1. the record's versions with their authors
    with django_assert_num_queries(1):
        response = api_client.get(f"/api/intentions/{intention.pk}/history/")
    assert len(response.json()) == 4


def test_changes_since_include_deletions_across_types(
    editor_client: APIClient,
) -> None:
    before = timezone.now()
    count = TroopCountFactory(nation__code="CAN")
    intention = IntentionFactory(nation=count.nation)
    editor_client.delete(f"/api/intentions/{intention.pk}/")
    # Anything before `since` is left out.
    since = (before - datetime.timedelta(microseconds=1)).isoformat()

    response = editor_client.get("/api/changes/", {"since": since})

    assert response.status_code == 200
    changes = [
        (change["record_type"], change["action"])
        for change in response.json()["results"]
    ]
    assert ("intention", "deleted") in changes
    assert ("troop_count", "created") in changes
    deleted = next(c for c in response.json()["results"] if c["action"] == "deleted")
    assert deleted["record_id"] == intention.pk
    assert not Intention.objects.filter(pk=intention.pk).exists()
    later = editor_client.get(
        "/api/changes/", {"since": response.json()["results"][-1]["at"]}
    )
    assert later.json()["results"] == []


@pytest.mark.parametrize("query", ["", "?since=yesterday", "?since=2020-13-01T00:00"])
def test_changes_need_a_valid_since(api_client: APIClient, query: str) -> None:
    response = api_client.get(f"/api/changes/{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]


@pytest.mark.parametrize("records", [1, 10])
def test_changes_query_count_is_fixed(
    api_client: APIClient,
    records: int,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(records):
        IntentionFactory()
    # 1. count of the union for the paginator; 2. the page of the union
    with django_assert_num_queries(2):
        response = api_client.get("/api/changes/?since=2000-01-01T00:00:00Z")
    # each intention brings a nation, a host (shared), a source and itself
    assert response.json()["count"] == records * 3 + 1
