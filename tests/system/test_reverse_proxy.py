"""A real nginx in front of gunicorn, with the recipe's cache settings
(deploy/nginx/proxy-cache.conf): the tracker's cache headers and validators
let it answer a repeated anonymous read itself, revalidate an expired copy
with a 304, and show a write once its copy expires.

It also checks what must never be shared: JSON and CSV of one URL are kept
apart (Vary: Accept), a reader with the read-your-writes pin or a session
cookie is never answered from the cache, and an answer setting a cookie is
never stored; and that the site recipe (deploy/nginx/tracker.conf) passes
``nginx -t``.

The tracker keeps anonymous reads fresh for one second here
(PUBLIC_CACHE_SECONDS=1) and allows no stale copy, so that expiry comes soon
and each read after it is revalidated in the open; every wait is for the
event itself, never a fixed time, and for no longer than that second and a
margin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.servers import (
    DEADLINE_SECONDS,
    PROJECT,
    free_port,
    gunicorn,
    manage,
    production_env,
    request,
    wait_until,
)

RECIPE = PROJECT / "deploy" / "nginx" / "proxy-cache.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/bin")

pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (.ci/run installs it: apt-get install nginx)",
)

# nginx's own files in the test's folder; the recipe's cache settings as they
# are, plus the cache status of every answer, in a header and in the log.
CONFIG = """
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    log_format cache '$request_method $request_uri $status '
                     '$upstream_cache_status $upstream_status';
    access_log {folder}/access.log cache;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=tracker:1m
                     inactive=10m use_temp_path=off;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            include {recipe};
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def cache(self) -> str:
        """nginx's word for where the answer came from: MISS, HIT, ..."""
        return self.headers.get("X-Cache-Status", "")


def get(url: str, headers: dict[str, str] | None = None) -> Answer:
    prepared = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(prepared, timeout=10) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@contextmanager
