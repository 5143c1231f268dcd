"""gunicorn settings for production: ``gunicorn`` in the project folder reads this.

Each value can be overridden from the environment, as documented in README.md.
"""

from __future__ import annotations

import multiprocessing
import os

from tracker.env import envint

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = envint("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# Threads let a worker overlap requests waiting on PostgreSQL.
threads = envint("GUNICORN_THREADS", 2)
timeout = envint("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Logs to standard output, where the process manager collects them.
accesslog = "-"
errorlog = "-"
# One JSON object a line. Only fields that cannot hold a quote are logged
# (gunicorn does not escape them): no query string, no user agent.
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s}'
)
# gunicorn's largest request line (its default is 4094): every API URL up to
# it reaches Django, which answers a too-long one with a JSON 414 (see
# tracker.middleware.MAX_API_URL_LENGTH) instead of gunicorn's HTML page.
limit_request_line = 8190
# The proxies allowed to say the scheme (and, to the app, the client's
# address); the same variable as in tracker/settings.py. Default: none.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
