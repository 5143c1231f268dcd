"""In-process latency of the Atom feed, and the plans of its two queries.

    DJANGO_SETTINGS_MODULE=tracker.settings DERIVED_CACHE_SECONDS=0 \\
        DATABASE_URL=postgres://.../<a filled database> python -m benchmarks.feed

Prints the median and spread of ``--runs`` requests after ``--warmup`` ones,
the query count of one more, and with ``--explain`` PostgreSQL's ``EXPLAIN
(ANALYZE, BUFFERS)`` of each query ``status_changes`` runs. The figures in
docs/performance.md came from it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    options = parser.parse_args()
    django.setup()
    time_feed(options.runs, options.warmup)
    if options.explain:
        explain()


def time_feed(runs: int, warmup: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for _ in range(warmup):
        assert client.get("/feeds/status.atom").status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/feeds/status.atom")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/feeds/status.atom")
    print(
        f"median {statistics.median(times):.1f} ms, min {min(times):.1f}, "
        f"max {max(times):.1f} over {runs} runs; {len(queries)} queries, "
        f"{response.content.count(b'<entry>')} entries, {len(response.content)} bytes"
    )


def explain() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deployments.caching import forget_all
    from deployments.status.changes import status_changes

    forget_all()
    with CaptureQueriesContext(connection) as queries:
        status_changes()
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "deployments_datarevision" in query["sql"]:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


if __name__ == "__main__":
    main()
