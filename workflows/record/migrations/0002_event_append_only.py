"""PostgreSQL itself refuses UPDATE and DELETE on the record (Decree 713 Art. 33; DA/T 70).

The model and its queryset refuse them in Django too; this trigger also stops raw SQL and other
clients. Only on PostgreSQL: SQLite (the embedded default) migrates without it.
TRUNCATE is not covered: it is a table owner's operation (and how test databases are emptied);
production grants the application role no TRUNCATE on record_event.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION record_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'record_event is append-only: % of event % refused', TG_OP, OLD.seq
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER record_event_append_only
    BEFORE UPDATE OR DELETE ON record_event
    FOR EACH ROW EXECUTE FUNCTION record_event_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS record_event_append_only ON record_event;
DROP FUNCTION IF EXISTS record_event_refuse_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("record", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
