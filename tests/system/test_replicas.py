"""Reads from a real streaming replica: writes reach every reader, their
writer sees them at once, and a replica that stops, or falls too far behind,
costs the readers nothing.

Each test makes a throwaway primary and a hot standby of it (pg_basebackup),
and serves the tracker with gunicorn over both.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import psycopg
import pytest

from benchmarks.servers import (
    ThrowawayPostgres,
    ThrowawayStandby,
    gunicorn,
    manage,
    production_env,
    wait_until,
)

PUBLISHER = "Replica Wire"


@pytest.fixture
def primary(postgres: ThrowawayPostgres) -> ThrowawayPostgres:
    return postgres


@pytest.fixture
def standby(primary: ThrowawayPostgres) -> Iterator[ThrowawayStandby]:
    cluster = ThrowawayStandby(primary)
    cluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()


def replicated_env(
    primary: ThrowawayPostgres, standby: ThrowawayStandby, **extra: str
) -> tuple[dict[str, str], str]:
    """The servers' environment, with the data set up; and a writer's token."""
    env = production_env(
        primary.url,
        DATABASE_REPLICA_URLS=standby.url,
        # The test speaks plain HTTP; the pin cookie is marked secure otherwise.
        SESSION_COOKIE_SECURE="false",
        API_THROTTLE_ANON="100000/minute",
        API_THROTTLE_USER="100000/minute",
        **extra,
    )
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "unused-password"})
    token = manage("drf_create_token", "admin", env=env).stdout.split()[2]
    return env, token


def write_source(base: str, token: str, title: str) -> str:
    """Create a source through the API; the pin cookie its answer set."""
    body = {"title": title, "publisher": PUBLISHER, "published_on": "2020-01-08"}
    prepared = urllib.request.Request(
        f"{base}/api/sources/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(prepared, timeout=10) as response:
        assert response.status == 201
        return response.headers["Set-Cookie"].split(";")[0]


def titles(base: str, cookie: str | None = None) -> set[str]:
    """The sources' titles a reader gets, failing on any answer but 200."""
    prepared = urllib.request.Request(
        f"{base}/api/sources/?publisher={PUBLISHER.replace(' ', '+')}",
        headers={"Cookie": cookie} if cookie else {},
    )
    try:
        with urllib.request.urlopen(prepared, timeout=10) as response:
            assert response.status == 200
            return {row["title"] for row in json.loads(response.read())["results"]}
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{error.code}: {error.read()!r}") from None


def titles_on_the_standby(standby: ThrowawayStandby) -> set[str]:
    rows = standby.sql(
        f"SELECT title FROM deployments_source WHERE publisher = '{PUBLISHER}'"
    )
    return {title for (title,) in rows}


def transactions_on(standby: ThrowawayStandby) -> int:
    """How many transactions the standby has served the tracker's database
    (its statistics reach this view within seconds). Asked from another
    database, so that asking is not counted."""
    tracker_database = standby.url.rsplit("/", 1)[1]
    with (
        psycopg.connect(standby.url.rsplit("/", 1)[0] + "/postgres") as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database"
            " WHERE datname = %s",
            [tracker_database],
        )
        ((count,),) = cursor.fetchall()
    return int(count)


def test_writes_reach_readers_through_the_replica_and_their_writer_at_once(
    primary: ThrowawayPostgres, standby: ThrowawayStandby
) -> None:
    # However long the replay is paused here, the replica is read.
    env, token = replicated_env(
        primary, standby, DATABASE_REPLICA_MAX_LAG_SECONDS="3600"
    )
    with gunicorn(env) as base:
        write_source(base, token, "First")
        wait_until(lambda: "First" in titles(base), "a reader to see the write")

        # Caught up, the replica answers the readers.
        before = transactions_on(standby)
        for _ in range(10):
            assert titles(base) == {"First"}
        wait_until(
            lambda: transactions_on(standby) >= before + 10, "reads on the replica"
        )

        standby.pause_replay()
        pin = write_source(base, token, "Second")
        # The writer, pinned to the primary, sees its write at once, and so
        # does every other reader: the replica has not applied it yet, so
        # their reads go to the primary until it has.
        assert titles(base, pin) == {"First", "Second"}
        assert titles(base) == {"First", "Second"}
        assert titles_on_the_standby(standby) == {"First"}

        standby.resume_replay()
        wait_until(
            lambda: titles_on_the_standby(standby) == {"First", "Second"},
            "the replica to catch up",
        )
        before = transactions_on(standby)
        for _ in range(10):
            assert titles(base) == {"First", "Second"}
        wait_until(
            lambda: transactions_on(standby) >= before + 10,
            "reads on the replica again",
        )

        standby.stop()
        # Every read now answers from the primary, none with an error.
        for _ in range(20):
            assert titles(base) == {"First", "Second"}


def test_a_replica_too_far_behind_is_left_for_the_primary(
    primary: ThrowawayPostgres, standby: ThrowawayStandby
) -> None:
    env, token = replicated_env(primary, standby, DATABASE_REPLICA_MAX_LAG_SECONDS="1")
    with gunicorn(env) as base:
        standby.pause_replay()
        write_source(base, token, "Unreplicated")
        # Once each worker has checked the lag (at most 2 s apart), readers
        # without a pin read the primary: only it has the write.
        wait_until(
            lambda: all(titles(base) == {"Unreplicated"} for _ in range(20)),
            "every reader to leave the lagging replica",
        )
    assert titles_on_the_standby(standby) == set()
