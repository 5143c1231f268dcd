"""The benchmark suite: latency and query counts of the read paths at several
data sizes, on SQLite and PostgreSQL, gunicorn workers' memory at each, and
/api/status/ throughput under gunicorn beside a bare WSGI reference.

    python -m benchmarks.run                          # small and large, both databases
    python -m benchmarks.run --sizes tiny --databases sqlite --no-throughput
    python -m benchmarks.run --no-latency --no-throughput  # workers' memory only

Databases are made for the run (an SQLite file in /tmp, a PostgreSQL database
``bench_<size>``; BENCH_DATABASE renames them, e.g. ``mine_{size}``) and
filled by ``generate_synthetic_data``; --reuse keeps ones already filled.
Results: benchmarks/results/latest.json and latest.md (or --output).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks import servers
from benchmarks.memory import measure_memory
from benchmarks.servers import (
    PROJECT,
    ThrowawayRedis,
    gunicorn,
    production_env,
    request,
)

SIZES = {
    "tiny": (3, 30),
    "small": (10, 100),
    "large": (200, 5000),
}
HOSTS = 3
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Each run drops and recreates its databases: runs that share a PostgreSQL
# server or /tmp (several checkouts, CI beside a person) need names of their own.
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "bench_{size}")
RESULTS = PROJECT / "benchmarks" / "results"


def database_name(size: str) -> str:
    return DATABASE_NAME.format(size=size)


def database_url(database: str, size: str) -> str:
    if database == "sqlite":
        return f"sqlite:////tmp/tracker-{database_name(size).replace('_', '-')}.sqlite3"
    return f"{POSTGRES}/{database_name(size)}"


# The shared cache the servers use, as in production: a Redis of the run's
# own (set in main()), so that derived values are kept once for every worker.
CACHE: dict[str, str] = {"CACHE_URL": "locmem://"}


def environment(url: str) -> dict[str, str]:
    return production_env(
        url,
        **CACHE,
        API_THROTTLE_ANON="100000000/minute",
        API_THROTTLE_USER="100000000/minute",
        LOG_LEVEL="ERROR",
        # The in-process client calls itself "testserver".
        ALLOWED_HOSTS="127.0.0.1,testserver",
        # The connection stays open between requests, as in production.
        DATABASE_CONN_MAX_AGE="600",
    )


def manage(*args: str, env: dict[str, str]) -> str:
    """A manage.py command's standard output."""
    return servers.manage(*args, env=env).stdout


def prepare(database: str, size: str, reuse: bool) -> float | None:
    """Create and fill the database; the generation's seconds, or None if reused."""
    url = database_url(database, size)
    env = environment(url)
    if reuse:
        try:
            manage("migrate", env=env)
            count = manage("shell", "-c", COUNT_SYNTHETIC, env=env).strip()
            if count and int(count.splitlines()[-1]) > 0:
                analyze(database, env)
                return None
        except subprocess.CalledProcessError:
            pass
    if database == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        name = database_name(size)
        psql = ["psql", POSTGRES + "/postgres", "-q", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True)
    manage("migrate", env=env)
    nations, records = SIZES[size]
    started = time.monotonic()
    manage(
        "generate_synthetic_data",
        f"--nations={nations}",
        f"--hosts={HOSTS}",
        f"--records-per-nation={records}",
        "--no-progress",
        env=env,
    )
    seconds = time.monotonic() - started
    analyze(database, env)
    return round(seconds, 1)


def analyze(database: str, env: dict[str, str]) -> None:
    """Fresh planner statistics, as autovacuum would give after a while."""
    if database == "postgres":
        manage(
            "shell",
            "-c",
            "from django.db import connection; "
            "connection.cursor().execute('VACUUM ANALYZE')",
            env=env,
        )


COUNT_SYNTHETIC = (
    "from deployments.synthetic import synthetic_nations; "
    "print(synthetic_nations().count())"
)
MEASURE = (
    "import json; from benchmarks.measure import measure_all, as_rows; "
    "print(json.dumps(as_rows(measure_all(runs={runs}))))"
)


def measure(database: str, size: str, runs: int) -> list[dict[str, object]]:
    output = manage(
        "shell",
        "-c",
        MEASURE.format(runs=runs),
        env=environment(database_url(database, size)),
    )
    return json.loads(output.strip().splitlines()[-1])


