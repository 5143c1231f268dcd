"""A short, small run of the load test: no server errors, no lost writes.

The full run (50 clients, 30 s) is benchmarks/load.py; its figures are in
docs/reliability.md. Nothing here is timed.
"""

from __future__ import annotations

from benchmarks.load import run


def test_concurrent_reads_and_writes_give_no_5xx_and_lose_no_write() -> None:
    result = run(clients=8, seconds=4)
    assert result["requests"] > 0
    assert result["server_errors"] == 0, result["statuses"]
    assert result["writes_acknowledged"] > 0
    assert result["writes_lost"] == 0
