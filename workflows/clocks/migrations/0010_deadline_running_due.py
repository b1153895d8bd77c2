"""The running clocks with a due date, by (due, id): the inbox walks them in due order to the
tasks that meet them and stops once a page is full (issue 22, ``workflows.inbox.due``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0009_deadline_responsible_role_backfill"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("due__isnull", False), ("status__in", ["open", "overdue"])),
                fields=["due", "id"],
                name="clocks_deadline_running_due",
            ),
        ),
    ]
