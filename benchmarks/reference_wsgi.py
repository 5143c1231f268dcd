"""The yardstick for /api/status/ throughput: the same status, computed by the
same PostgreSQL queries, served by a bare WSGI function over psycopg, with no
Django, no ORM and no REST framework. Run it under the same gunicorn settings:

    DATABASE_URL=postgres://... gunicorn -c gunicorn.conf.py \
        benchmarks.reference_wsgi:application

It answers every path with the first page (50 rows) of the status, as JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

# The id of the latest row of each (nation, host) pair, as the app chooses it
# (deployments.status): the pairs are walked through the index one at a time
# rather than grouping the whole table, then each pair's latest row is one
# index lookup. The app's own SQL is private to it and may change; this copy
# is the reference's, and tests/test_reference_wsgi.py checks that it still
# picks the rows the app serves.
_LATEST_PER_PAIR = """
WITH RECURSIVE pairs (nation_id, host_id) AS (
    (SELECT nation_id, host_id FROM {table} ORDER BY nation_id, host_id LIMIT 1)
    UNION ALL
    SELECT following.nation_id, following.host_id
    FROM pairs, LATERAL (
        SELECT nation_id, host_id FROM {table}
        WHERE (nation_id, host_id) > (pairs.nation_id, pairs.host_id)
        ORDER BY nation_id, host_id LIMIT 1
    ) AS following
)
SELECT (
    SELECT id FROM {table}
    WHERE nation_id = pairs.nation_id AND host_id = pairs.host_id {condition}
    ORDER BY {latest_first} LIMIT 1
) FROM pairs
"""
LATEST_COUNTS = _LATEST_PER_PAIR.format(
    table="deployments_troopcount",
    condition="",
    latest_first="counted_on DESC, id DESC",
)
# Newest by the date said, else the date reported; retracted ones never count.
LATEST_STATEMENTS = _LATEST_PER_PAIR.format(
    table="deployments_intention",
    condition="AND standing <> 'retracted'",
    latest_first="COALESCE(stated_on, reported_on) DESC, reported_on DESC, id DESC",
)
COUNTS = (
    "SELECT c.nation_id, c.host_id, n.code, n.name, h.code, h.name, c.troops, "
    "c.precision, c.counted_on, s.id, s.title "
    "FROM deployments_troopcount c "
    "JOIN deployments_nation n ON n.id = c.nation_id "
    "JOIN deployments_nation h ON h.id = c.host_id "
    "JOIN deployments_source s ON s.id = c.source_id "
    f"WHERE c.id IN ({LATEST_COUNTS})"
)
STATEMENTS = (
    "SELECT i.nation_id, i.host_id, n.code, n.name, h.code, h.name, i.stance, "
    "i.temporary, d.code, i.speaker, i.stated_on, i.reported_on, i.quote, s.id "
    "FROM deployments_intention i "
    "JOIN deployments_nation n ON n.id = i.nation_id "
    "JOIN deployments_nation h ON h.id = i.host_id "
    "LEFT JOIN deployments_nation d ON d.id = i.destination_id "
    "JOIN deployments_source s ON s.id = i.source_id "
    f"WHERE i.id IN ({LATEST_STATEMENTS})"
)

_connection: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(
            os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"),
            autocommit=True,
        )
    return _connection


def status_rows() -> list[dict[str, Any]]:
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    with connection().cursor() as cursor:
        for record in cursor.execute(COUNTS):
            rows[record[0], record[1]] = {
                "nation": record[2],
                "nation_name": record[3],
                "host": record[4],
                "host_name": record[5],
                "troops": record[6],
                "troops_precision": record[7],
                "troops_as_of": record[8].isoformat(),
                "troops_source": record[9],
                "troops_source_title": record[10],
            }
        for record in cursor.execute(STATEMENTS):
            row = rows.setdefault(
                (record[0], record[1]),
                {
                    "nation": record[2],
                    "nation_name": record[3],
                    "host": record[4],
                    "host_name": record[5],
                },
            )
            row |= {
                "stance": record[6],
                "temporary": record[7],
                "destination": record[8],
                "stated_by": record[9],
                "stated_on": record[10].isoformat() if record[10] else None,
                "reported_on": record[11].isoformat(),
                "quote": record[12],
                "intention_source": record[13],
            }
    return sorted(rows.values(), key=lambda row: (row["nation_name"], row["host_name"]))


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    rows = status_rows()
    body = json.dumps({"count": len(rows), "results": rows[:50]}).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
