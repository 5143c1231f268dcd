"""Simultaneous writers from one version: exactly one wins, on PostgreSQL.

The clients are real HTTP clients in threads against a live server whose
request threads each hold their own database connection, so the version check
is exercised the way production exercises it.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

from benchmarks.servers import request
from deployments.models import Intention
from tests.factories import IntentionFactory

WRITERS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need a server database; runs on PostgreSQL",
    ),
]


def simultaneous_patches(url: str, token: str, if_match: str | None) -> dict[int, int]:
    """WRITERS clients PATCH ``url`` at the same moment; their status codes."""
    start = threading.Barrier(WRITERS)
    answers: dict[int, int] = {}
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match

    def write(writer: int) -> None:
        body = json.dumps({"speaker": f"Writer {writer}"}).encode()
        start.wait()
        answers[writer] = request(url, method="PATCH", body=body, headers=headers)[0]

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_exactly_one_of_simultaneous_patches_with_one_etag_wins(
    live_server: Any, editor: User
) -> None:
    intention = IntentionFactory(speaker="Original")
    token = Token.objects.create(user=editor)
    url = f"{live_server.url}/api/intentions/{intention.pk}/"

    answers = simultaneous_patches(url, token.key, if_match='"v1"')

    assert sorted(answers.values()) == [200] + [412] * (WRITERS - 1), answers
    (winner,) = [writer for writer, status in answers.items() if status == 200]
    stored = Intention.objects.get(pk=intention.pk)
    assert (stored.speaker, stored.version) == (f"Writer {winner}", 2)
    assert stored.history.count() == 2  # created, and the one winning change
    status, body = request(url)
    assert json.loads(body)["speaker"] == f"Writer {winner}"


def test_without_if_match_simultaneous_patches_lose_nothing_silently(
    live_server: Any, editor: User
) -> None:
    intention = IntentionFactory(speaker="Original")
    token = Token.objects.create(user=editor)
    url = f"{live_server.url}/api/intentions/{intention.pk}/"

    answers = simultaneous_patches(url, token.key, if_match=None)

    # Every writer either wrote on top of the version it read (200) or was
    # told its change conflicted (409); the history has one entry per 200.
    assert set(answers.values()) <= {200, 409}, answers
    stored = Intention.objects.get(pk=intention.pk)
    successes = list(answers.values()).count(200)
    assert stored.version == 1 + successes
    assert stored.history.count() == 1 + successes
