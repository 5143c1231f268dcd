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

# The id of the latest row of each deployment, as the app chooses it
# (Deployment.objects.with_status): one correlated subquery per deployment
# that reads the first entry of the deployment's "latest first" index. The
# app builds its SQL with the ORM; this copy is the reference's, and
# tests/test_reference_wsgi.py checks that it still picks the rows the app
# serves.
_LATEST_PER_DEPLOYMENT = """
SELECT (
    SELECT id FROM {table} r
    WHERE r.deployment_id = d.id {condition}
    ORDER BY {latest_first} LIMIT 1
) FROM deployments_deployment d
"""
LATEST_COUNTS = _LATEST_PER_DEPLOYMENT.format(
    table="deployments_troopcount",
    condition="",
    latest_first="counted_on DESC, id DESC",
)
# Newest by the date said, else the date reported; retracted ones never count.
LATEST_STATEMENTS = _LATEST_PER_DEPLOYMENT.format(
    table="deployments_intention",
    condition="AND standing <> 'retracted'",
    latest_first="COALESCE(stated_on, reported_on) DESC, reported_on DESC, id DESC",
)
COUNTS = (
    "SELECT c.deployment_id, n.code, n.name, h.code, h.name, c.troops, "
    "c.precision, c.counted_on, s.id, s.title "
    "FROM deployments_troopcount c "
    "JOIN deployments_nation n ON n.id = c.nation_id "
    "JOIN deployments_nation h ON h.id = c.host_id "
    "JOIN deployments_source s ON s.id = c.source_id "
    f"WHERE c.id IN ({LATEST_COUNTS})"
)
STATEMENTS = (
    "SELECT i.deployment_id, n.code, n.name, h.code, h.name, i.stance, "
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
    rows: dict[int, dict[str, Any]] = {}
    with connection().cursor() as cursor:
        for record in cursor.execute(COUNTS):
            rows[record[0]] = {
                "deployment": record[0],
                "nation": record[1],
                "nation_name": record[2],
                "host": record[3],
                "host_name": record[4],
                "troops": record[5],
                "troops_precision": record[6],
                "troops_as_of": record[7].isoformat(),
                "troops_source": record[8],
                "troops_source_title": record[9],
            }
        for record in cursor.execute(STATEMENTS):
            row = rows.setdefault(
                record[0],
                {
                    "deployment": record[0],
                    "nation": record[1],
                    "nation_name": record[2],
                    "host": record[3],
                    "host_name": record[4],
                },
            )
            row |= {
                "stance": record[5],
                "temporary": record[6],
                "destination": record[7],
                "stated_by": record[8],
                "stated_on": record[9].isoformat() if record[9] else None,
                "reported_on": record[10].isoformat(),
                "quote": record[11],
                "intention_source": record[12],
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
