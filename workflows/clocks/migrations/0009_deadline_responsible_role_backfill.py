"""Running clocks opened before 0008 get the role that acts on their step
(workflows.clocks.responsible): reminders and /api/v1/deadlines/ then reach its holders."""

from django.db import migrations

from workflows.clocks.responsible import responsible_roles_backfill


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0008_deadline_responsible_role_reminder_escalation_and_more"),
    ]

    operations = [
        # Nothing to undo: a role filled in stays a correct statement of who acts.
        migrations.RunPython(responsible_roles_backfill, migrations.RunPython.noop),
    ]
