"""PostgreSQL refuses TRUNCATE of the record, and any change to its checkpoints.

0002 refused UPDATE and DELETE of events row by row; TRUNCATE fires no row trigger, so a
statement-level BEFORE TRUNCATE trigger now refuses it on the events, on the chain head (which
would otherwise let a truncated record pass as an empty one) and on the checkpoints, whose
rows are refused UPDATE and DELETE like the events'.

A table owner can still disable these triggers: the application's runtime role therefore owns
neither the tables nor the triggers (README, "Database roles"), and the signed checkpoints make
whatever an owner does visible to ``record_verify``. The test suite empties its database with
``session_replication_role = replica`` (superuser only; tests/conftest.py).

Only on PostgreSQL: SQLite (the embedded default) migrates without it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION record_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER record_event_no_truncate
    BEFORE TRUNCATE ON record_event
    FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_truncate();
CREATE TRIGGER record_chainhead_no_truncate
    BEFORE TRUNCATE ON record_chainhead
    FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_truncate();
CREATE TRIGGER record_checkpoint_no_truncate
    BEFORE TRUNCATE ON record_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_truncate();

CREATE OR REPLACE FUNCTION record_checkpoint_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'record_checkpoint is append-only: % of checkpoint % refused',
        TG_OP, OLD.serial
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER record_checkpoint_append_only
    BEFORE UPDATE OR DELETE ON record_checkpoint
    FOR EACH ROW EXECUTE FUNCTION record_checkpoint_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS record_checkpoint_append_only ON record_checkpoint;
DROP FUNCTION IF EXISTS record_checkpoint_refuse_change();
DROP TRIGGER IF EXISTS record_checkpoint_no_truncate ON record_checkpoint;
DROP TRIGGER IF EXISTS record_chainhead_no_truncate ON record_chainhead;
DROP TRIGGER IF EXISTS record_event_no_truncate ON record_event;
DROP FUNCTION IF EXISTS record_refuse_truncate();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("record", "0003_checkpoint"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