def memory(database: str, size: str) -> dict[str, object]:
    """Each gunicorn worker's RSS after warm-up and after distinct reads."""
    env = environment(database_url(database, size))
    return {"database": database, "size": size, **measure_memory(env)}


def wrk(
    url: str, seconds: int, connections: int, headers: dict[str, str] | None = None
) -> dict[str, float]:
    sent = [f"--header={name}: {value}" for name, value in (headers or {}).items()]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *sent, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": per_second,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def throughput(size: str, seconds: int, connections: int) -> dict[str, object]:
    """Requests per second of /api/status/ under gunicorn, cached, revalidated
    (304) and uncached, beside the two yardsticks under the same settings:
    the bare psycopg reference (the very same statements, no Django) and the
    constant-body function (the same bytes, no work): the limit."""
    env = environment(database_url("postgres", size))
    with gunicorn(env) as base:
        status, body = request(f"{base}/api/status/")
        assert status == 200, body
        etag = response_etag(f"{base}/api/status/")
        wrk(f"{base}/api/status/", 2, connections)  # warm up
        tracker = wrk(f"{base}/api/status/", seconds, connections)
        revalidated = wrk(
            f"{base}/api/status/", seconds, connections, {"If-None-Match": etag}
        )
    # What every request costs when it cannot reuse the status: the same
    # derivation as after each change, so the same work as the reference.
    with gunicorn({**env, "DERIVED_CACHE_SECONDS": "0"}) as base:
        wrk(f"{base}/api/status/", 2, connections)
        uncached = wrk(f"{base}/api/status/", seconds, connections)
    with tempfile.TemporaryDirectory() as folder:
        queries, answer = Path(folder, "queries.json"), Path(folder, "status.json")
        subprocess.run(
            [sys.executable, "-m", "benchmarks.reference_wsgi", "capture"]
            + [str(queries), str(answer)],
            cwd=PROJECT,
            env={**env, "DERIVED_CACHE_SECONDS": "0"},
            check=True,
        )
        statements = len(json.loads(queries.read_text()))
        with gunicorn(
            {
                **env,
                "REFERENCE_QUERIES_FILE": str(queries),
                "REFERENCE_BODY_FILE": str(answer),
            },
            app="benchmarks.reference_wsgi:application",
        ) as base:
            wrk(f"{base}/", 2, connections)
            reference = wrk(f"{base}/", seconds, connections)
    with tempfile.NamedTemporaryFile(suffix=".json") as kept:
        kept.write(body)
        kept.flush()
        with gunicorn(
            {**env, "CONSTANT_BODY_FILE": kept.name},
            app="benchmarks.constant_wsgi:application",
        ) as base:
            wrk(f"{base}/", 2, connections)
            constant = wrk(f"{base}/", seconds, connections)
    per_second = reference["requests_per_second"]
    limit = constant["requests_per_second"]
    return {
        "size": size,
        "seconds": seconds,
        "connections": connections,
        # gunicorn.conf.py reads these; the same for all five servers.
        "workers": env.get("WEB_CONCURRENCY"),
        "threads": env.get("GUNICORN_THREADS", "2 (gunicorn.conf.py default)"),
        "body_bytes": len(body),
        "tracker": tracker,
        "tracker_304": revalidated,
        "tracker_uncached": uncached,
        "reference": reference,
        "reference_statements": statements,
        "constant": constant,
        "ratio": round(tracker["requests_per_second"] / per_second, 2),
        "ratio_uncached": round(uncached["requests_per_second"] / per_second, 2),
        "share_of_limit": round(tracker["requests_per_second"] / limit, 3),
        "share_of_limit_304": round(revalidated["requests_per_second"] / limit, 3),
    }


