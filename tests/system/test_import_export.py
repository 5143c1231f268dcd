"""The admin import's limits come from the environment, as read by a fresh
interpreter.

The import and export themselves are tested in tests/test_import_export.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.servers import PROJECT


def test_admin_import_limits_are_read_from_the_environment() -> None:
    def load(**environment: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "import tracker.settings as s; "
                "print(s.ADMIN_IMPORT_MAX_BYTES, s.ADMIN_IMPORT_MAX_ROWS)",
            ],
            cwd=PROJECT,
            env={"PATH": os.environ["PATH"], "DEBUG": "true", **environment},
            capture_output=True,
            text=True,
            check=False,
        )

    assert load().stdout.split() == ["1048576", "1000"]
    chosen = load(ADMIN_IMPORT_MAX_BYTES="5000000", ADMIN_IMPORT_MAX_ROWS="250")
    assert chosen.stdout.split() == ["5000000", "250"]
    refused = load(ADMIN_IMPORT_MAX_ROWS="a thousand")
    assert refused.returncode != 0
    assert "ADMIN_IMPORT_MAX_ROWS must be a whole number" in refused.stderr
