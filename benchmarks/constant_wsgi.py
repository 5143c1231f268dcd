"""The limit of the stack for /api/status/: a bare WSGI function that answers
every request with the same bytes, read once at start from
``CONSTANT_BODY_FILE`` (the benchmark writes the tracker's own first page of
the status there, so the sizes match). Run it under the same gunicorn
settings as the tracker:

    CONSTANT_BODY_FILE=status.json gunicorn -c gunicorn.conf.py \\
        benchmarks.constant_wsgi:application

No database, no Django: what a cached answer could cost at best.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BODY = Path(os.environ["CONSTANT_BODY_FILE"]).read_bytes()
HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(BODY))),
]


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
