"""Versions of a document's text, review materials and the 5/15 working-day review (issue 17)."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ISSUED = (
    "registered",
    "published",
    "in_force",
    "amended",
    "repealed",
    "expired",
    "declared_invalid",
)


def first_versions(apps, schema_editor):
    """Each existing document's current text becomes its version 1: as issued once registered,
    else the draft for review (the earlier drafts were never kept)."""
    document_model = apps.get_model("normdocs", "NormativeDocument")
    version_model = apps.get_model("normdocs", "DocumentVersion")
    for document in document_model.objects.exclude(text="").iterator():
        version_model.objects.create(
            document=document,
            number=1,
            kind="as_issued" if document.status in ISSUED else "for_review",
            text=document.text,
            sha256=hashlib.sha256(document.text.encode("utf-8")).hexdigest(),
            created_by_id=document.created_by_id,
            created_at=document.registered_at or document.created_at,
            note=document.number or "",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("normdocs", "0006_cleanup_scope_snapshot_verdict_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="legalityreview",
            name="earliest_conclusion_on",
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="comment_account",
            field=models.TextField(blank=True, verbose_name="public comment and its adoption"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="content_checklist",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="content-limit checklist"
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="drafting_explanation",
            field=models.TextField(blank=True, verbose_name="drafting explanation"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="legal_basis",
            field=models.TextField(blank=True, verbose_name="legal basis"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="opinion_needed_by",
            field=models.DateField(blank=True, null=True, verbose_name="opinion needed by"),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="short_notice_reason",
            field=models.TextField(blank=True, verbose_name="reason for a shorter review time"),
        ),
        migrations.CreateModel(
            name="DocumentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("for_comment", "Draft for comment"),
                            ("for_review", "Draft for review"),
                            ("revised", "Revised draft"),
                            ("as_issued", "Text as issued"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versions",
                        to="normdocs.normativedocument",
                    ),
                ),
            ],
            options={
                "verbose_name": "version of the text",
                "verbose_name_plural": "versions of the text",
                "ordering": ["document", "number"],
            },
        ),
        migrations.AddField(
            model_name="deliberation",
            name="version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deliberations",
                to="normdocs.documentversion",
                verbose_name="version deliberated",
            ),
        ),
        migrations.AddField(
            model_name="legalityreview",
            name="version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="normdocs.documentversion",
                verbose_name="version reviewed",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.UniqueConstraint(
                fields=("document", "number"), name="normdocs_version_number_unique"
            ),
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
