"""Admin "History › Revert": puts an old version back, never over a newer one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from deployments.admin import NationAdmin
from deployments.models import Nation
from tests.factories import NationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(admin_client: Client) -> Client:
    return admin_client


def revert_url(nation: Nation, history_id: int) -> str:
    return reverse(
        "admin:deployments_nation_simple_history", args=[nation.pk, history_id]
    )


def seen_version(page: str) -> int:
    return int(page.split('name="seen_version" value="')[1].split('"')[0])


def revert_form(nation: Nation, old: Nation, seen: int) -> dict[str, object]:
    return {
        "code": old.code,
        "name": old.name,
        "kind": old.kind,
        "seen_version": seen,
        "troop_counts-TOTAL_FORMS": 0,
        "troop_counts-INITIAL_FORMS": 0,
        "intentions-TOTAL_FORMS": 0,
        "intentions-INITIAL_FORMS": 0,
    }


def renamed(nation: Nation, name: str) -> Nation:
    nation.name = name
    nation.save()
    return nation


def test_revert_puts_the_old_version_back_as_a_new_one(
    analyst: Client, admin_user: User
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    first = nation.history.get()
    renamed(nation, "Rumania")
    url = revert_url(nation, first.history_id)
    opened = analyst.get(url)
    assert opened.status_code == 200
    assert seen_version(opened.text) == 2  # the record's version, not the old one

    response = analyst.post(url, revert_form(nation, first.instance, seen=2))

    assert response.status_code == 302
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("Romania", 3)
    latest = nation.history.first()
    assert (latest.history_type, latest.history_user) == ("~", admin_user)


def test_revert_refuses_when_the_record_changed_since_the_page_was_opened(
    analyst: Client,
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    first = nation.history.get()
    renamed(nation, "Rumania")
    url = revert_url(nation, first.history_id)
    seen = seen_version(analyst.get(url).text)
    renamed(nation, "România")  # someone else, meanwhile

    response = analyst.post(url, revert_form(nation, first.instance, seen=seen))

    assert response.status_code == 200  # the form again, with the reason
    assert "Someone else changed this record since you opened it" in response.text
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("România", 3)
    assert nation.history.count() == 3


def test_revert_of_a_deleted_record_says_so_instead_of_failing(
    analyst: Client,
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    first = nation.history.get()
    url = revert_url(nation, first.history_id)
    seen = seen_version(analyst.get(url).text)
    nation.delete()

    response = analyst.post(
        url, revert_form(nation, first.instance, seen=seen), follow=True
    )

    assert response.status_code == 200
    assert "Nothing was reverted" in response.text
    assert not Nation.objects.filter(pk=nation.pk).exists()


def test_revert_losing_a_race_at_the_last_moment_is_a_message_not_a_500(
    analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    first = nation.history.get()
    renamed(nation, "Rumania")
    save_model = NationAdmin.save_model

    def someone_saves_first(
        self: NationAdmin, request: HttpRequest, obj: Nation, form: Any, change: bool
    ) -> None:
        Nation.objects.filter(pk=obj.pk).update(name="Racer", version=F("version") + 1)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(NationAdmin, "save_model", someone_saves_first)
    response = analyst.post(
        revert_url(nation, first.history_id),
        revert_form(nation, first.instance, seen=2),
        follow=True,
    )

    assert response.status_code == 200
    assert "Nothing was reverted" in response.text
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("Racer", 3)
