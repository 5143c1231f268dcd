"""The production recipe: gunicorn with the repository's config serves the app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "gunicorn-test-" + "x" * 40,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "WEB_CONCURRENCY": "2",
        # TLS ends at the proxy in front of gunicorn; these requests are plain.
        "SECURE_SSL_REDIRECT": "false",
    }


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"gunicorn did not start:\n{output}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_config_serves_health_and_the_article(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    subprocess.run(
        [sys.executable, "manage.py", "setup_demo"],
        cwd=PROJECT,
        env=env | {"DEMO_ADMIN_PASSWORD": "not-used-here"},
        check=True,
        capture_output=True,
    )
    with gunicorn(env) as base:
        status, body = get(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
        status, body = get(f"{base}/feeds/status.atom")
        assert status == 200
        assert b"United States in Iraq" in body


def test_health_reports_503_when_postgresql_is_unreachable() -> None:
    env = production_env(f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    with gunicorn(env) as base:
        started = time.monotonic()
        status, body = get(f"{base}/healthz")
        assert (status, json.loads(body)["database"]) == (503, "down")
        assert time.monotonic() - started < 5  # fails fast, does not hang
