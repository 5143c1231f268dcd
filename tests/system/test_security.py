"""Production defaults are safe: Django's deployment check, run as production
runs it, in a process of its own with only the production environment.

The rest of the security tests are in tests/test_security.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

from benchmarks.servers import PROJECT


def test_deploy_check_is_clean_in_production_mode() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={
            "PATH": os.environ["PATH"],
            "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
            "ALLOWED_HOSTS": "tracker.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