def response_etag(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["ETag"]


def mebibytes(kibibytes: int) -> float:
    return round(kibibytes / 1024, 1)


def markdown(results: dict[str, object]) -> str:
    lines = []
    if results["latency"]:
        lines += [
            "| database | size | path | status | queries | median ms | p95 ms |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
    for run in results["latency"]:
        for row in run["measurements"]:
            lines.append(
                f"| {run['database']} | {run['size']} | {row['name']} | "
                f"{row['status']} | {row['queries']} | {row['median_ms']} | "
                f"{row['p95_ms']} |"
            )
    if results.get("memory"):
        lines += [
            "",
            "| gunicorn worker memory | worker | RSS MiB after warm-up | "
            "RSS MiB after distinct reads |",
            "| --- | --- | --- | --- |",
        ]
        for run in results["memory"]:
            where = f"{run['database']} {run['size']}"
            for worker in run["workers"]:
                lines.append(
                    f"| {where} | {worker['worker']} | "
                    f"{mebibytes(worker['rss_kib_after_warmup'])} | "
                    f"{mebibytes(worker['rss_kib_after_reads'])} |"
                )
            lines.append(
                f"| {where} | max | {mebibytes(run['max_rss_kib_after_warmup'])} | "
                f"{mebibytes(run['max_rss_kib_after_reads'])} |"
            )
    if results.get("generation"):
        lines += ["", "| generation | seconds |", "| --- | --- |"]
        for key, seconds in results["generation"].items():
            lines.append(f"| {key} | {seconds} |")
    if results.get("throughput"):
        t = results["throughput"]
        lines += [
            "",
            "| /api/status/ under gunicorn | requests/s | non-2xx |",
            "| --- | --- | --- |",
            f"| tracker | {t['tracker']['requests_per_second']} | "
            f"{t['tracker']['non_2xx']} |",
            f"| tracker, no cache | {t['tracker_uncached']['requests_per_second']} | "
            f"{t['tracker_uncached']['non_2xx']} |",
            f"| tracker, 304 revalidations | "
            f"{t['tracker_304']['requests_per_second']} | "
            f"{t['tracker_304']['non_2xx']} |",
            f"| bare WSGI reference | {t['reference']['requests_per_second']} | "
            f"{t['reference']['non_2xx']} |",
            f"| constant-body WSGI (the limit), {t['body_bytes']} bytes | "
            f"{t['constant']['requests_per_second']} | "
            f"{t['constant']['non_2xx']} |",
            f"| ratio to the reference (no cache) | {t['ratio']} "
            f"({t['ratio_uncached']}) | |",
            f"| share of the limit (304) | {t['share_of_limit']} "
            f"({t['share_of_limit_304']}) | |",
        ]
    # A section skipped with --no-latency leaves a blank line first.
    return "\n".join(lines).lstrip("\n") + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--throughput-size", default="large")
    parser.add_argument("--throughput-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="folder for latest.json/.md"
    )
    arguments = parser.parse_args()

    results: dict[str, object] = {"latency": [], "memory": [], "generation": {}}
    cache = ThrowawayRedis()
    if shutil.which("redis-server"):
        cache.start()
        CACHE["CACHE_URL"] = cache.url
    else:
        print("redis-server is not installed: each worker caches on its own")
    results["cache"] = CACHE["CACHE_URL"].split(":")[0]
    try:
        run_all(arguments, results)
    finally:
        cache.kill()
    arguments.output.mkdir(parents=True, exist_ok=True)
    (arguments.output / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (arguments.output / "latest.md").write_text(table)
    print(table)


def run_all(arguments: argparse.Namespace, results: dict[str, object]) -> None:
    for database in arguments.databases.split(","):
        for size in arguments.sizes.split(","):
            generated = prepare(database, size, arguments.reuse)
            if generated is not None:
                results["generation"][f"{database} {size}"] = generated
            if not arguments.no_latency:
                results["latency"].append(
                    {
                        "database": database,
                        "size": size,
                        "measurements": measure(database, size, arguments.runs),
                    }
                )
            if not arguments.no_memory:
                results["memory"].append(memory(database, size))
            print(f"measured {database} {size}", file=sys.stderr)
    if not arguments.no_throughput and "postgres" in arguments.databases:
        if shutil.which("wrk") is None:
            print("wrk is not installed (apt-get install wrk): no throughput run")
        else:
            try:
                results["throughput"] = throughput(
                    arguments.throughput_size,
                    arguments.throughput_seconds,
                    arguments.connections,
                )
            except subprocess.CalledProcessError as error:
                results["throughput_error"] = str(error)


if __name__ == "__main__":
    main()
