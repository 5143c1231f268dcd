"""``python -m tracker.serve``: gunicorn with gunicorn.conf.py, after checking
the numbers it reads from the environment.

gunicorn reads WEB_CONCURRENCY itself, with a bare ``int()``, as it is
imported and before gunicorn.conf.py runs, so ``WEB_CONCURRENCY=abc`` stops
plain ``gunicorn`` with ``ValueError: invalid literal for int()``. Here every
such variable is read first with the settings' rules, and a bad one stops the
start with a message naming it. Arguments are passed on to gunicorn.
"""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured

from tracker.env import envint

# Whole numbers gunicorn.conf.py (or gunicorn itself) reads.
NUMBERS = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT")


def main() -> None:
    try:
        for name in NUMBERS:
            envint(name, 0)
    except ImproperlyConfigured as error:
        sys.exit(f"tracker.serve: {error}")
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", *sys.argv[1:]]
    run(prog="python -m tracker.serve")


if __name__ == "__main__":
    main()
