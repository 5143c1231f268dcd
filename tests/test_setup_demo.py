"""The README's first command: one step from empty database to a usable tracker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from deployments.models import Change, Intention, Nation, Source, TroopCount
from deployments.models.changes import record_type_of

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


def test_setup_demo_again_keeps_an_editors_change_and_says_what_it_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "not-used-here")
    run_setup_demo()
    count = TroopCount.objects.get(nation__code="CAN")
    count.troops = 450
    count.save()
    changes = Change.objects.count()

    output = run_setup_demo()

    count.refresh_from_db()
    assert (count.troops, count.version) == (450, 2)
    assert [entry.history_type for entry in count.history.all()] == ["~", "+"]
    assert Change.objects.count() == changes  # nothing written, nothing to sync
    records = Nation.objects.count() + Source.objects.count() + 3 + 9
    assert f"Added 0 new record(s); skipped {records} that already exist" in output


def test_setup_demo_adds_back_only_what_is_missing_with_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "not-used-here")
    run_setup_demo()
    letter = Intention.objects.get(speaker="William Seely")
    letter.delete()

    output = run_setup_demo()

    restored = Intention.objects.get(speaker="William Seely")
    assert restored.pk != letter.pk and restored.version == 1
    assert [entry.history_type for entry in restored.history.all()] == ["+"]
    assert "Added 1 new record(s)" in output


def test_every_record_setup_demo_loads_has_history_and_a_change_in_the_feed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "not-used-here")
    run_setup_demo()
    for model in (Nation, Source, TroopCount, Intention):
        for record in model.objects.all():
            (entry,) = record.history.all()
            assert (entry.history_type, entry.version) == ("+", 1), record
            assert Change.objects.filter(
                record_type=record_type_of(model), history_id=entry.history_id
            ).exists(), record


def test_the_first_edit_of_a_loaded_record_shows_what_it_changed(
    monkeypatch: pytest.MonkeyPatch, editor_client: APIClient
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "not-used-here")
    run_setup_demo()
    count = TroopCount.objects.get(nation__code="USA")
    url = f"/api/troop-counts/{count.pk}/"
    assert editor_client.patch(url, {"troops": 5000}, format="json").status_code == 200

    edit, loaded = editor_client.get(f"{url}history/").json()

    assert loaded["action"] == "created" and loaded["record"]["troops"] == 5200
    assert edit["changes"] == {
        "troops": {"from": 5200, "to": 5000},
        "version": {"from": 1, "to": 2},
    }
