# Issue 22: the meeting's and the publishers' decisions (a government's, from a stage on) are
# read from this index; the register ORs it with the other branches of visibility.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0008_amendments"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(
                fields=["government", "stage"], name="decision_government_stage_idx"
            ),
        ),
    ]
