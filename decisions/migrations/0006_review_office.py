"""Review office, Art. 26 minimum, return for supplement, numbered opinion (issue 16)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0005_decision_stage_fsm"),
        ("workflows", "0006_unit_offices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LegalityOpinionRegister",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveIntegerField(verbose_name="year")),
                ("last_serial", models.PositiveIntegerField(default=0, verbose_name="last serial")),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "legality opinion register",
                "verbose_name_plural": "legality opinion registers",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("office", "year"),
                        name="decisions_one_opinion_register_per_office_year",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="concluded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="minimum_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="earliest date the minimum review time allows"
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="minimum_unchecked_year",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="opinion_needed_by",
            field=models.DateField(blank=True, null=True, verbose_name="opinion needed by"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="opinion_number",
            field=models.CharField(blank=True, max_length=60, verbose_name="opinion number"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="opinion_serial",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="opinion_year",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="return_note",
            field=models.TextField(blank=True, verbose_name="note on the return"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="returned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="returned_missing",
            field=models.JSONField(blank=True, default=list, verbose_name="what is missing"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="review_office",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflows.unit",
                verbose_name="review office",
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="short_time_reason",
            field=models.TextField(blank=True, verbose_name="reason for a shorter review time"),
        ),
        migrations.AlterField(
            model_name="legalityreview",
            name="status",
            field=models.CharField(
                choices=[
                    ("submitted", "Under review"),
                    ("returned", "Returned for supplement"),
                    ("awaiting_approval", "Opinion awaiting the head's approval"),
                    ("completed", "Completed"),
                ],
                default="submitted",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="legalityreview",
            constraint=models.UniqueConstraint(
                fields=("review_office", "opinion_year", "opinion_serial"),
                name="decisions_one_opinion_number",
            ),
        ),
    ]
