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
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


@dataclass
class Answer:
    status: int
    etag: str
    body: bytes


def get(url: str, if_none_match: str | None = None) -> Answer:
    """An anonymous GET, revalidating ``if_none_match`` if given."""
    headers = {"If-None-Match": if_none_match} if if_none_match else {}
    prepared = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(prepared, timeout=10) as response:
            return Answer(response.status, response.headers["ETag"], response.read())
    except urllib.error.HTTPError as error:  # urllib raises for a 304 too
        return Answer(error.code, error.headers["ETag"], error.read())


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


@contextmanager
def two_nodes(
    postgres: ThrowawayPostgres, redis_server: ThrowawayRedis
) -> Iterator[tuple[str, str, str]]:
    """Two gunicorn nodes over the demo data; yield the writing node's URL,
    the reading node's and an API token to write with."""
    env = production_env(
        postgres.url,
        CACHE_URL=redis_server.url,
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
    )
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "unused-password"})
    token = manage("drf_create_token", "admin", env=env).stdout.split()[2]
    with gunicorn(env) as writer, gunicorn(env) as reader:
        yield writer, reader, token


def test_a_write_through_one_node_is_in_the_status_the_other_serves_at_once(
    postgres: ThrowawayPostgres, redis_server: ThrowawayRedis
) -> None:
    with two_nodes(postgres, redis_server) as (writer, reader, token):
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


# The hot reads, whose anonymous answers each node keeps whole (in Redis and
# in each worker: deployments/kept_answers.py), and the other lists, which
# are only revalidated.
KEPT_READS = ["/api/status/", "/api/status/?format=csv", "/", "/status.csv"]
REVALIDATED_READS = ["/api/nations/", "/api/troop-counts/?nation=CAN"]


def test_a_copy_from_one_node_is_not_revalidated_past_a_write_through_the_other(
    postgres: ThrowawayPostgres, redis_server: ThrowawayRedis
) -> None:
    with two_nodes(postgres, redis_server) as (writer, reader, token):
        kept: dict[str, Answer] = {}
        for path in KEPT_READS + REVALIDATED_READS:
            kept[path] = get(f"{reader}{path}")
            assert kept[path].status == 200
            assert b"Canada (renamed)" not in kept[path].body
            # Every worker of the reading node keeps the answer, and holds
            # the copy's ETag good while nothing changes.
            for _ in range(WARM_READS):
                assert get(f"{reader}{path}").body == kept[path].body
                assert get(f"{reader}{path}", kept[path].etag).status == 304
        assert redis_server.keys("*derived:answer:*")

        status, body = request(
            f"{writer}/api/nations/CAN/",
            method="PATCH",
            body=json.dumps({"name": "Canada (renamed)"}).encode(),
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
            },
        )
        assert status == 200, body

        # At once, through the other node: the old ETag no longer holds...
        for path, before in kept.items():
            after = get(f"{reader}{path}", before.etag)
            assert after.status == 200, path
            assert after.etag != before.etag, path
            assert b"Canada (renamed)" in after.body, path
            assert get(f"{reader}{path}", after.etag).status == 304, path
        # ...and no worker answers a plain anonymous read with its kept body.
        for path in KEPT_READS:
            for _ in range(WARM_READS):
                assert b"Canada (renamed)" in get(f"{reader}{path}").body, path
