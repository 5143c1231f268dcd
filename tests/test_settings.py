"""Configuration comes from the environment and fails loudly when wrong."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tracker.settings import cache_from_url, envbool, envint, envlist


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("false", False), ("0", False)]
)
def test_envbool_reads_yes_and_no(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("SOME_FLAG", raw)
    assert envbool("SOME_FLAG", not expected) is expected


def test_envbool_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        envbool("SOME_FLAG", False)


def test_envint_refuses_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_NUMBER", "sixty")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        envint("SOME_NUMBER", 60)


def test_envlist_splits_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_HOSTS", " a.example , b.example,")
    assert envlist("SOME_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for() -> None:
    # A PostgreSQL run that quietly fell back to SQLite would prove nothing.
    asked = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if asked.startswith(("postgres", "pgsql")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_cache_url_picks_the_backend(url: str, backend: str) -> None:
    assert cache_from_url(url)["BACKEND"] == backend


def test_unknown_cache_url_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://127.0.0.1")


def test_redis_cache_url_gives_a_working_shared_cache() -> None:
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    cache = RedisCache(str(cache_from_url(url)["LOCATION"]), {"KEY_PREFIX": "tests"})
    cache.set("figure", {"USA": 5200}, timeout=10)
    assert cache.get("figure") == {"USA": 5200}
    cache.delete("figure")
