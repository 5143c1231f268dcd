"""Every edit is kept; a deleted record can be found and restored by an admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from deployments.models import DeletedIntention, Intention, Stance
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
