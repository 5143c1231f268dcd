"""When Redis goes away the API keeps answering, and shares its counts again
once Redis is back, without a restart.

A Redis server of the test's own is killed and started again on the same
port under gunicorn while clients keep requesting; only Redis is restarted.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from benchmarks.servers import (
    SteadyClient,
    ThrowawayRedis,
    gunicorn,
    manage,
    production_env,
    request,
    wait_until,
)

ANSWERS_PER_PHASE = 20


def health(base: str) -> dict[str, str]:
    return json.loads(request(f"{base}/healthz")[1])


def test_cache_outage_gives_no_500_and_recovers_without_restart(
    tmp_path: Path, redis_server: ThrowawayRedis
) -> None:
    env = production_env(
        f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        CACHE_URL=redis_server.url,
        API_THROTTLE_ANON="100000/minute",
    )
    manage("migrate", env=env)
    with gunicorn(env) as base:
        readers = [SteadyClient(f"{base}{path}") for path in ("/api/status/",) * 3]
        readers.append(SteadyClient(f"{base}/api/nations/"))
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.wait_for_answers(ANSWERS_PER_PHASE)
        assert redis_server.keys("*throttle_anon_*"), "counts are shared in Redis"

        redis_server.kill()
        killed_at = time.monotonic()
        for reader in readers:
            reader.wait_for_answers(ANSWERS_PER_PHASE, sent_after=killed_at)
        during_health = health(base)

        redis_server.start()  # empty, on the same port
        restarted_at = time.monotonic()
        for reader in readers:
            reader.wait_for_answers(ANSWERS_PER_PHASE, sent_after=restarted_at)
        # Each worker goes back to the shared counts within a few seconds.
        wait_until(
            lambda: bool(redis_server.keys("*throttle_anon_*")),
            "the rate-limit counts to be shared in Redis again",
        )
        wait_until(
            lambda: health(base)["cache"] == "ok", "/healthz to see the cache back"
        )
        for reader in readers:
            reader.finish()

    answers = [answer for reader in readers for answer in reader.answers]
    statuses = {answer.status for answer in answers}
    assert statuses == {200}, sorted(statuses)  # no 500, no 503, no dropped answer
    assert all(len(reader.between(killed_at, restarted_at)) for reader in readers)
    assert during_health == {"status": "degraded", "database": "ok", "cache": "down"}
