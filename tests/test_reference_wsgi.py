"""The bare WSGI reference of the throughput benchmark sends the very
statements the tracker sends for an uncached /api/status/, and answers the
tracker's bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from benchmarks import reference_wsgi
from deployments.synthetic import Plan, generate

pytestmark = [
    # The reference reads on a connection of its own: the data is committed.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the reference serves PostgreSQL only (psycopg)",
    ),
]


@pytest.fixture
def reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> tuple[list[str], bytes]:
    """The statements and answer of one uncached read, captured, and the
    reference pointed at them and at the test database."""
    settings.DERIVED_CACHE_SECONDS = 0
    generate(Plan(nations=4, hosts=3, records_per_nation=40, seed=3))
    statements, answer = reference_wsgi.capture()
    queries, body = tmp_path / "queries.json", tmp_path / "status.json"
    queries.write_text(json.dumps(statements))
    body.write_bytes(answer)
    database = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    )
    monkeypatch.setenv("REFERENCE_QUERIES_FILE", str(queries))
    monkeypatch.setenv("REFERENCE_BODY_FILE", str(body))
    for cached in ("_connection", "_statements", "_body"):
        monkeypatch.setattr(reference_wsgi, cached, None)
    return statements, answer


def test_the_capture_is_every_statement_of_the_read(
    reference: tuple[list[str], bytes], client: Client
) -> None:
    statements, answer = reference
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/status/").content == answer
    assert statements == [query["sql"] for query in again.captured_queries]
    assert any("deployments_troopcount" in statement for statement in statements)


def test_the_reference_sends_them_all_and_answers_the_trackers_bytes(
    reference: tuple[list[str], bytes],
) -> None:
    _, answer = reference
    # Every statement runs as sent (one that did not would raise) and the
    # status' records come back.
    assert reference_wsgi.run_statements() > 40

    started: list[str] = []
    written = reference_wsgi.application(
        {"wsgi.input": io.BytesIO()}, lambda status, headers: started.append(status)
    )
    assert started == ["200 OK"]
    assert b"".join(written) == answer
