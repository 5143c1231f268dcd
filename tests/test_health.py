"""/healthz tells a load balancer whether the database and the cache answer."""

from __future__ import annotations

from unittest import mock

import pytest
import redis.exceptions
from django.db import OperationalError
from django.test import Client
from pytest_django import DjangoAssertNumQueries

pytestmark = pytest.mark.django_db


def test_healthy_when_the_database_answers(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_database_does_not_answer(client: Client) -> None:
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "down",
        "cache": "ok",
    }


def test_degraded_but_serving_when_the_cache_does_not_answer(client: Client) -> None:
    with mock.patch(
        "tracker.health.cache.get",
        side_effect=redis.exceptions.ConnectionError("connection refused"),
    ):
        response = client.get("/healthz")
    # Still 200: everything is served without the cache, so a load balancer
    # must not take the instance out for it.
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_only_get_is_allowed(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
