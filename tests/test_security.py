"""Production defaults are safe, and the admin login resists password guessing."""

from __future__ import annotations

import logging
import sys
from ipaddress import ip_network
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

GUESSED_PASSWORD = "hunter2-not-the-password"


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client: Client) -> None:
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def attempt_login(client: Client, password: str) -> int:
    response = client.post(
        reverse("admin:login"), {"username": "analyst", "password": password}
    )
    return response.status_code


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client: Client) -> None:
    User.objects.create_user("analyst", password="the-real-password", is_staff=True)
    for _ in range(4):
        assert attempt_login(client, GUESSED_PASSWORD) == 200  # form again
    assert attempt_login(client, GUESSED_PASSWORD) == 429
    # Locked out: even the right password is refused now.
    assert attempt_login(client, "the-real-password") == 429


@pytest.mark.django_db
def test_failed_logins_never_record_the_password(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    User.objects.create_user("analyst", password="the-real-password", is_staff=True)
    with caplog.at_level(logging.DEBUG):
        attempt_login(client, GUESSED_PASSWORD)
    assert caplog.records, "the failed login should be logged"
    assert GUESSED_PASSWORD not in caplog.text
    attempt = AccessAttempt.objects.get()
    assert GUESSED_PASSWORD not in attempt.post_data


@pytest.mark.django_db
def test_api_tokens_never_reach_the_logs(
    editor_client: object, editor: User, caplog: pytest.LogCaptureFixture
) -> None:
    from rest_framework.authtoken.models import Token

    key = Token.objects.get(user=editor).key
    with caplog.at_level(logging.DEBUG):
        editor_client.post("/api/nations/", {"code": "x"}, format="json")  # 400
        editor_client.get("/api/nations/NOPE/")  # 404
        Client().get("/api/nations/", HTTP_AUTHORIZATION=f"Token {key}x")  # 401
    assert caplog.records, "the refused requests should be logged"
    assert key not in caplog.text


PROXY = "10.0.0.1"  # the TLS proxy in front, as FORWARDED_ALLOW_IPS names it


def login_as_editor(client: Client, password: str, **meta: str) -> int:
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": password}, **meta
    )
    return response.status_code


@pytest.mark.django_db
def test_one_client_behind_the_proxy_cannot_lock_out_another(
    client: Client, settings: Settings
) -> None:
    settings.FORWARDED_ALLOW_IPS = [ip_network(PROXY)]
    User.objects.create_user("editor", password="the-real-password", is_staff=True)
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    editor = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    statuses = [login_as_editor(client, GUESSED_PASSWORD, **attacker) for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    assert login_as_editor(client, "the-real-password", **attacker) == 429
    # The editor, at another address behind the same proxy, logs in.
    assert login_as_editor(Client(), "the-real-password", **editor) == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_escape_a_lock_out(
    client: Client, settings: Settings
) -> None:
    settings.FORWARDED_ALLOW_IPS = [ip_network(PROXY)]
    User.objects.create_user("editor", password="the-real-password", is_staff=True)
    # Not through the proxy: X-Forwarded-For is the sender's own invention.
    statuses = [
        login_as_editor(
            client,
            GUESSED_PASSWORD,
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
        for number in range(6)
    ]
    assert statuses == [200] * 4 + [429] * 2
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def log_lines(records: list[logging.LogRecord]) -> list[str]:
    """Each record as the configured handler (standard output) writes it."""
    [stdout] = [h for h in logging.getLogger().handlers if h.name == "stdout"]
    return [stdout.format(record) for record in records if stdout.filter(record)]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/nations/NOPE/", "/nations/NOPE/", "/nowhere/"])
def test_query_strings_never_reach_the_logs(
    client: Client, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    with caplog.at_level(logging.INFO):
        assert client.get(f"{path}?token=secret-in-the-url").status_code == 404
    lines = log_lines(caplog.records)
    assert any(path in line for line in lines), lines  # the 404 is logged...
    assert not [line for line in lines if "secret-in-the-url" in line]  # ...bare


def test_query_strings_are_cut_from_messages_and_tracebacks() -> None:
    try:
        raise ValueError("could not fetch https://example.org/a?key=hunter2 ")
    except ValueError:
        record = logging.LogRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"%s" %s %s',
            ("GET /api/?token=hunter2&page=2 HTTP/1.1", "404", "0"),
            sys.exc_info(),
        )
    [line] = log_lines([record])
    assert "hunter2" not in line
    assert "GET /api/ HTTP/1.1" in line and "https://example.org/a " in line


def test_a_question_in_a_message_is_left_alone() -> None:
    record = logging.LogRecord(
        "deployments",
        logging.INFO,
        __file__,
        1,
        "Retracted? yes, on 2020-01-09",
        (),
        None,
    )
    assert "Retracted? yes" in log_lines([record])[0]
