"""When PostgreSQL goes away the tracker answers 503 fast, and recovers alone.

A throwaway cluster is stopped and restarted under gunicorn while a client
keeps requesting; nothing is restarted but the database.
"""

from __future__ import annotations

import json
import time

from benchmarks.servers import (
    SteadyClient,
    ThrowawayPostgres,
    gunicorn,
    manage,
    production_env,
    request,
)

# Answers each client must have in each phase before the test moves on.
ANSWERS_PER_PHASE = 5


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
        # Each phase lasts until both clients have had their answers in it,
        # however slow the machine is.
        client.wait_for_answers(ANSWERS_PER_PHASE)
        writer.wait_for_answers(ANSWERS_PER_PHASE)
        stopping_at = time.monotonic()
        postgres.stop()  # returns once the server is down
        stopped_at = time.monotonic()
        client.wait_for_answers(ANSWERS_PER_PHASE, sent_after=stopped_at)
        writer.wait_for_answers(ANSWERS_PER_PHASE, sent_after=stopped_at)
        restarting_at = time.monotonic()
        postgres.start()  # returns once the server accepts connections
        restarted_at = time.monotonic()
        client.wait_for_answers(ANSWERS_PER_PHASE, sent_after=restarted_at)
        writer.wait_for_answers(ANSWERS_PER_PHASE, sent_after=restarted_at)
        client.finish()
        writer.finish()
        stored = request(f"{base}/api/sources/?publisher=Wire&page_size=1000")[1]

    # Answered before the stop began; sent while it was down; sent after it
    # was back (a request in flight across a switch may go either way).
    before = [a for a in client.answers if a.sent_at + a.seconds < stopping_at]
    during = client.between(stopped_at, restarting_at)
    after = client.between(restarted_at)

    assert before and all(a.status == 200 for a in before)
    assert during, "the client sent nothing during the outage"
    assert {a.status for a in during} == {503}
    # Refused within the connect timeout (2 s), not left hanging until the
    # client's own 10 s timeout; the margin is for a busy machine.
    assert max(a.seconds for a in during) < 8
    assert after and all(a.status == 200 for a in after), [a.status for a in after]

    # Writes: refused fast while the database was away, never half done, and
    # every one acknowledged with 201 is there afterwards.
    writes_during = writer.between(stopped_at, restarting_at)
    assert writes_during and {a.status for a in writes_during} == {503}
    writes_after = writer.between(restarted_at)
    assert writes_after and all(a.status == 201 for a in writes_after)
    titles = {row["title"] for row in json.loads(stored)["results"]}
    assert writer.acknowledged and set(writer.acknowledged) <= titles
    assert len(titles) == len(writer.acknowledged)
