"""Numbered sessions, agenda items and their legality checks (issue 16)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_review_office"),
        ("normdocs", "0006_cleanup_scope_snapshot_verdict_rows"),
        ("workflows", "0006_unit_offices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("executive", "Executive meeting"),
                            ("plenary", "Plenary meeting"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("year", models.PositiveIntegerField(verbose_name="year")),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                ("held_at", models.DateTimeField(verbose_name="held at")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planned", "Planned"),
                            ("open", "In session"),
                            ("concluded", "Concluded"),
                        ],
                        default="planned",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("opened_at", models.DateTimeField(blank=True, null=True)),
                ("concluded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "government",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.unit",
                        verbose_name="government",
                    ),
                ),
                (
                    "principal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="administrative head",
                    ),
                ),
                (
                    "secretary",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "ordering": ["held_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("government", "kind", "year", "number"),
                        name="session_number_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SessionAttendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("principal", "Administrative head"),
                            ("member", "Member"),
                            ("attendee", "Attending without a vote"),
                        ],
                        max_length=20,
                        verbose_name="role",
                    ),
                ),
                ("present", models.BooleanField(verbose_name="present")),
                (
                    "absence_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="reason for absence"),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="decisions.session",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.unit",
                        verbose_name="unit represented",
                    ),
                ),
            ],
            options={
                "verbose_name": "session attendance",
                "verbose_name_plural": "session attendance",
                "ordering": ["session", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "person"), name="one_session_attendance_per_person"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AgendaItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order", models.PositiveIntegerField(blank=True, null=True, verbose_name="order")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("major_decision", "Major administrative decision"),
                            ("normative_document", "Normative document"),
                            ("other", "Other item"),
                        ],
                        default="other",
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("materials", models.TextField(blank=True, verbose_name="materials")),
                ("proposed_at", models.DateTimeField()),
                (
                    "check_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("lawful", "Lawful"),
                            ("lawful_with_amendments", "Lawful with amendments"),
                            ("unlawful", "Unlawful"),
                        ],
                        max_length=30,
                        verbose_name="outcome of the legality check",
                    ),
                ),
                (
                    "check_opinion",
                    models.TextField(blank=True, verbose_name="opinion of the legality check"),
                ),
                (
                    "exploratory_reform",
                    models.BooleanField(default=False, verbose_name="exploratory reform"),
                ),
                (
                    "legal_risk_statement",
                    models.TextField(blank=True, verbose_name="stated legal risk"),
                ),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "checked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agenda_items",
                        to="decisions.decision",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="normdocs.normativedocument",
                    ),
                ),
                (
                    "government",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.unit",
                        verbose_name="government",
                    ),
                ),
                (
                    "lead_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.unit",
                        verbose_name="lead unit",
                    ),
                ),
                (
                    "presenter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="presenter",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "review",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="decisions.legalityreview",
                        verbose_name="legality review",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="decisions.session",
                    ),
                ),
            ],
            options={
                "verbose_name": "agenda item",
                "verbose_name_plural": "agenda items",
                "ordering": ["session", "order", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "order"), name="agenda_item_order_unique"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="meeting",
            name="amendments",
            field=models.TextField(blank=True, verbose_name="amendments decided"),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="decisions.decision",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="item",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliberation",
                to="decisions.agendaitem",
            ),
        ),
    ]
