"""One deployment per (nation, host) that a count or statement is about, and
every record, current and historical, pointed at its deployment.

Each new deployment gets a "created" history entry and a change-feed row, as
if it had been added with its first record, so clients that sync from the
feed learn of it like of any other record.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

RECORDS = ["TroopCount", "Intention"]


def create_deployments(apps, schema_editor):
    using = schema_editor.connection.alias
    Deployment = apps.get_model("deployments", "Deployment")
    HistoricalDeployment = apps.get_model("deployments", "HistoricalDeployment")
    Change = apps.get_model("deployments", "Change")

    pairs = set()
    for name in RECORDS:
        model = apps.get_model("deployments", name)
        pairs.update(
            model._base_manager.using(using)
            .values_list("nation_id", "host_id")
            .distinct()
        )
    existing = set(
        Deployment._base_manager.using(using).values_list("nation_id", "host_id")
    )
    created = Deployment._base_manager.using(using).bulk_create(
        Deployment(nation_id=nation, host_id=host)
        for nation, host in sorted(pairs - existing)
    )
    now = timezone.now()
    for deployment in created:
        entry = HistoricalDeployment.objects.using(using).create(
            id=deployment.pk,
            nation_id=deployment.nation_id,
            host_id=deployment.host_id,
            operation="",
            version=deployment.version,
            history_date=now,
            history_type="+",
            history_change_reason="created from its records",
        )
        Change.objects.using(using).create(
            record_type="deployment",
            history_id=entry.history_id,
            record_id=deployment.pk,
            record_code="",
            action="created",
            at=now,
            version=deployment.version,
        )

    for name in RECORDS:
        for model in (
            apps.get_model("deployments", name),
            apps.get_model("deployments", f"Historical{name}"),
        ):
            model._base_manager.using(using).update(
                deployment_id=Subquery(
                    Deployment._base_manager.using(using)
                    .filter(nation_id=OuterRef("nation_id"), host_id=OuterRef("host_id"))
                    .values("pk")[:1]
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ("deployments", "0012_deployment"),
    ]

    operations = [
        migrations.RunPython(create_deployments, migrations.RunPython.noop),
    ]
