"""Rate limits: too many requests get 429 with Retry-After, counted per real
client address, which X-Forwarded-For changes only from a trusted proxy, and
still counted (per worker) while the shared cache is down."""

from __future__ import annotations

from ipaddress import ip_network
from typing import TYPE_CHECKING

import pytest
import redis.exceptions
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates once, at import; tests lower them in place.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )


def test_anonymous_client_is_limited(api_client: APIClient, low_limits: None) -> None:
    statuses = [api_client.get("/api/troop-counts/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api_client.get("/api/troop-counts/")
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_an_anonymous_request_is_counted_once(api_client: APIClient) -> None:
    api_client.get("/api/troop-counts/")
    assert len(cache.get("throttle_anon_127.0.0.1")) == 1
    assert cache.get("throttle_user_127.0.0.1") is None


def test_authenticated_client_has_its_own_larger_limit(
    editor_client: APIClient, low_limits: None
) -> None:
    statuses = [editor_client.get("/api/nations/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


PROXY = "10.0.0.1"  # the TLS proxy in front, as FORWARDED_ALLOW_IPS names it


@pytest.fixture
def behind_a_proxy(settings: Settings) -> None:
    settings.FORWARDED_ALLOW_IPS = [ip_network(PROXY)]


def test_spoofed_forwarded_for_does_not_reset_the_limit(
    api_client: APIClient, low_limits: None, behind_a_proxy: None
) -> None:
    # A client talking to us directly (not through the proxy) invents a new
    # X-Forwarded-For for every request.
    statuses = [
        api_client.get(
            "/api/troop-counts/",
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        ).status_code
        for number in range(10)
    ]
    assert statuses == [200] * 3 + [429] * 7


def test_spoofing_through_the_proxy_does_not_reset_the_limit(
    api_client: APIClient, low_limits: None, behind_a_proxy: None
) -> None:
    # The proxy appends the address it saw; what the client sent is left of it.
    statuses = [
        api_client.get(
            "/api/troop-counts/",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.7",
        ).status_code
        for number in range(6)
    ]
    assert statuses == [200] * 3 + [429] * 3


def test_clients_behind_the_proxy_are_limited_each_on_their_own(
    api_client: APIClient, low_limits: None, behind_a_proxy: None
) -> None:
    def through_proxy(client_address: str) -> int:
        return api_client.get(
            "/api/troop-counts/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
        ).status_code

    assert [through_proxy("203.0.113.7") for _ in range(4)] == [200] * 3 + [429]
    # Another reader behind the same proxy still has its whole allowance.
    assert [through_proxy("203.0.113.8") for _ in range(3)] == [200] * 3


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(
    api_client: APIClient, low_limits: None
) -> None:
    statuses = [
        api_client.get(
            "/api/troop-counts/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"
        ).status_code
        for number in range(4)
    ]
    assert statuses == [200] * 3 + [429]


class UnreachableCache:
    """A cache whose server is gone, as Django's RedisCache then behaves."""

    def get(self, *args: object, **kwargs: object) -> None:
        raise redis.exceptions.ConnectionError("Error 111 connecting. Refused.")

    set = get


def test_api_answers_and_still_limits_while_the_cache_is_down(
    api_client: APIClient, low_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SimpleRateThrottle, "cache", UnreachableCache())
    statuses = [api_client.get("/api/troop-counts/").status_code for _ in range(4)]
    # Counted in this worker's memory instead: no 500, and the limit holds.
    assert statuses == [200, 200, 200, 429]


def test_shared_counting_resumes_when_the_cache_is_back(
    api_client: APIClient, low_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.throttling.RETRY_SHARED_CACHE_SECONDS", 0)
    with monkeypatch.context() as outage:
        outage.setattr(SimpleRateThrottle, "cache", UnreachableCache())
        assert api_client.get("/api/troop-counts/").status_code == 200
    assert cache.get("throttle_anon_127.0.0.1") is None  # not counted there
    assert api_client.get("/api/troop-counts/").status_code == 200
    assert len(cache.get("throttle_anon_127.0.0.1")) == 1
