"""The production recipe: gunicorn with the repository's config serves the app."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.servers import free_port, gunicorn, manage, production_env, request


def test_gunicorn_config_serves_health_and_the_article(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "not-used-here"})
    with gunicorn(env) as base:
        status, body = request(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
        status, body = request(f"{base}/feeds/status.atom")
        assert status == 200
        assert b"United States in Iraq" in body


def test_health_reports_503_when_postgresql_is_unreachable() -> None:
    env = production_env(f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    with gunicorn(env) as base:
        started = time.monotonic()
        status, body = request(f"{base}/healthz")
        assert (status, json.loads(body)["database"]) == (503, "down")
        assert time.monotonic() - started < 5  # fails fast, does not hang
