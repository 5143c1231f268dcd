"""A deployment is one nation's troops in one host country: every count and
statement belongs to the one its nation and host name, and nothing can make
them disagree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from deployments.models import Deployment, Intention, Nation, TroopCount
from deployments.status import current_status
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def canada() -> Nation:
    return NationFactory(code="CAN", name="Canada")


@pytest.fixture
def kuwait() -> Nation:
    return NationFactory(code="KWT", name="Kuwait")


def test_the_first_record_about_a_pair_creates_its_deployment(canada: Nation) -> None:
    count = TroopCountFactory(nation=canada)
    statement = IntentionFactory(nation=canada)
    (deployment,) = Deployment.objects.all()
    assert (deployment.nation, deployment.host.code) == (canada, "IRQ")
    assert count.deployment == statement.deployment == deployment


def test_a_record_moved_to_another_host_moves_to_that_deployment(
    canada: Nation, kuwait: Nation
) -> None:
    count = TroopCountFactory(nation=canada)
    count.host = kuwait
    count.save(update_fields=["host"])
    count.refresh_from_db()
    assert (count.deployment.nation, count.deployment.host) == (canada, kuwait)
    assert Deployment.objects.count() == 2


def test_the_database_refuses_a_record_in_another_deployment(
    canada: Nation, kuwait: Nation
) -> None:
    count = TroopCountFactory(nation=canada)
    in_kuwait = Deployment.objects.create(nation=canada, host=kuwait)
    stray = TroopCount(
        nation=canada,
        host=count.host,
        deployment=in_kuwait,
        troops=1,
        precision="exact",
        counted_on="2020-01-09",
        source=count.source,
        excerpt="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TroopCount.objects.bulk_create([stray])
    with pytest.raises(IntegrityError), transaction.atomic():
        TroopCount.objects.filter(pk=count.pk).update(host=kuwait)
    with pytest.raises(IntegrityError), transaction.atomic():
        Intention.objects.bulk_create(
            [
                Intention(
                    nation=canada,
                    host=count.host,
                    deployment=in_kuwait,
                    stance="staying",
                    speaker="Ottawa",
                    reported_on="2020-01-09",
                    quote="We stay.",
                    source=count.source,
                )
            ]
        )
    count.refresh_from_db()
    assert count.host.code == "IRQ"
    assert TroopCount.objects.count() == 1


def test_a_deployments_nation_and_host_never_change(
    canada: Nation, kuwait: Nation
) -> None:
    deployment = TroopCountFactory(nation=canada).deployment
    deployment.host = kuwait
    with pytest.raises(ValidationError, match="never change"):
        deployment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.filter(pk=deployment.pk).update(host=kuwait)
    deployment.refresh_from_db()
    assert deployment.host.code == "IRQ"


def test_the_triggers_behind_those_rules_are_installed() -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname LIKE '%%deployment%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%deployment%'"
            )
        names = {name for (name,) in cursor.fetchall()}
    for table in ("troopcount", "intention"):
        assert any(name.startswith(f"deployments_{table}_matches") for name in names)
    assert "deployments_deployment_stays" in names


def test_the_operation_is_part_of_the_status(canada: Nation) -> None:
    deployment = TroopCountFactory(nation=canada).deployment
    deployment.operation = "Operation IMPACT"
    deployment.save()
    (row,) = current_status()
    assert (row.deployment, row.operation) == (deployment.pk, "Operation IMPACT")


def test_api_lists_deployments_and_names_their_operation(
    canada: Nation, editor_client: APIClient
) -> None:
    deployment = TroopCountFactory(nation=canada).deployment
    (listed,) = editor_client.get("/api/deployments/?nation=CAN").json()["results"]
    assert listed == {
        "id": deployment.pk,
        "nation": "CAN",
        "nation_name": "Canada",
        "host": "IRQ",
        "host_name": "Iraq",
        "operation": "",
        "version": 1,
    }
    url = f"/api/deployments/{deployment.pk}/"
    renamed = editor_client.patch(
        url, {"operation": "Operation IMPACT"}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert renamed.status_code == 200, renamed.json()
    assert (renamed.json()["operation"], renamed["ETag"]) == (
        "Operation IMPACT",
        '"v2"',
    )


def test_api_refuses_to_move_a_deployment_or_repeat_one(
    canada: Nation, kuwait: Nation, editor_client: APIClient
) -> None:
    deployment = TroopCountFactory(nation=canada).deployment
    moved = editor_client.patch(
        f"/api/deployments/{deployment.pk}/", {"host": "KWT"}, format="json"
    )
    assert moved.status_code == 400
    assert list(moved.json()["errors"]) == ["host"]
    repeated = editor_client.post(
        "/api/deployments/", {"nation": "CAN", "host": "IRQ"}, format="json"
    )
    assert repeated.status_code == 409
    deployment.refresh_from_db()
    assert (deployment.host.code, deployment.version) == ("IRQ", 1)
    assert Deployment.objects.count() == 1


def test_a_deployment_named_before_any_record_is_used_by_the_first_one(
    canada: Nation, kuwait: Nation, editor_client: APIClient
) -> None:
    created = editor_client.post(
        "/api/deployments/",
        {"nation": "CAN", "host": "KWT", "operation": "Operation IMPACT"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert current_status() == []  # nothing reported about it yet
    count = TroopCountFactory(nation=canada, host=kuwait)
    assert count.deployment_id == created.json()["id"]
    assert current_status()[0].operation == "Operation IMPACT"
