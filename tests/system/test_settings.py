"""Configuration comes from the environment and fails loudly when wrong, as
seen by a fresh interpreter that imports the settings with exactly the
environment given.

The settings' helpers are tested in-process in tests/test_settings.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from benchmarks.servers import PROJECT


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


@pytest.mark.parametrize("value", ["*", "10.0.0.1,proxy.internal"])
def test_forwarded_allow_ips_must_name_the_proxies(value: str) -> None:
    result = load_settings(SECRET_KEY="x" * 50, FORWARDED_ALLOW_IPS=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: FORWARDED_ALLOW_IPS must" in result.stderr


@pytest.mark.parametrize(
    "variable", ["PUBLIC_CACHE_SECONDS", "STALE_WHILE_REVALIDATE_SECONDS"]
)
@pytest.mark.parametrize("value", ["-1", "half a minute"])
def test_shared_cache_seconds_must_be_a_count_of_seconds(
    variable: str, value: str
) -> None:
    result = load_settings(SECRET_KEY="x" * 50, **{variable: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable}" in result.stderr


def database_settings(**environment: str) -> dict[str, object]:
    script = (
        "import json, tracker.settings as s; print(json.dumps({"
        "'aliases': list(s.DATABASES), 'replicas': s.DATABASE_REPLICAS, "
        "'hosts': [d['HOST'] for d in s.DATABASES.values()], "
        "'timeouts': [d.get('OPTIONS', {}).get('connect_timeout') "
        "for d in s.DATABASES.values()]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], "DEBUG": "true", **environment},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_replicas_unless_listed() -> None:
    assert database_settings(DATABASE_URL="postgres://u@primary/tracker") == {
        "aliases": ["default"],
        "replicas": [],
        "hosts": ["primary"],
        "timeouts": [5],
    }


def test_each_listed_replica_is_a_database_of_its_own() -> None:
    settings = database_settings(
        DATABASE_URL="postgres://u@primary/tracker",
        DATABASE_REPLICA_URLS="postgres://u@first/tracker, postgres://u@second/tracker",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    assert settings == {
        "aliases": ["default", "replica_1", "replica_2"],
        "replicas": ["replica_1", "replica_2"],
        "hosts": ["primary", "first", "second"],
        "timeouts": [2, 2, 2],
    }
