"""The production recipe: gunicorn with the repository's config serves the app."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from django.core.cache.backends.redis import RedisCache

from benchmarks.servers import (
    GUNICORN,
    PROJECT,
    free_port,
    gunicorn,
    manage,
    production_env,
    request,
)


def test_gunicorn_config_serves_health_and_the_article(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "not-used-here"})
    with gunicorn(env) as base:
        status, body = request(f"{base}/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}
        status, body = request(f"{base}/api/status/?nation=USA")
        assert status == 200
        assert json.loads(body)["results"][0]["troops"] == 5200
        status, body = request(f"{base}/feeds/status.atom")
        assert status == 200
        assert b"United States in Iraq" in body


def test_long_api_urls_reach_django_and_get_a_json_414(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    with gunicorn(env) as base:
        # Past gunicorn's default limit (4094): it would answer HTML itself.
        status, body = request(f"{base}/api/status/?nation={'A' * 6000}")
        assert status == 414
        assert json.loads(body)["code"] == "uri_too_long"
        # Past limit_request_line: gunicorn's own page, documented in the schema.
        status, body = request(f"{base}/api/status/?nation={'A' * 9000}")
        assert status == 414
        assert b"uri_too_long" not in body


def test_rate_limit_holds_across_workers_with_a_redis_cache(tmp_path: Path) -> None:
    redis_url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    env = production_env(
        f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        CACHE_URL=redis_url,
        API_THROTTLE_ANON="5/minute",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="1",
    )
    manage("migrate", env=env)
    RedisCache(redis_url, {}).clear()  # no counts left from an earlier run
    with gunicorn(env) as base:
        # Three workers each counting alone would let up to 15 through.
        statuses = [request(f"{base}/api/nations/")[0] for _ in range(12)]
    assert statuses.count(200) == 5
    assert statuses.count(429) == 7


def test_health_reports_503_when_postgresql_is_unreachable() -> None:
    env = production_env(
        f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    with gunicorn(env) as base:  # returns once a worker answers
        started = time.monotonic()
        status, body = request(f"{base}/healthz")
        assert (status, json.loads(body)["database"]) == (503, "down")
        # Within the connect timeout, not after the client's own 10 s one;
        # the margin is for a busy machine.
        assert time.monotonic() - started < 8


def test_a_bad_number_in_the_gunicorn_settings_names_the_variable() -> None:
    result = subprocess.run(
        [str(GUNICORN), "--config", "gunicorn.conf.py", "--check-config"],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], "GUNICORN_THREADS": "abc"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "GUNICORN_THREADS must be a whole number, not 'abc'" in result.stderr


def test_gunicorn_refuses_to_start_without_collected_static_files(
    tmp_path: Path,
) -> None:
    env = production_env(
        f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        STATIC_MANIFEST="true",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    manage("migrate", env=env)
    # Rather than serve every page as a 500 while /healthz says ok.
    result = subprocess.run(
        [
            str(GUNICORN),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{free_port()}",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "run `python manage.py collectstatic --noinput` first" in result.stdout


def test_collected_static_files_are_served_hashed(tmp_path: Path) -> None:
    env = production_env(
        f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        STATIC_MANIFEST="true",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    manage("migrate", env=env)
    manage("collectstatic", "--noinput", env=env)
    with gunicorn(env) as base:
        status, body = request(f"{base}/")
        assert status == 200
        [stylesheet] = re.findall(rb'href="(/static/[^"]+\.css)"', body)
        assert request(f"{base}{stylesheet.decode()}")[0] == 200


def test_a_bad_worker_count_names_the_variable() -> None:
    # Plain gunicorn reads WEB_CONCURRENCY itself, with a bare int().
    result = subprocess.run(
        [sys.executable, "-m", "tracker.serve", "--check-config"],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], "WEB_CONCURRENCY": "abc"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "WEB_CONCURRENCY must be a whole number, not 'abc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_serve_command_runs_gunicorn_with_the_config(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "tracker.serve", "--check-config", "--print-config"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    settings = {
        name.strip(): value.strip()
        for name, _, value in (
            line.partition("=") for line in result.stdout.splitlines()
        )
    }
    assert (settings["workers"], settings["wsgi_app"]) == (
        "2",
        "tracker.wsgi:application",
    )
