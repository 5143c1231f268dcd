"""When PostgreSQL goes away the tracker answers 503 fast, and recovers alone.

A throwaway cluster is stopped and restarted under gunicorn while a client
keeps requesting; nothing is restarted but the database.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.servers import (
    ThrowawayPostgres,
    gunicorn,
    manage,
    production_env,
    request,
)


@dataclass
class Answer:
    sent_at: float
    status: int
    seconds: float


class SteadyClient(threading.Thread):
    """Requests one URL every ``interval`` seconds until stopped (bounded).

    With a token it writes instead: each request creates a source with a
    title of its own, so that what was acknowledged can be checked later.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        interval: float = 0.05,
        limit: int = 2000,
    ) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.interval, self.limit = url, token, interval, limit
        self.answers: list[Answer] = []
        self.acknowledged: list[str] = []
        self.halt = threading.Event()

    def send(self, number: int) -> int:
        if self.token is None:
            return request(self.url, timeout=10)[0]
        title = f"Outage test report {number}"
        status, _ = request(
            self.url,
            method="POST",
            body=json.dumps(
                {"title": title, "publisher": "Wire", "published_on": "2020-01-08"}
            ).encode(),
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
            },
            timeout=10,
        )
        if status == 201:
            self.acknowledged.append(title)
        return status

    def run(self) -> None:
        while not self.halt.is_set() and len(self.answers) < self.limit:
            sent_at = time.monotonic()
            try:
                status = self.send(len(self.answers))
            except OSError:
                status = 0  # no HTTP answer at all
            self.answers.append(Answer(sent_at, status, time.monotonic() - sent_at))
            time.sleep(self.interval)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.sent_at < end]


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    cluster = ThrowawayPostgres()
    cluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


def test_outage_answers_503_fast_and_recovers_without_restart(
    postgres: ThrowawayPostgres,
) -> None:
    env = production_env(
        postgres.url, DATABASE_CONNECT_TIMEOUT="2", API_THROTTLE_USER="100000/minute"
    )
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "unused-password"})
    token = manage("drf_create_token", "admin", env=env).stdout.split()[2]

    with gunicorn(env) as base:
        client = SteadyClient(f"{base}/api/status/")
        writer = SteadyClient(f"{base}/api/sources/", token=token)
        client.start()
        writer.start()
        time.sleep(2)
        stopping_at = time.monotonic()
        postgres.stop()  # returns once the server is down
        stopped_at = time.monotonic()
        time.sleep(3)
        restarting_at = time.monotonic()
        postgres.start()  # returns once the server accepts connections
        restarted_at = time.monotonic()
        time.sleep(3)
        client.halt.set()
        writer.halt.set()
        client.join(timeout=15)
        writer.join(timeout=15)
        stored = request(f"{base}/api/sources/?publisher=Wire&page_size=1000")[1]

    # Answered before the stop began; sent while it was down; sent after it
    # was back (a request in flight across a switch may go either way).
    before = [a for a in client.answers if a.sent_at + a.seconds < stopping_at]
    during = client.between(stopped_at, restarting_at)
    after = client.between(restarted_at, float("inf"))

    assert before and all(a.status == 200 for a in before)
    assert during, "the client sent nothing during the outage"
    assert {a.status for a in during} == {503}
    assert max(a.seconds for a in during) < 3  # fast failure, no hanging worker
    assert after and all(a.status == 200 for a in after), [a.status for a in after]

    # Writes: refused fast while the database was away, never half done, and
    # every one acknowledged with 201 is there afterwards.
    writes_during = writer.between(stopped_at, restarting_at)
    assert writes_during and {a.status for a in writes_during} == {503}
    writes_after = writer.between(restarted_at, float("inf"))
    assert writes_after and all(a.status == 201 for a in writes_after)
    titles = {row["title"] for row in json.loads(stored)["results"]}
    assert writer.acknowledged and set(writer.acknowledged) <= titles
    assert len(titles) == len(writer.acknowledged)
