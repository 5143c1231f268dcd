"""Resident memory of gunicorn's workers serving /api/status/.

Derived values (status rows) are kept in the cache named by ``CACHE_URL``:
with Redis, as in production and in ``benchmarks/run.py``, they live outside
the workers, and a worker holds only what one request needs besides Django
and the database driver. The worker's RSS after a warm-up, and again after
reads of many distinct query strings (each a cache entry of its own), shows
what a worker costs and whether reads make it grow. Used by
``benchmarks/run.py`` at each database and size.

RSS is VmRSS from /proc/<pid>/status of each worker (the gunicorn master's
children), so this runs on Linux only.
"""

from __future__ import annotations

import datetime
import itertools
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.servers import gunicorn_process, request, wait_until

WARMUP_REQUESTS = 20
DISTINCT_READS = 80
# Several clients at once, so that the kernel hands requests to every worker
# rather than to whichever happens to be waiting in accept().
CLIENTS = 4
# Where generate_synthetic_data starts its dates (deployments.synthetic):
# as-of dates from here on each select a different set of rows.
FIRST_DAY = datetime.date(2005, 1, 1)
# Filters combined with the dates; the date alone already makes each query
# string, and so each cache entry, a distinct one.
FILTERS = [
    {},
    {"stance": "staying"},
    {"stance": "withdrawing,partial_withdrawal"},
    {"nation_kind": "state"},
]


def status_queries(count: int = DISTINCT_READS) -> list[str]:
    """``count`` distinct /api/status/ paths: an as-of date every 30 days,
    each with one of a few filters."""
    queries = []
    for number, extra in zip(range(count), itertools.cycle(FILTERS), strict=False):
        as_of = FIRST_DAY + datetime.timedelta(days=30 * number)
        query = {"as_of": as_of.isoformat(), **extra}
        queries.append(f"/api/status/?{urllib.parse.urlencode(query)}")
    assert len(set(queries)) == count  # each a cache entry of its own
    return queries


def worker_pids(master: int) -> list[int]:
    """The processes whose parent is ``master``, in pid order."""
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines()
            )
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended while the folder was read
        if int(fields["PPid"]) == master:
            children.append(int(status.parent.name))
    return sorted(children)


def rss_kib(pid: int) -> int:
    """The process's resident set size, in KiB (/proc says "kB")."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            value, unit = line.split()[1:3]
            assert unit == "kB", line
            return int(value)
    raise RuntimeError(f"no VmRSS for process {pid}")


def _read_all(base: str, paths: list[str]) -> list[int]:
    """GET every path, CLIENTS at a time; their status codes."""
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(lambda path: request(base + path)[0], paths))


def measure_memory(env: dict[str, str]) -> dict[str, object]:
    """Serve the tracker with gunicorn under ``env`` and record each worker's
    RSS after a warm-up and after DISTINCT_READS distinct status reads."""
    expected = int(env["WEB_CONCURRENCY"])
    with gunicorn_process(env) as (base, master):
        wait_until(
            lambda: len(worker_pids(master.pid)) == expected,
            f"{expected} gunicorn workers",
        )
        statuses = _read_all(base, ["/api/status/"] * WARMUP_REQUESTS)
        pids = worker_pids(master.pid)
        after_warmup = {pid: rss_kib(pid) for pid in pids}
        statuses += _read_all(base, status_queries())
        if worker_pids(master.pid) != pids:
            raise RuntimeError("a gunicorn worker was replaced during the reads")
        after_reads = {pid: rss_kib(pid) for pid in pids}
    workers = [
        {
            "worker": number,
            "rss_kib_after_warmup": after_warmup[pid],
            "rss_kib_after_reads": after_reads[pid],
        }
        for number, pid in enumerate(pids, start=1)
    ]
    return {
        "warmup_requests": WARMUP_REQUESTS,
        "distinct_reads": DISTINCT_READS,
        "non_200": sum(status != 200 for status in statuses),
        # Where the derived values were kept: in each worker or shared.
        "cache": env.get("CACHE_URL", "locmem://").split(":")[0],
        "workers": workers,
        "max_rss_kib_after_warmup": max(after_warmup.values()),
        "max_rss_kib_after_reads": max(after_reads.values()),
    }
