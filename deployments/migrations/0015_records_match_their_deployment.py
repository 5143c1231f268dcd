"""The database refuses a count or statement whose deployment is not that of
its nation and host, and a deployment whose nation or host changes.

``save()`` always resolves the deployment from the nation and host; these
triggers cover the writes that bypass it (``bulk_create``, ``update()``, SQL).
SQLite drops a table's triggers when Django rebuilds the table in a later
migration: ``tests/test_deployments.py`` checks they are in place, so a
migration that loses them fails the suite, and such a migration must run
``install`` again.
"""

from django.db import migrations

RECORD_TABLES = ["deployments_troopcount", "deployments_intention"]
DEPLOYMENTS = "deployments_deployment"
MISMATCH = "a record must belong to the deployment of its nation and host"
FIXED = "the nation and host of a deployment never change"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION deployments_record_matches_deployment()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM {DEPLOYMENTS} d
            WHERE d.id = NEW.deployment_id
              AND d.nation_id = NEW.nation_id AND d.host_id = NEW.host_id
        ) THEN
            RAISE EXCEPTION '{MISMATCH} (% %)', TG_TABLE_NAME, NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION deployments_deployment_stays()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.nation_id <> OLD.nation_id OR NEW.host_id <> OLD.host_id THEN
            RAISE EXCEPTION '{FIXED} (deployment %)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_matches_deployment
        BEFORE INSERT OR UPDATE OF nation_id, host_id, deployment_id ON {table}
        FOR EACH ROW EXECUTE FUNCTION deployments_record_matches_deployment()
        """
        for table in RECORD_TABLES
    ),
    f"""
    CREATE TRIGGER {DEPLOYMENTS}_stays
    BEFORE UPDATE OF nation_id, host_id ON {DEPLOYMENTS}
    FOR EACH ROW EXECUTE FUNCTION deployments_deployment_stays()
    """,
]

SQLITE_MISMATCH = f"""
    WHEN NOT EXISTS (
        SELECT 1 FROM {DEPLOYMENTS} d
        WHERE d.id = NEW.deployment_id
          AND d.nation_id = NEW.nation_id AND d.host_id = NEW.host_id
    )
    BEGIN SELECT RAISE(ABORT, '{MISMATCH}'); END
"""
SQLITE = [
    *(
        f"CREATE TRIGGER {table}_matches_deployment_{event.split()[0].lower()} "
        f"BEFORE {event} ON {table} {SQLITE_MISMATCH}"
        for table in RECORD_TABLES
        for event in ("INSERT", "UPDATE OF nation_id, host_id, deployment_id")
    ),
    f"""
    CREATE TRIGGER {DEPLOYMENTS}_stays
    BEFORE UPDATE OF nation_id, host_id ON {DEPLOYMENTS}
    WHEN NEW.nation_id <> OLD.nation_id OR NEW.host_id <> OLD.host_id
    BEGIN SELECT RAISE(ABORT, '{FIXED}'); END
    """,
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"no deployment triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)  # no % placeholders


class Migration(migrations.Migration):

    dependencies = [
        ("deployments", "0014_records_belong_to_a_deployment"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
