"""The change feed loses nothing when transactions overlap, on PostgreSQL.

One writer holds a transaction open for ten seconds while it writes 500 rows
(an import); another commits a row every 100 ms; a client polls the feed
through a live server, always passing back the cursor it was given. Rows of
the long transaction are dated long before they commit, after rows the
client has already read: a time cursor skips them (583 of 600 in the issue's
run); the commit-safe cursor must hand out every row exactly once.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from rest_framework.throttling import SimpleRateThrottle

from benchmarks.servers import request
from deployments.models import Change, Source

LONG_ROWS = 500
LONG_SECONDS = 10
SHORT_EVERY = 0.1
TIMEOUT = 90

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="overlapping writers need a server database; on SQLite the lock "
        "serialises them (see deployments.models.changes)",
    ),
]


def source(title: str) -> Source:
    return Source.objects.create(
        title=title, publisher="Feed test", published_on=datetime.date(2020, 1, 8)
    )


def in_thread(target: Callable[[], None], errors: list[BaseException]) -> Any:
    """Run ``target`` in a thread with its own connection, keeping its error."""

    def run() -> None:
        try:
            target()
        except BaseException as error:  # the test reports it, not the thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_client_polling_with_the_cursor_sees_every_change_exactly_once(
    live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A poller that keeps up asks more often than the anonymous rate allows.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None}
    )
    errors: list[BaseException] = []
    long_open = threading.Event()
    long_done = threading.Event()
    writers_done = threading.Event()
    committed_while_long_open: list[str] = []

    def long_transaction() -> None:
        with transaction.atomic():
            for number in range(LONG_ROWS):
                source(f"Imported row {number}")
                long_open.set()
                time.sleep(LONG_SECONDS / LONG_ROWS)  # the writer's own pacing
        long_done.set()

    def short_commits() -> None:
        number = 0
        while not long_done.is_set():
            number += 1
            title = f"Small commit {number}"
            source(title)  # autocommit: one committed row
            if long_open.is_set() and not long_done.is_set():
                committed_while_long_open.append(title)
            time.sleep(SHORT_EVERY)  # the writer's own pacing
        source("Small commit after the import")

    seen: list[int] = []
    polls = 0
    stored_when_done: list[int] = []  # set once the writers have committed

    def poll() -> None:
        nonlocal polls
        cursor = None
        deadline = time.monotonic() + TIMEOUT
        draining = False
        while time.monotonic() < deadline:
            query = {"page_size": "50"} | ({"cursor": cursor} if cursor else {})
            status, body = request(
                f"{live_server.url}/api/changes/?{urllib.parse.urlencode(query)}"
            )
            assert status == 200, body
            page = json.loads(body)
            polls += 1
            seen.extend(change["history_id"] for change in page["results"])
            cursor = page["next"]
            if page["has_more"]:
                continue
            if draining:
                return  # one more poll after catching up: nothing may follow
            # Ask again soon. The horizon is the whole server's, so another
            # database's transaction may delay the last rows: caught up means
            # as many rows as the writers committed.
            done = writers_done.wait(timeout=0.05)
            draining = done and len(seen) >= len(stored_when_done)
        raise AssertionError("the poller never caught up")

    short_writer = in_thread(short_commits, errors)
    poller = in_thread(poll, errors)
    long_writer = in_thread(long_transaction, errors)
    for thread in (long_writer, short_writer):
        thread.join(timeout=TIMEOUT)
    stored_when_done.extend(Change.objects.values_list("history_id", flat=True))
    writers_done.set()
    poller.join(timeout=TIMEOUT)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in (long_writer, short_writer, poller))

    # The run really overlapped: small commits landed while the import's rows,
    # dated earlier, were still uncommitted.
    assert len(committed_while_long_open) >= LONG_SECONDS / SHORT_EVERY / 2
    first_imported = Source.objects.get(title="Imported row 0")
    assert Source.history.get(id=first_imported.pk).history_date < (
        Source.history.get(title=committed_while_long_open[-1]).history_date
    )

    stored = list(
        Change.objects.order_by("transaction_id", "id").values_list(
            "history_id", flat=True
        )
    )
    assert len(stored) == Source.objects.count() >= LONG_ROWS + 50
    missed = set(stored) - set(seen)
    duplicated = len(seen) - len(set(seen))
    assert (len(missed), duplicated) == (0, 0)
    assert seen == stored  # and in one stable order
    assert polls > 1
