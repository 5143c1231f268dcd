"""Every edit is kept; a deleted record can be found and restored by an admin."""

from __future__ import annotations

import importlib
from types import ModuleType, SimpleNamespace

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from deployments.models import (
    Change,
    DeletedIntention,
    Intention,
    Nation,
    Source,
    Stance,
    TroopCount,
)
from deployments.models.changes import record_type_of
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(admin_client: Client) -> Client:
    """A superuser's logged-in client (pytest-django's admin_client)."""
    return admin_client


def delete_in_admin(client: Client, intention: Intention) -> None:
    url = reverse("admin:deployments_intention_delete", args=[intention.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


def test_deleted_record_is_listed_with_who_deleted_it(
    analyst: Client, admin_user: User
) -> None:
    intention = IntentionFactory(speaker="Mark Esper")
    delete_in_admin(analyst, intention)

    listing = analyst.get(reverse("admin:deployments_deletedintention_changelist"))

    assert listing.status_code == 200
    assert "Mark Esper" in listing.text
    assert DeletedIntention.objects.still_deleted().get().history_user == admin_user


def test_admin_restores_a_deleted_record_with_its_id_and_fields(
    analyst: Client,
) -> None:
    intention = IntentionFactory(stance=Stance.REPOSITIONING, temporary=True)
    original_id = intention.pk
    delete_in_admin(analyst, intention)
    deletion = DeletedIntention.objects.still_deleted().get()

    response = analyst.post(
        reverse("admin:deployments_deletedintention_changelist"),
        {"action": "restore", "_selected_action": [deletion.pk]},
    )

    assert response.status_code == 302
    restored = Intention.objects.get(pk=original_id)
    assert (restored.stance, restored.temporary) == (Stance.REPOSITIONING, True)
    assert not DeletedIntention.objects.still_deleted().exists()
    assert [entry.history_type for entry in restored.history.all()] == ["+", "-", "+"]


def test_a_record_whose_deployment_went_too_is_restored_into_a_new_one(
    analyst: Client,
) -> None:
    intention = IntentionFactory(quote="We will stay.")
    gone = intention.deployment
    delete_in_admin(analyst, intention)
    gone.delete()  # nothing refers to it any more
    deletion = DeletedIntention.objects.still_deleted().get()

    response = analyst.post(
        reverse("admin:deployments_deletedintention_changelist"),
        {"action": "restore", "_selected_action": [deletion.pk]},
        follow=True,
    )

    assert "Restored 1 record" in response.text
    restored = Intention.objects.get(quote="We will stay.")
    assert restored.deployment_id != gone.pk
    assert (restored.deployment.nation, restored.deployment.host) == (
        intention.nation,
        intention.host,
    )


def test_restore_that_would_break_a_rule_restores_nothing(analyst: Client) -> None:
    intention = IntentionFactory(quote="We are not leaving Iraq.")
    delete_in_admin(analyst, intention)
    # The same quote was entered again meanwhile: restoring would duplicate it.
    IntentionFactory(
        nation=intention.nation, source=intention.source, quote=intention.quote
    )
    deletion = DeletedIntention.objects.still_deleted().get()

    response = analyst.post(
        reverse("admin:deployments_deletedintention_changelist"),
        {"action": "restore", "_selected_action": [deletion.pk]},
        follow=True,
    )

    assert "Nothing was restored" in response.text
    assert Intention.objects.count() == 1


def test_deleted_records_are_hidden_from_staff_who_may_not_add(
    admin_user: User,
) -> None:
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_intention"))
    client = Client()
    client.force_login(clerk)
    url = reverse("admin:deployments_deletedintention_changelist")
    assert client.get(url).status_code == 403


def every_record_has_a_created_entry_in_history_and_feed() -> bool:
    for model in (Nation, Source, TroopCount, Intention):
        records = set(model.objects.values_list("pk", flat=True))
        created = model.history.filter(history_type="+")
        if set(created.values_list("id", flat=True)) != records:
            return False
        feed = Change.objects.filter(record_type=record_type_of(model))
        if set(feed.values_list("history_id", flat=True)) != set(
            created.values_list("history_id", flat=True)
        ):
            return False
    return True


def test_synthetic_records_are_created_with_history_and_feed_entries() -> None:
    generate(Plan(nations=2, hosts=2, records_per_nation=8))
    assert TroopCount.objects.count() == Intention.objects.count() == 8
    assert every_record_has_a_created_entry_in_history_and_feed()


def migration(name: str) -> ModuleType:
    return importlib.import_module(f"deployments.migrations.{name}")


def test_the_migration_gives_records_without_history_an_initial_snapshot() -> None:
    # As loaddata and the old bulk generation left them: rows, no history.
    intention = IntentionFactory(speaker="Mark Esper")
    for model in (Nation, Source, TroopCount, Intention):
        model.history.all().delete()
    Change.objects.all().delete()
    historical = MigrationLoader(connection).project_state(
        ("deployments", "0011_change_feed")
    )
    editor = SimpleNamespace(connection=connection)

    migration("0010_initial_history_snapshots").write_initial_snapshots(
        historical.apps, editor
    )
    migration("0011_change_feed").file_existing_history(historical.apps, editor)

    assert every_record_has_a_created_entry_in_history_and_feed()
    (snapshot,) = intention.history.all()
    assert (snapshot.speaker, snapshot.version) == ("Mark Esper", 1)
    # Run again (as on a database migrated before), it adds nothing.
    migration("0010_initial_history_snapshots").write_initial_snapshots(
        historical.apps, editor
    )
    assert intention.history.count() == 1
