"""Several app nodes over one database and one Redis: a write through one
node is in the status the other serves at once, however warm its caches.

The status is kept in Redis and in each worker's memory, filed under the
data's revision, which lives in the database (deployments/caching.py): no
node can serve a status older than the last committed change. Redis here is
a throwaway server of the test's own, so that parallel runs never share
keys.
"""

from __future__ import annotations

import json

from benchmarks.servers import (
    ThrowawayPostgres,
    ThrowawayRedis,
    gunicorn,
    manage,
    production_env,
    request,
)

NATION = "XNA"
# Reads of the status through the reading node before each write: enough
# that every one of its workers has it cached.
WARM_READS = 10


def post(base: str, path: str, token: str, body: dict[str, object]) -> dict:
    status, answer = request(
        f"{base}{path}",
        method="POST",
        body=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    assert status == 201, answer
    return json.loads(answer)


def troops_in_status(base: str) -> int:
    status, answer = request(f"{base}/api/status/?nation={NATION}&host=IRQ")
    assert status == 200, answer
    (row,) = json.loads(answer)["results"]
    return row["troops"]


def test_a_write_through_one_node_is_in_the_status_the_other_serves_at_once(
    postgres: ThrowawayPostgres, redis_server: ThrowawayRedis
) -> None:
    env = production_env(
        postgres.url,
        CACHE_URL=redis_server.url,
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
    )
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "unused-password"})
    token = manage("drf_create_token", "admin", env=env).stdout.split()[2]

    with gunicorn(env) as writer, gunicorn(env) as reader:
        post(writer, "/api/nations/", token, {"code": NATION, "name": "Testland"})
        source = post(
            writer,
            "/api/sources/",
            token,
            {"title": "Nodes", "publisher": "Wire", "published_on": "2020-02-01"},
        )
        for day, troops in enumerate([1000, 2000, 3000], start=1):
            post(
                writer,
                "/api/troop-counts/",
                token,
                {
                    "nation": NATION,
                    "host": "IRQ",
                    "troops": troops,
                    "precision": "estimated",
                    "figure_text": f"an estimated {troops}",
                    "counted_on": f"2020-02-{day:02}",
                    "source": source["id"],
                    "excerpt": f"some of its estimated {troops} troops",
                },
            )
            # The very next read through the other node, no waiting.
            assert troops_in_status(reader) == troops
            for _ in range(WARM_READS):
                assert troops_in_status(reader) == troops

        # It was served from the shared cache: an entry under each revision.
        assert len(redis_server.keys("*derived:status:*")) >= 3
