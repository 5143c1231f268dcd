"""A bounded load test on loopback: concurrent clients against gunicorn and a
PostgreSQL cluster of its own, mixed reads and writes.

    python -m benchmarks.load --clients 50 --seconds 30

Prints latency percentiles, the status codes seen, and whether every write
the server acknowledged (201) is stored. Every address is on this machine; the
run stops by itself after --seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from benchmarks.servers import (
    ThrowawayPostgres,
    gunicorn,
    manage,
    production_env,
    request,
)

READS = [
    "/api/status/",
    "/api/status/?as_of=2020-01-08",
    "/api/intentions/?nation=USA,CAN&ordering=-reported_on",
    "/api/troop-counts/",
    "/",
    "/nations/USA/",
    "/healthz",
]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses[status] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def client(
    base: str, token: str, until: float, number: int, tally: Tally, write_share: float
) -> None:
    chooser = random.Random(number)
    sequence = 0
    while time.monotonic() < until:
        sequence += 1
        started = time.monotonic()
        if chooser.random() < write_share:
            title = f"Load test {number}-{sequence}"
            status, _ = request(
                f"{base}/api/sources/",
                method="POST",
                body=json.dumps(
                    {"title": title, "publisher": "Load", "published_on": "2020-01-08"}
                ).encode(),
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
            if status == 201:
                with tally.lock:
                    tally.acknowledged.append(title)
            tally.record("write", status, time.monotonic() - started)
        else:
            status, _ = request(base + chooser.choice(READS))
            tally.record("read", status, time.monotonic() - started)


def run(clients: int, seconds: float, write_share: float = 0.2) -> dict[str, object]:
    postgres = ThrowawayPostgres()
    postgres.create()
    try:
        env = production_env(
            postgres.url,
            API_THROTTLE_ANON="1000000/minute",
            API_THROTTLE_USER="1000000/minute",
            LOG_LEVEL="WARNING",
        )
        manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "unused-password"})
        token = manage("drf_create_token", "admin", env=env).stdout.split()[2]
        tally = Tally()
        with gunicorn(env) as base:
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(
                    target=client, args=(base, token, until, n, tally, write_share)
                )
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + 60)
            stored = set()
            page = 1
            while True:
                status, body = request(
                    f"{base}/api/sources/?publisher=Load&page_size=1000&page={page}"
                )
                data = json.loads(body)
                stored |= {row["title"] for row in data["results"]}
                if not data["next"]:
                    break
                page += 1
    finally:
        postgres.destroy()

    requests_made = sum(tally.statuses.values())
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": requests_made,
        "requests_per_second": round(requests_made / seconds, 1),
        "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": sum(n for code, n in tally.statuses.items() if code >= 500),
        "writes_acknowledged": len(tally.acknowledged),
        "writes_lost": len(set(tally.acknowledged) - stored),
        "latency_ms": {
            kind: {
                "p50": round(statistics.median(values) * 1000, 1),
                "p95": round(percentile(values, 0.95) * 1000, 1),
                "p99": round(percentile(values, 0.99) * 1000, 1),
                "max": round(max(values) * 1000, 1),
            }
            for kind, values in tally.latencies.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--write-share", type=float, default=0.2)
    arguments = parser.parse_args()
    print(
        json.dumps(
            run(arguments.clients, arguments.seconds, arguments.write_share), indent=2
        )
    )


if __name__ == "__main__":
    main()
