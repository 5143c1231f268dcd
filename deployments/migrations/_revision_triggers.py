"""Database triggers that move the data revision with every committed change.

The revision (``deployments.models.revision.DataRevision``) files derived
values; it must move for every write to the tracked tables, however it is
made (``save()``, ``QuerySet.update()``, ``bulk_create()``, raw SQL), and
never for a write that is rolled back. Only the database sees every write, so
the bump is a trigger, in the writing transaction.

The new number is the old one plus one, and at least the current time in
microseconds, so that a number never comes back: not after the row is
deleted, nor after a backup holding an older number is restored (SQLite's
clock moves in whole milliseconds, which no restore is quicker than).

``install_revision_triggers`` is re-runnable (drop if it exists, then create)
so that a later migration can cover a new table, or put back the triggers
SQLite drops when Django rebuilds a table: call it again with the tables.

This module's name starts with ``_`` so the migration loader skips it.
"""

from __future__ import annotations

from collections.abc import Iterable

REVISION_TABLE = "deployments_datarevision"
POSTGRES_FUNCTION = "tracker_bump_data_revision"
# Set, transaction-locally, to the transaction's id once it has bumped.
POSTGRES_GUARD = "tracker.revision_bumped"

# PostgreSQL: the function runs at commit (the row triggers are deferred), so
# the one revision row is locked only for the instant of commit, and once per
# transaction however many rows it wrote: a long import does not hold up
# other writers on that row.
_POSTGRES_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{POSTGRES_GUARD}', true)
            IS DISTINCT FROM pg_current_xact_id()::text THEN
        PERFORM set_config('{POSTGRES_GUARD}', pg_current_xact_id()::text, true);
        INSERT INTO {REVISION_TABLE} (id, number)
        VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
        ON CONFLICT (id) DO UPDATE SET number = GREATEST(
            {REVISION_TABLE}.number + 1, EXCLUDED.number
        );
    END IF;
    RETURN NULL;
END;
$$
"""

# SQLite: one writer holds the whole database at a time anyway, so each row
# bumps at once. 2440587.5 is the Julian day of the Unix epoch.
_SQLITE_BUMP_SQL = f"""
INSERT INTO {REVISION_TABLE} (id, number)
VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))
ON CONFLICT (id) DO UPDATE SET number = MAX(
    {REVISION_TABLE}.number + 1, excluded.number
);
"""

_SQLITE_EVENTS = ("insert", "update", "delete")


def trigger_names(vendor: str, table: str) -> list[str]:
    """The names of ``table``'s revision triggers on ``vendor``'s database."""
    if vendor == "postgresql":
        return [f"{table}_revision", f"{table}_revision_truncate"]
    return [f"{table}_revision_{event}" for event in _SQLITE_EVENTS]


def install_revision_triggers(schema_editor, tables: Iterable[str]) -> None:
    """(Re)create the revision triggers on each of ``tables``."""
    vendor = schema_editor.connection.vendor
    tables = list(tables)
    remove_revision_triggers(schema_editor, tables, keep_function=True)
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRES_FUNCTION_SQL)
        for table in tables:
            row, truncate = trigger_names(vendor, table)
            schema_editor.execute(
                f"CREATE CONSTRAINT TRIGGER {row} "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
            )
            # Constraint triggers cannot fire on TRUNCATE; this one bumps at
            # once, which is rare enough not to matter.
            schema_editor.execute(
                f"CREATE TRIGGER {truncate} AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_FUNCTION}()"
            )
    elif vendor == "sqlite":
        for table in tables:
            for event, name in zip(
                _SQLITE_EVENTS, trigger_names(vendor, table), strict=True
            ):
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
                    f"FOR EACH ROW BEGIN {_SQLITE_BUMP_SQL} END"
                )
    else:
        raise NotImplementedError(
            f"no data revision triggers for {vendor}: derived values would go stale"
        )


def remove_revision_triggers(
    schema_editor, tables: Iterable[str], keep_function: bool = False
) -> None:
    """Drop the revision triggers on each of ``tables`` (and, on PostgreSQL,
    the function, unless ``keep_function``)."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        for name in trigger_names(vendor, table):
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    if vendor == "postgresql" and not keep_function:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()")
