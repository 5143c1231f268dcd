"""The production recipe: gunicorn with the repository's config serves the app."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.cache.backends.redis import RedisCache

from tests.servers import free_port, gunicorn, manage, production_env, request


def test_gunicorn_config_serves_health_and_the_article(tmp_path: Path) -> None:
    env = production_env(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "not-used-here"})
    with gunicorn(env) as base:
        status, body = request(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
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
    env = production_env(f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    with gunicorn(env) as base:
        started = time.monotonic()
        status, body = request(f"{base}/healthz")
        assert (status, json.loads(body)["database"]) == (503, "down")
        assert time.monotonic() - started < 5  # fails fast, does not hang
