"""In-process latency and query counts of the tracker's read paths.

Used by ``benchmarks/run.py`` (one process per database and size) and by the
test that proves the benchmark still runs. Requires Django to be set up.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from deployments.api import cursors
from deployments.models import Intention, Nation, TroopCount


@dataclass
class Measurement:
    name: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    runs: int


def targets() -> list[tuple[str, str, bool]]:
    """(name, URL, needs a logged-in admin) for every path the issue names."""
    nation = Nation.objects.filter(troop_counts__isnull=False).order_by("code").first()
    latest = (
        Intention.objects.order_by("-reported_on")
        .values_list("reported_on", flat=True)
        .first()
    )
    middle = latest.replace(year=latest.year - 3) if latest else None
    code = nation.code if nation else "USA"
    return [
        *deep_pages(),
        ("api status", "/api/status/", False),
        ("api status as_of", f"/api/status/?as_of={middle}", False),
        (
            "api intentions, 100 rows, filtered",
            "/api/intentions/?page_size=100&standing=asserted&ordering=-reported_on",
            False,
        ),
        ("status page", "/", False),
        ("nation page", f"/nations/{code}/", False),
        ("status feed", "/feeds/status.atom", False),
        ("admin nations", "/admin/deployments/nation/", True),
        ("admin troop counts", "/admin/deployments/troopcount/", True),
        ("admin intentions", "/admin/deployments/intention/", True),
    ]


# How deep the deep-page measurements read: page 5,000 of 50 rows.
DEEP_PAGE = 5000


def deep_pages() -> list[tuple[str, str, bool]]:
    """The troop-count list at page 5,000 by number (OFFSET 249,950) and by a
    cursor to the same place, when the data reaches that deep."""
    counts = TroopCount.objects.order_by("-counted_on", "-id")
    # The last row of page 4,999: the next page by cursor is page 5,000.
    end = (DEEP_PAGE - 1) * 50
    rows = list(counts[end - 1 : end])
    if not rows:
        return []
    place = rows[0]
    order = cursors.order_of(counts)
    token = cursors.Cursor(cursors.FORWARD, cursors.values_of(place, order)).encode()
    return [
        (
            f"api troop counts, page {DEEP_PAGE}",
            f"/api/troop-counts/?page={DEEP_PAGE}",
            False,
        ),
        (
            f"api troop counts, cursor at page {DEEP_PAGE}",
            f"/api/troop-counts/?cursor={token}",
            False,
        ),
    ]


# Paths whose derived values (status rows, list counts) are cached under the
# data's revision: measured a second time with that cache off, which is what
# the first request after any change costs.
UNCACHED = {
    "api status",
    "api status as_of",
    "api intentions, 100 rows, filtered",
    "status page",
    "nation page",
    "status feed",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_all(runs: int = 20, warmup: int = 2) -> list[Measurement]:
    admin, _ = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    reader, editor = Client(), Client()
    editor.force_login(admin)
    results = []
    for name, url, needs_admin in targets():
        client = editor if needs_admin else reader
        results.append(_measure(name, url, client, runs, warmup))
        if name in UNCACHED:
            with override_settings(DERIVED_CACHE_SECONDS=0):
                results.append(
                    _measure(f"{name} (no cache)", url, client, runs, warmup)
                )
    return results


def _measure(
    name: str, url: str, client: Client, runs: int, warmup: int
) -> Measurement:
    """Median and p95 of ``runs`` requests after ``warmup`` ones."""
    for _ in range(warmup):
        client.get(url)
    timings = []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: every later request empties the connection's query log.
    query_count = len(queries.captured_queries)
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return Measurement(
        name=name,
        url=url,
        status=response.status_code,
        queries=query_count,
        median_ms=round(statistics.median(timings) * 1000, 2),
        p95_ms=round(percentile(timings, 0.95) * 1000, 2),
        runs=runs,
    )


def as_rows(results: list[Measurement]) -> list[dict[str, object]]:
    return [asdict(result) for result in results]
