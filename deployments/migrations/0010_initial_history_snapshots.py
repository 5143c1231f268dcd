"""Give every record that has no history entry an initial snapshot.

Records loaded with ``loaddata`` or created in bulk (synthetic data) had none,
so their history was 404 and the first edit could not say what it changed.
The snapshot is a "created" entry dated when this migration runs, by nobody.
"""

from django.db import migrations
from django.utils import timezone

MODELS = ["Nation", "Source", "TroopCount", "Intention"]
BATCH = 2000


def write_initial_snapshots(apps, schema_editor):
    using = schema_editor.connection.alias
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("deployments", name)
        history = apps.get_model("deployments", f"Historical{name}")
        missing = (
            model._base_manager.using(using)
            .exclude(pk__in=history.objects.using(using).values("id"))
            .order_by("pk")
        )
        fields = [field.attname for field in model._meta.concrete_fields]
        batch = []
        for record in missing.iterator(chunk_size=BATCH):
            batch.append(
                history(
                    history_date=now,
                    history_type="+",
                    history_user=None,
                    history_change_reason="initial snapshot",
                    **{field: getattr(record, field) for field in fields},
                )
            )
            if len(batch) == BATCH:
                history.objects.using(using).bulk_create(batch)
                batch = []
        history.objects.using(using).bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("deployments", "0009_nation_code_pattern_ends_at_the_end"),
    ]

    operations = [
        migrations.RunPython(write_initial_snapshots, migrations.RunPython.noop),
    ]
