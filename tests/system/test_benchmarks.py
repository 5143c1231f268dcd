"""The benchmark command runs end to end, as ``python -m benchmarks.run`` in a
process of its own, starting gunicorn for the throughput run on PostgreSQL.

No timing is asserted here: timings are for benchmarks/run.py on a quiet
machine (docs/performance.md). The harness's query counts are tested
in-process in tests/test_benchmarks.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from benchmarks.servers import PROJECT

pytestmark = pytest.mark.django_db


def test_the_benchmark_command_runs_end_to_end(tmp_path: Path) -> None:
    """``python -m benchmarks.run`` at the tiny size, against this run's
    database kind; on PostgreSQL with the throughput run beside the bare WSGI
    reference. It writes its results where it is told, not over the record."""
    postgres = connection.vendor == "postgresql"
    command = [
        sys.executable,
        "-m",
        "benchmarks.run",
        f"--databases={'postgres' if postgres else 'sqlite'}",
        "--sizes=tiny",
        "--runs=1",
        f"--output={tmp_path}",
    ]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    throughput = postgres and shutil.which("wrk") is not None
    if postgres:
        if not throughput and os.environ.get("CI"):
            pytest.fail("wrk is missing: .ci/run installs it (apt-get install wrk)")
        env["BENCH_POSTGRES"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        command += [
            "--throughput-size=tiny",
            "--throughput-seconds=1",
            "--connections=4",
        ]
    if not throughput:
        command.append("--no-throughput")
    subprocess.run(command, cwd=PROJECT, env=env, check=True, timeout=600)

    results = json.loads((tmp_path / "latest.json").read_text())
    [run] = results["latency"]
    assert {row["status"] for row in run["measurements"]} == {200}
    assert "| api status |" in (tmp_path / "latest.md").read_text()
    if throughput:
        assert "throughput_error" not in results
        for server in (
            "tracker",
            "tracker_304",
            "tracker_uncached",
            "reference",
            "constant",
        ):
            assert results["throughput"][server]["non_2xx"] == 0
            assert results["throughput"][server]["requests_per_second"] > 0
