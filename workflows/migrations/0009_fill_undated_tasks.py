"""Fill the rows of the open tasks at clocked steps that have no due date (issue 22,
``workflows.inbox.undated``): from now on they are kept where tasks and clocks change; the
tasks already open get theirs here, by the same function over every task.

It runs the live function (the one definition of a task's due date is the registered clocks'
query, which no frozen model can state): on a new database there is no task, and nothing is
asked. Reversed, the table is dropped with its rows by the schema migration before it."""

from django.db import migrations


def fill(apps, schema_editor):
    from viewflow.workflow.models import Task

    from workflows.inbox.offers import OPEN
    from workflows.inbox.undated import undated_tasks_rebuild

    if Task.objects.filter(status__in=OPEN).exists():
        undated_tasks_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0010_deadline_running_due"),
        ("workflows", "0008_undatedtask"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
