"""Configuration comes from the environment and fails loudly when wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tracker.settings import cache_from_url, envbool, envint, envlist

PROJECT = Path(__file__).resolve().parents[1]


def load_settings(**environment: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly this environment."""
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; print(s.DEBUG)"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_mode_requires_a_secret_key() -> None:
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_debug_mode_runs_without_a_secret_key() -> None:
    result = load_settings(DEBUG="true")
    assert (result.returncode, result.stdout.strip()) == (0, "True"), result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    result = load_settings(SECRET_KEY="x" * 50)
    assert result.stdout.strip() == "False", result.stderr


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


def test_logs_are_json_lines_in_production() -> None:
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('deployments').warning('figure changed')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": "x" * 50,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    # Every line is JSON (libraries log at start-up too); ours is among them.
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {
        "level": "WARNING",
        "name": "deployments",
        "message": "figure changed",
    }.items() <= lines[-1].items()


def test_redis_cache_url_gives_a_working_shared_cache() -> None:
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    cache = RedisCache(str(cache_from_url(url)["LOCATION"]), {"KEY_PREFIX": "tests"})
    cache.set("figure", {"USA": 5200}, timeout=10)
    assert cache.get("figure") == {"USA": 5200}
    cache.delete("figure")


@pytest.mark.parametrize("value", ["*", "10.0.0.1,proxy.internal"])
def test_forwarded_allow_ips_must_name_the_proxies(value: str) -> None:
    result = load_settings(SECRET_KEY="x" * 50, FORWARDED_ALLOW_IPS=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: FORWARDED_ALLOW_IPS must" in result.stderr
