"""The benchmark records each gunicorn worker's memory, at the tiny size.

Only that the figures are there and plausible is asserted: how much memory a
worker takes, and whether it grows, is for the benchmark run on a quiet
machine (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from benchmarks.servers import PROJECT, production_env

# What benchmarks.run starts gunicorn with (benchmarks.servers.production_env).
WORKERS = int(production_env("unused")["WEB_CONCURRENCY"])
# Far below any Python process running Django, far above any machine's RAM:
# a figure outside is a unit or parsing mistake, not a measurement.
PLAUSIBLE_KIB = range(10 * 1024, 64 * 1024 * 1024)


def test_the_benchmark_records_each_workers_rss_after_warmup_and_reads(
    tmp_path: Path,
) -> None:
    postgres = connection.vendor == "postgresql"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if postgres:
        env["BENCH_POSTGRES"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            f"--databases={'postgres' if postgres else 'sqlite'}",
            "--sizes=tiny",
            "--no-latency",
            "--no-throughput",
            f"--output={tmp_path}",
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=600,
    )

    results = json.loads((tmp_path / "latest.json").read_text())
    [run] = results["memory"]
    assert (run["size"], run["distinct_reads"], run["non_200"]) == ("tiny", 80, 0)
    assert [worker["worker"] for worker in run["workers"]] == [*range(1, WORKERS + 1)]
    for worker in run["workers"]:
        assert worker["rss_kib_after_warmup"] in PLAUSIBLE_KIB, worker
        assert worker["rss_kib_after_reads"] in PLAUSIBLE_KIB, worker
    assert run["max_rss_kib_after_warmup"] == max(
        worker["rss_kib_after_warmup"] for worker in run["workers"]
    )
    assert run["max_rss_kib_after_reads"] == max(
        worker["rss_kib_after_reads"] for worker in run["workers"]
    )
    table = (tmp_path / "latest.md").read_text()
    assert "| gunicorn worker memory |" in table
    assert f"tiny | {WORKERS} |" in table and "tiny | max |" in table
