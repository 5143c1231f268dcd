"""System tests: each crosses a process boundary. They start servers of their
own (gunicorn, a throwaway PostgreSQL cluster or Redis server, Django's live
server) or run the project in a fresh process (manage.py, gunicorn's config
check, an interpreter importing the settings).

Every test in this folder is marked ``system``, so that a quick run can leave
them out with ``-m "not system and not browser"``; the plain ``python -m
pytest`` that CI runs includes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.servers import ThrowawayPostgres

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest's hook sees every collected item, not only its folder's.
    for item in items:
        if Path(item.path).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.system)


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL cluster of the test's own, on a free port."""
    cluster = ThrowawayPostgres()
    cluster.create()
    try:
        yield cluster
    finally:
        cluster.destroy()
