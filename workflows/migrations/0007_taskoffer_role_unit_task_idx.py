from django.db import migrations

# Issue 22: the task API pages over the offers of each (role, unit) the person holds, newest
# task first (workflows.inbox.queue); this index serves that order and stops at the page's
# length. The (role, unit) index stays for the model's own declaration. Written in SQL, as
# 0004: the order is a read path of the inbox, not something the model declares.
ROLE_UNIT_TASK = (
    "CREATE INDEX IF NOT EXISTS workflows_taskoffer_role_unit_task "
    "ON workflows_taskoffer (role, unit_id, task_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_unit_offices"),
    ]

    operations = [
        migrations.RunSQL(
            ROLE_UNIT_TASK, reverse_sql="DROP INDEX IF EXISTS workflows_taskoffer_role_unit_task"
        ),
    ]
