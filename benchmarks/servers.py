"""Real servers for whatever must cross a process boundary: gunicorn running
this project, throwaway PostgreSQL and Redis servers that a test may stop, and
a client that keeps requesting while it does.

The benchmarks and the system tests (tests/system/) both use these; they live
here, beside the benchmarks, so that the tests import the benchmarks and never
the other way round (tests/test_layout.py checks it).

Nothing here waits a fixed time for something to happen: each wait is for
the event itself (a port open, an answer, so many answers), with a deadline
generous enough for a busy machine."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import psycopg
import redis

PROJECT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# How long a test waits for an event before it fails: long enough for a
# machine busy with other work, short enough that a real hang is seen.
DEADLINE_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production deployment, on loopback."""
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "server-test-" + "x" * 40,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "false",
        "WEB_CONCURRENCY": "2",
        # TLS ends at the proxy in front of gunicorn; these requests are plain.
        "SECURE_SSL_REDIRECT": "false",
        **extra,
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, bytes]:
    prepared = urllib.request.Request(
        url, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(
    happened: Callable[[], bool], what: str, seconds: float = DEADLINE_SECONDS
) -> None:
    """Return as soon as ``happened()``; fail saying ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not happened():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s in vain for {what}")
        time.sleep(0.05)


def wait_for_answer(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait until the server answers HTTP at all (a worker has booted, not only
    the port is bound), failing with its log if it exits or never does."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            request(f"{url}/healthz", timeout=5)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = log.read_text(errors="replace")
                raise AssertionError(f"the server did not start:\n{output}") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(env: dict[str, str], app: str | None = None) -> Iterator[str]:
    """Serve the project (or another WSGI ``app``, under the same settings) with
    gunicorn.conf.py on a free port; yield its URL."""
    with gunicorn_process(env, app) as (url, _):
        yield url


@contextmanager
def gunicorn_process(
    env: dict[str, str], app: str | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As ``gunicorn``, yielding the master process too, for whoever looks at
    its workers (they are its children)."""
    port = free_port()
    # Logs go to a file: a pipe nobody reads fills up and stalls the server.
    with tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log") as log:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                *([app] if app else []),
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_answer(url, process, Path(log.name))
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()  # a stop that hangs must not hang the suite
                process.wait(timeout=10)


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port.

    Made with the server's own initdb and pg_ctl, run as the postgres user
    (PostgreSQL refuses to run as root), so a test can stop and restart it.
    """

    def __init__(self) -> None:
        binaries = sorted(glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise RuntimeError("no PostgreSQL server binaries in /usr/lib/postgresql")
        self.bin = Path(binaries[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/tracker"
        shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, cwd=self.folder
        )

    def create(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        self.start()
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "tracker",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.folder} -c fsync=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.folder / "server.log"),
            "start",
        )

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
        )

    def destroy(self) -> None:
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, statement: str) -> list[tuple[object, ...]]:
        """Run one statement as the superuser; its rows, if it has any."""
        with (
            psycopg.connect(self.url, autocommit=True) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []


class ThrowawayStandby(ThrowawayPostgres):
    """A hot standby streaming from a ``ThrowawayPostgres``, on a free port
    of its own: a read replica that a test can pause, or stop.

    initdb's default pg_hba.conf lets the superuser replicate over loopback
    with the clusters' trust authentication, and a cluster's defaults
    (wal_level replica, ten WAL senders) allow a streaming standby.
    """

    def __init__(self, primary: ThrowawayPostgres) -> None:
        super().__init__()
        self.primary = primary

    def create(self) -> None:
        self._run(
            str(self.bin / "pg_basebackup"),
            "--pgdata",
            str(self.data),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.primary.port),
            "--username",
            "postgres",
            "--wal-method",
            "stream",
            # standby.signal, and primary_conninfo naming the primary.
            "--write-recovery-conf",
            # Start at once, not after a spread checkpoint (minutes).
            "--checkpoint",
            "fast",
            "--no-sync",
        )
        self.start()

    def pause_replay(self) -> None:
        """Keep receiving the primary's changes but apply none of them."""
        self.sql("SELECT pg_wal_replay_pause()")
        wait_until(
            lambda: (
                self.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused"
            ),
            "the standby to pause its replay",
        )

    def resume_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")


class ThrowawayRedis:
    """A Redis server of its own on a free port, keeping nothing on disk, so
    that a test can kill it and start it again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, f"Redis to answer on port {self.port}")

    def kill(self) -> None:
        """Stop at once, as a crash would; returns once the port is closed."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=DEADLINE_SECONDS)
            self.process = None

    def keys(self, pattern: str) -> list[bytes]:
        return redis.Redis(port=self.port, socket_timeout=1).keys(pattern)


@dataclass
class Answer:
    sent_at: float
    status: int  # 0: no HTTP answer at all
    seconds: float


class SteadyClient(threading.Thread):
    """Requests one URL every ``interval`` seconds until stopped (bounded).

    With a token it writes instead: each request creates a source with a
    title of its own, so that what was acknowledged can be checked later.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        interval: float = 0.05,
        limit: int = 5000,
    ) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.interval, self.limit = url, token, interval, limit
        self.answers: list[Answer] = []
        self.acknowledged: list[str] = []
        self.halt = threading.Event()

    def send(self, number: int) -> int:
        if self.token is None:
            return request(self.url, timeout=10)[0]
        title = f"Outage test report {number}"
        status, _ = request(
            self.url,
            method="POST",
            body=json.dumps(
                {"title": title, "publisher": "Wire", "published_on": "2020-01-08"}
            ).encode(),
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
            },
            timeout=10,
        )
        if status == 201:
            self.acknowledged.append(title)
        return status

    def run(self) -> None:
        while not self.halt.is_set() and len(self.answers) < self.limit:
            sent_at = time.monotonic()
            try:
                status = self.send(len(self.answers))
            except OSError:
                status = 0
            self.answers.append(Answer(sent_at, status, time.monotonic() - sent_at))
            self.halt.wait(self.interval)

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        """Answers to requests sent from ``start`` until ``end``."""
        return [a for a in self.answers if start <= a.sent_at < end]

    def wait_for_answers(self, count: int, sent_after: float = 0.0) -> None:
        """Wait until ``count`` requests sent after ``sent_after`` are answered."""
        wait_until(
            lambda: len(self.between(sent_after)) >= count,
            f"{count} answers from {self.url}",
        )

    def finish(self) -> None:
        self.halt.set()
        self.join(timeout=DEADLINE_SECONDS)
