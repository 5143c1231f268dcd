"""The data revision moves in the database, in the writing transaction.

Triggers on the tracked tables bump it for every committed change, however
it is made (QuerySet.update(), bulk_create(), raw SQL), and never for one
that is rolled back; see _revision_triggers.py. They replace the model
signals that bumped it after the commit, which saw only save() and delete().
"""

from django.db import migrations

from deployments.migrations._revision_triggers import (
    install_revision_triggers,
    remove_revision_triggers,
)

# The models whose data the cached status and list counts are derived from.
TRACKED_MODELS = ["Nation", "Source", "Deployment", "TroopCount", "Intention"]


def tracked_tables(apps):
    return [apps.get_model("deployments", name)._meta.db_table for name in TRACKED_MODELS]


def install(apps, schema_editor):
    install_revision_triggers(schema_editor, tracked_tables(apps))


def remove(apps, schema_editor):
    remove_revision_triggers(schema_editor, tracked_tables(apps))


class Migration(migrations.Migration):

    dependencies = [
        ("deployments", "0016_intention_said_newest_index"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