def nginx(upstream: str, folder: Path) -> Iterator[str]:
    """nginx on a free loopback port in front of ``upstream``; yield its URL."""
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(
        CONFIG.format(
            # As root, the workers would otherwise run as nobody, who may not
            # write the cache in the test's folder.
            user="user root;" if os.geteuid() == 0 else "",
            folder=folder,
            port=port,
            upstream=upstream,
            recipe=RECIPE,
        )
    )
    log = folder / "error.log"
    process = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(config), "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            try:
                request(f"{url}/healthz", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    errors = log.read_text() if log.exists() else ""
                    raise AssertionError(f"nginx did not start:\n{errors}") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cache_log(folder: Path, path: str) -> list[str]:
    """'<status> <cache status> <upstream status>' of each GET of ``path``."""
    lines = (folder / "access.log").read_text().splitlines()
    return [line.split(" ", 2)[2] for line in lines if line.startswith(f"GET {path} ")]


# How long anonymous reads are kept fresh here, and how much longer than that
# a busy machine may take to show a write.
MAX_AGE_SECONDS = 1
MARGIN_SECONDS = 5
SITE = PROJECT / "deploy" / "nginx" / "tracker.conf"
OPENSSL = shutil.which("openssl")


@dataclass
class Site:
    """The tracker behind nginx: the proxy's URL, its folder (for the access
    log) and an API token to write with."""

    proxy: str
    folder: Path
    token: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One tracker and one nginx for the module: each test reads URLs of its
    own, so that what one test's reads put in the cache is no other's."""
    folder = tmp_path_factory.mktemp("reverse-proxy")
    env = production_env(
        f"sqlite:///{folder / 'tracker.sqlite3'}",
        PUBLIC_CACHE_SECONDS=str(MAX_AGE_SECONDS),
        STALE_WHILE_REVALIDATE_SECONDS="0",
        API_THROTTLE_ANON="100000/minute",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    manage("setup_demo", env=env | {"DEMO_ADMIN_PASSWORD": "not-used-here"})
    token = manage("drf_create_token", "admin", env=env).stdout.split()[2]
    nginx_folder = folder / "nginx"
    nginx_folder.mkdir()
    with gunicorn(env) as upstream, nginx(upstream, nginx_folder) as proxy:
        yield Site(proxy, nginx_folder, token)


def adapted(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each replacement made; each must be there to make, so
    that a recipe changed under the test fails it rather than going
    unchecked."""
    for old, new in replacements.items():
        assert old in text, f"the recipe no longer says {old!r}"
        text = text.replace(old, new)
    return text


@pytest.mark.skipif(OPENSSL is None, reason="openssl makes the test certificate")
def test_the_site_recipe_passes_nginx_syntax_check(tmp_path: Path) -> None:
    certificate, key = tmp_path / "site.pem", tmp_path / "site.key"
    subprocess.run(
        [str(OPENSSL), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=tracker.example.org"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    # The recipe as it is, but for where it puts files and which ports it
    # listens on, which a test may not take.
    site = tmp_path / "tracker.conf"
    site.write_text(
        adapted(
            SITE.read_text(),
            {
                "/var/cache/nginx/tracker": str(tmp_path / "cache"),
                "/etc/ssl/certs/tracker.example.org.pem": str(certificate),
                "/etc/ssl/private/tracker.example.org.key": str(key),
                "/etc/nginx/snippets/proxy-cache.conf": str(RECIPE),
                "listen 443 ": f"listen 127.0.0.1:{free_port()} ",
                "listen 80;": f"listen 127.0.0.1:{free_port()};",
            },
        )
    )
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {site};
}}
"""
    )

    check = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(config)]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )

    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr


def test_nginx_keeps_revalidates_and_refreshes_anonymous_reads(site: Site) -> None:
    status_url = f"{site.proxy}/api/status/"
    first = get(status_url)
    second = get(status_url)
    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body
    assert first.headers["Cache-Control"] == (
        f"public, max-age={MAX_AGE_SECONDS}, stale-while-revalidate=0"
    )

    # Expired and unchanged: nginx asks with the ETag, the tracker says 304.
    wait_until(
        lambda: get(status_url).cache == "REVALIDATED",
        "nginx to revalidate its expired copy",
        seconds=MAX_AGE_SECONDS + MARGIN_SECONDS,
    )
    wait_until(
        lambda: "200 REVALIDATED 304" in cache_log(site.folder, "/api/status/"),
        "nginx to log the revalidation",
    )

    # Signed-in requests go past the cache, writes included.
    signed_in = {"Authorization": f"Token {site.token}"}
    assert get(status_url, signed_in).cache == "BYPASS"
    status, body = request(
        f"{site.proxy}/api/nations/CAN/",
        method="PATCH",
        body=json.dumps({"name": "Canada (renamed)"}).encode(),
        headers=signed_in | {"Content-Type": "application/json"},
    )
    assert status == 200, body

    reads: list[Answer] = []

    def shows_the_write() -> bool:
        reads.append(get(status_url))
        return b"Canada (renamed)" in reads[-1].body

    # The copy kept before the write lives out its max-age, no longer.
    wait_until(
        shows_the_write,
        "a read through nginx to show the write",
        seconds=MAX_AGE_SECONDS + MARGIN_SECONDS,
    )
    # The old copy's ETag no longer holds: nginx got the new answer whole.
    assert reads[-1].cache == "EXPIRED"
    assert reads[-1].headers["ETag"] != first.headers["ETag"]
    assert {read.cache for read in reads[:-1]} <= {"HIT"}


def test_vary_accept_keeps_json_and_csv_apart_in_the_cache(site: Site) -> None:
    url = f"{site.proxy}/api/status/?host=IRQ"
    as_json = {"Accept": "application/json"}
    as_csv = {"Accept": "text/csv"}

    json_read, json_again = get(url, as_json), get(url, as_json)
    csv_read, csv_again = get(url, as_csv), get(url, as_csv)

    assert json_read.headers["Vary"] == "Accept"
    assert (json_read.cache, json_again.cache) == ("MISS", "HIT")
    assert (csv_read.cache, csv_again.cache) == ("MISS", "HIT")
    assert json_again.body == json_read.body
    assert csv_again.body == csv_read.body
    assert json_read.headers["Content-Type"].startswith("application/json")
    assert csv_read.headers["Content-Type"].startswith("text/csv")
    assert csv_read.body != json_read.body
    # Both are kept side by side: the CSV did not push the JSON out.
    json_later = get(url, as_json)
    assert (json_later.cache, json_later.body) == ("HIT", json_read.body)


@pytest.mark.parametrize(
    "cookie",
    # The read-your-writes pin (tracker/replica_reads.py) and the session.
    ["read_primary=pinned", "sessionid=signed-in"],
    ids=["read-your-writes", "session"],
)
def test_a_reader_with_a_pin_or_session_cookie_is_not_answered_from_the_cache(
    cookie: str, site: Site
) -> None:
    path = f"/api/status/?nation=CAN&reader={cookie.split('=')[0]}"
    url = f"{site.proxy}{path}"
    get(url)
    assert get(url).cache == "HIT"  # a copy to be answered from, were it allowed

    with_cookie = get(url, {"Cookie": cookie})

    assert (with_cookie.status, with_cookie.cache) == (200, "BYPASS")
    # It reached the tracker (nginx logs a request after answering it).
    wait_until(
        lambda: cache_log(site.folder, path)[-1] == "200 BYPASS 200",
        "nginx to log the bypass",
    )


def test_an_answer_setting_a_cookie_is_not_stored(site: Site) -> None:
    # The browsable API sets its CSRF cookie.
    url = f"{site.proxy}/api/status/?nation=IRQ"
    as_html = {"Accept": "text/html"}

    first, again = get(url, as_html), get(url, as_html)

    assert "csrftoken" in first.headers["Set-Cookie"]
    assert (first.cache, again.cache) == ("MISS", "MISS")
    assert "csrftoken" in again.headers["Set-Cookie"]
