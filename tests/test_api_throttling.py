"""Rate limits: too many requests get 429 with Retry-After."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once, at import; tests lower them in place.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )


def test_anonymous_client_is_limited(api_client: APIClient, low_limits: None) -> None:
    statuses = [api_client.get("/api/status/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api_client.get("/api/status/")
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_authenticated_client_has_its_own_larger_limit(
    editor_client: APIClient, low_limits: None
) -> None:
    statuses = [editor_client.get("/api/nations/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
