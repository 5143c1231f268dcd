"""Anyone may read; each write needs the matching Django model permission."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from deployments.models import Intention, Nation, Source, TroopCount
from tests.conftest import user_with_permissions
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = {
    # resource: (model, permission name, make a record -> detail URL, new body)
    "nations": (
        Nation,
        "nation",
        lambda: f"/api/nations/{NationFactory(code='ROU', name='Romania').code}/",
        lambda: {"code": "GBR", "name": "United Kingdom", "kind": "state"},
    ),
    "sources": (
        Source,
        "source",
        lambda: f"/api/sources/{SourceFactory().pk}/",
        lambda: {"title": "T", "publisher": "P", "published_on": "2020-01-08"},
    ),
    "troop-counts": (
        TroopCount,
        "troopcount",
        lambda: f"/api/troop-counts/{TroopCountFactory(nation__code='USA').pk}/",
        lambda: {
            "nation": "USA",
            "host": "IRQ",
            "troops": 10,
            "precision": "exact",
            "counted_on": "2020-01-01",
            "source": SourceFactory().pk,
            "excerpt": "ten",
        },
    ),
    "intentions": (
        Intention,
        "intention",
        lambda: f"/api/intentions/{IntentionFactory(nation__code='USA').pk}/",
        lambda: {
            "nation": "USA",
            "host": "IRQ",
            "stance": "staying",
            "speaker": "S",
            "reported_on": "2020-01-08",
            "quote": "A new quote.",
            "source": SourceFactory().pk,
        },
    ),
}
ACTIONS = {"add": "post", "change": "patch", "delete": "delete"}


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = Token.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def attempt(
    client: APIClient, action: str, detail_url: str, body: Callable[[], dict]
) -> int:
    if action == "add":
        list_url = detail_url.rsplit("/", 2)[0] + "/"
        return client.post(list_url, body(), format="json").status_code
    if action == "change":
        return client.patch(detail_url, {}, format="json").status_code
    return client.delete(detail_url).status_code


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("without permission", 403), ("permitted", None)],
)
def test_write_matrix(
    resource: str, action: str, who: str, expected: int | None
) -> None:
    model, codename, make_record, body = RESOURCES[resource]
    detail_url = make_record()
    before = list(model.objects.values())
    user = {
        "anonymous": None,
        "without permission": user_with_permissions("reader", f"view_{codename}"),
        "permitted": user_with_permissions("writer", f"{action}_{codename}"),
    }[who]

    status = attempt(client_for(user), action, detail_url, body)

    if expected is None:
        assert status == {"add": 201, "change": 200, "delete": 204}[action]
    else:
        assert status == expected
        assert list(model.objects.values()) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_anyone_may_read(resource: str) -> None:
    _, _, make_record, _ = RESOURCES[resource]
    detail_url = make_record()
    client = APIClient()
    assert client.get(detail_url).status_code == 200
    assert client.get(detail_url.rsplit("/", 2)[0] + "/").status_code == 200


def test_session_writes_need_the_csrf_token(editor: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        "/api/nations/", {"code": "GBR", "name": "UK", "kind": "state"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Nation.objects.filter(code="GBR").exists()


def test_unknown_token_is_refused() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post("/api/nations/", {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
