"""The yardstick for uncached /api/status/ throughput: the very SQL the
tracker sends for one uncached read of it, sent again by a bare WSGI
function over psycopg, every row fetched, and the tracker's own answer
written back; no Django, no ORM, no REST framework, none of the work
between the queries. Run it under the same gunicorn settings:

    python -m benchmarks.reference_wsgi capture queries.json status.json
    DATABASE_URL=postgres://... REFERENCE_QUERIES_FILE=queries.json \\
        REFERENCE_BODY_FILE=status.json gunicorn -c gunicorn.conf.py \\
        benchmarks.reference_wsgi:application

``capture`` (with the tracker's settings in the environment, the derived
cache off) reads /api/status/ once in-process and writes down each
statement as PostgreSQL received it, parameters in place, and the answer's
bytes. The reference thus costs what the database and the driver cost for
that read: the tracker's uncached rate divided by it is the share of an
uncached read that the rest of the stack leaves to the queries.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import psycopg

STATUS_URL = "/api/status/"

_connection: psycopg.Connection | None = None
_statements: list[str] | None = None
_body: bytes | None = None


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(
            os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"),
            autocommit=True,
        )
    return _connection


def statements() -> list[str]:
    global _statements
    if _statements is None:
        _statements = json.loads(Path(os.environ["REFERENCE_QUERIES_FILE"]).read_text())
    return _statements


def body() -> bytes:
    global _body
    if _body is None:
        _body = Path(os.environ["REFERENCE_BODY_FILE"]).read_bytes()
    return _body


def run_statements() -> int:
    """Send every statement and fetch all its rows; how many rows came."""
    rows = 0
    with connection().cursor() as cursor:
        for statement in statements():
            cursor.execute(statement.encode())
            rows += len(cursor.fetchall())
    return rows


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    run_statements()
    answer = body()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))],
    )
    return [answer]


def capture(url: str = STATUS_URL) -> tuple[list[str], bytes]:
    """The statements the tracker sends for one read of ``url``, as the
    database received them, and the answer; in a configured Django process."""
    from django.db import connection as django_connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django_connection) as queries:
        answer = Client().get(url)
    if answer.status_code != 200:
        raise RuntimeError(f"{url} answered {answer.status_code}")
    return [query["sql"] for query in queries.captured_queries], answer.content


def main(arguments: list[str]) -> None:
    if len(arguments) != 3 or arguments[0] != "capture":
        sys.exit(__doc__)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    captured, answer = capture()
    Path(arguments[1]).write_text(json.dumps(captured, indent=1) + "\n")
    Path(arguments[2]).write_bytes(answer)


if __name__ == "__main__":
    main(sys.argv[1:])
