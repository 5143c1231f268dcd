"""No lost edits: a write based on an old version changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from deployments.models import Intention, Nation, Stance, VersionConflict
from tests.factories import IntentionFactory, NationFactory

pytestmark = pytest.mark.django_db


def test_each_save_raises_the_version_by_one() -> None:
    nation = NationFactory(name="Romania")
    assert nation.version == 1
    nation.name = "Romania (edited)"
    nation.save()
    nation.refresh_from_db()
    assert nation.version == 2


def test_saving_a_stale_copy_changes_nothing() -> None:
    nation = NationFactory(code="ROU", name="Romania")
    first_editor = Nation.objects.get(pk=nation.pk)
    second_editor = Nation.objects.get(pk=nation.pk)
    first_editor.name = "First"
    first_editor.save()

    second_editor.name = "Second"
    with pytest.raises(VersionConflict):
        second_editor.save()

    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("First", 2)
    assert nation.history.count() == 2  # created, and the first edit only


def test_explicit_expected_version_is_checked() -> None:
    intention = IntentionFactory()
    intention.stance = Stance.WITHDRAWING
    with pytest.raises(VersionConflict):
        intention.save(expected_version=7)
    assert Intention.objects.get().stance == Stance.STAYING


def test_deleting_a_stale_copy_deletes_nothing() -> None:
    intention = IntentionFactory()
    stale = Intention.objects.get(pk=intention.pk)
    intention.speaker = "Someone else"
    intention.save()
    with pytest.raises(VersionConflict):
        stale.delete()
    assert Intention.objects.filter(pk=intention.pk).exists()


def nation_form(nation: Nation, name: str, seen_version: int) -> dict[str, object]:
    return {
        "code": nation.code,
        "name": name,
        "kind": nation.kind,
        "seen_version": seen_version,
        "troop_counts-TOTAL_FORMS": 0,
        "troop_counts-INITIAL_FORMS": 0,
        "intentions-TOTAL_FORMS": 0,
        "intentions-INITIAL_FORMS": 0,
    }


def nation_form_with_statement(intention: Intention, speaker: str) -> dict[str, object]:
    """The nation's change form with one statement row edited inline."""
    nation = intention.nation
    return nation_form(nation, nation.name, seen_version=1) | {
        "intentions-TOTAL_FORMS": 1,
        "intentions-INITIAL_FORMS": 1,
        "intentions-0-id": intention.pk,
        "intentions-0-nation": nation.pk,
        "intentions-0-host": intention.host.pk,
        "intentions-0-stance": "staying",
        "intentions-0-speaker": speaker,
        "intentions-0-reported_on": "2020-01-08",
        "intentions-0-quote": intention.quote,
        "intentions-0-source": intention.source.pk,
        "intentions-0-standing": "asserted",
    }


def test_admin_refuses_a_form_opened_before_someone_else_saved(
    admin_user: User,
) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    url = reverse("admin:deployments_nation_change", args=[nation.pk])
    client = Client()
    client.force_login(admin_user)
    opened = client.get(url)
    assert 'name="seen_version" value="1"' in opened.text
    Nation.objects.filter(pk=nation.pk).update(name="Changed meanwhile", version=2)

    response = client.post(url, nation_form(nation, "My edit", seen_version=1))

    assert response.status_code == 200  # the form again, with the error
    assert "Someone else changed this record since you opened it" in response.text
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("Changed meanwhile", 2)


def test_admin_saves_a_form_opened_at_the_current_version(admin_user: User) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:deployments_nation_change", args=[nation.pk]),
        nation_form(nation, "My edit", seen_version=1),
    )
    assert response.status_code == 302
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("My edit", 2)


def test_admin_inline_rows_are_version_checked_too(admin_user: User) -> None:
    intention = IntentionFactory(speaker="Original")
    nation = intention.nation
    client = Client()
    client.force_login(admin_user)
    form = nation_form_with_statement(intention, speaker="My edit") | {
        "intentions-0-seen_version": 1
    }
    Intention.objects.filter(pk=intention.pk).update(speaker="Meanwhile", version=2)

    response = client.post(
        reverse("admin:deployments_nation_change", args=[nation.pk]), form
    )

    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert Intention.objects.get().speaker == "Meanwhile"


def test_admin_refuses_a_form_without_its_version(admin_user: User) -> None:
    nation = NationFactory(code="ROU", name="Romania")
    Nation.objects.filter(pk=nation.pk).update(name="Changed meanwhile", version=2)
    client = Client()
    client.force_login(admin_user)
    form = nation_form(nation, "My edit", seen_version=1)
    del form["seen_version"]  # a page that lost it, or a hand-made post

    response = client.post(
        reverse("admin:deployments_nation_change", args=[nation.pk]), form
    )

    assert response.status_code == 200
    assert "Someone else changed this record since you opened it" in response.text
    nation.refresh_from_db()
    assert (nation.name, nation.version) == ("Changed meanwhile", 2)
    assert nation.history.count() == 1  # only its creation


def test_admin_refuses_an_inline_row_without_its_version(admin_user: User) -> None:
    intention = IntentionFactory(speaker="Original")
    nation = intention.nation
    client = Client()
    client.force_login(admin_user)
    # The statement's row comes without the version it was opened at.
    form = nation_form_with_statement(intention, speaker="My edit")

    response = client.post(
        reverse("admin:deployments_nation_change", args=[nation.pk]), form
    )

    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert Intention.objects.get().speaker == "Original"
