"""ETag and If-Match: a write from an old version answers 412 and changes nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from deployments.models import Intention
from tests.factories import IntentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intention() -> Intention:
    return IntentionFactory(speaker="First speaker")


def url(intention: Intention) -> str:
    return f"/api/intentions/{intention.pk}/"


def test_detail_carries_an_etag_that_follows_the_version(
    editor_client: APIClient, intention: Intention
) -> None:
    first = editor_client.get(url(intention))
    assert first["ETag"] == '"v1"'
    changed = editor_client.patch(
        url(intention), {"speaker": "Second"}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert changed.status_code == 200
    assert (changed["ETag"], changed.json()["version"]) == ('"v2"', 2)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_answers_412_and_changes_nothing(
    editor_client: APIClient, intention: Intention, method: str
) -> None:
    Intention.objects.filter(pk=intention.pk).update(speaker="Meanwhile", version=2)
    body = editor_client.get(url(intention)).json() | {"speaker": "Mine"}

    response = getattr(editor_client, method)(
        url(intention), body, format="json", HTTP_IF_MATCH='"v1"'
    )

    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    stored = Intention.objects.get(pk=intention.pk)
    assert (stored.speaker, stored.version) == ("Meanwhile", 2)
    assert stored.history.count() == 1  # only its creation


def test_writes_without_if_match_are_allowed(
    editor_client: APIClient, intention: Intention
) -> None:
    response = editor_client.patch(url(intention), {"speaker": "Mine"}, format="json")
    assert response.status_code == 200
    assert Intention.objects.get().speaker == "Mine"


def test_malformed_if_match_is_refused(
    editor_client: APIClient, intention: Intention
) -> None:
    response = editor_client.patch(
        url(intention), {"speaker": "Mine"}, format="json", HTTP_IF_MATCH="yesterday"
    )
    assert response.status_code == 412
    assert Intention.objects.get().speaker == "First speaker"


def test_if_match_star_means_any_version(
    editor_client: APIClient, intention: Intention
) -> None:
    response = editor_client.delete(url(intention), HTTP_IF_MATCH="*")
    assert response.status_code == 204


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_weak_if_match_never_matches_even_the_current_version(
    editor_client: APIClient, intention: Intention, method: str
) -> None:
    body = editor_client.get(url(intention)).json() | {"speaker": "Mine"}

    response = getattr(editor_client, method)(
        url(intention), body, format="json", HTTP_IF_MATCH='W/"v1"'
    )

    # RFC 9110 13.1.1: If-Match uses the strong comparison.
    assert response.status_code == 412
    assert "weak" in response.json()["detail"].lower()
    stored = Intention.objects.get(pk=intention.pk)
    assert (stored.speaker, stored.version) == ("First speaker", 1)


def test_a_strong_tag_beside_a_weak_one_still_counts(
    editor_client: APIClient, intention: Intention
) -> None:
    response = editor_client.patch(
        url(intention), {"speaker": "Mine"}, format="json", HTTP_IF_MATCH='W/"v7", "v1"'
    )
    assert response.status_code == 200
    assert Intention.objects.get().speaker == "Mine"
