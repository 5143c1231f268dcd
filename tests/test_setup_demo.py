"""The README's first command: one step from empty database to a usable tracker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from deployments.models import Intention, TroopCount

pytestmark = pytest.mark.django_db


def run_setup_demo() -> str:
    output = StringIO()
    call_command("setup_demo", stdout=output)
    return output.getvalue()


def test_setup_demo_loads_the_article_and_creates_a_working_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "correct horse battery")

    output = run_setup_demo()

    assert (TroopCount.objects.count(), Intention.objects.count()) == (3, 9)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("correct horse battery")
    assert "password 'correct horse battery'" in output


def test_setup_demo_without_a_password_invents_and_shows_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    output = run_setup_demo()
    password = output.split("password '")[1].split("'")[0]
    assert len(password) >= 12
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_setup_demo_twice_duplicates_nothing_and_keeps_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "first password")
    run_setup_demo()
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "second password")

    output = run_setup_demo()

    assert (TroopCount.objects.count(), Intention.objects.count()) == (3, 9)
    assert "already exists" in output
    assert get_user_model().objects.get().check_password("first password")
