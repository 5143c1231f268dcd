"""Configuration comes from the environment and fails loudly when wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tracker.settings import envbool, envint, envlist

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
