"""Filings per receiving body, bodies outside the installation, the four ends of a document (issue 17).

Data: every existing filing stays, with its unit as receiving body; a filing that had no unit
(a government's own document, filed outside the installation) gets a receiving body "上一级人民
政府" of its government, to be renamed in the admin; the filing clock that ran on the document
moves to its filing (one clock per filing now).
"""

import django.db.models.deletion
import viewflow.fsm.fields
from django.db import migrations, models

OUTSIDE_NAME = "上一级人民政府"


def filings_forward(apps, schema_editor):
    """Each existing filing keeps its receiving unit; one without gets an external body."""
    # Checked now, so that no deferred trigger is pending when the constraints below are added.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Filing = apps.get_model("normdocs", "Filing")
    FilingBody = apps.get_model("normdocs", "FilingBody")
    for filing in Filing.objects.filter(receiving_unit__isnull=True, receiving_body__isnull=True):
        filer_id = filing.document.drafting_body.unit_id
        body, _ = FilingBody.objects.get_or_create(
            filer_id=filer_id,
            name=OUTSIDE_NAME,
            defaults={"kind": "prefecture_government"},
        )
        filing.receiving_body = body
        filing.save(update_fields=["receiving_body"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("clocks", "Deadline")
    document_type = ContentType.objects.filter(
        app_label="normdocs", model="normativedocument"
    ).first()
    if document_type is None:
        return
    filing_type, _ = ContentType.objects.get_or_create(app_label="normdocs", model="filing")
    for deadline in Deadline.objects.filter(rule_key="normdocs.filing", content_type=document_type):
        filing = Filing.objects.filter(document_id=int(deadline.object_id)).order_by("pk").first()
        if filing is None:
            continue
        deadline.content_type = filing_type
        deadline.object_id = str(filing.pk)
        deadline.save(update_fields=["content_type", "object_id"])


def filings_backward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("clocks", "Deadline")
    Filing = apps.get_model("normdocs", "Filing")
    document_type = ContentType.objects.filter(
        app_label="normdocs", model="normativedocument"
    ).first()
    filing_type = ContentType.objects.filter(app_label="normdocs", model="filing").first()
    if document_type is None or filing_type is None:
        return
    for deadline in Deadline.objects.filter(rule_key="normdocs.filing", content_type=filing_type):
        filing = Filing.objects.get(pk=int(deadline.object_id))
        deadline.content_type = document_type
        deadline.object_id = str(filing.document_id)
        deadline.save(update_fields=["content_type", "object_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("normdocs", "0007_versions_review"),
        ("workflows", "0006_unit_offices"),
        ("clocks", "0009_deadline_responsible_role_backfill"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="filing",
            name="materials",
            field=models.TextField(blank=True, verbose_name="materials submitted"),
        ),
        migrations.AddField(
            model_name="filing",
            name="outcome_on",
            field=models.DateField(blank=True, null=True, verbose_name="outcome on"),
        ),
        migrations.AddField(
            model_name="filing",
            name="outcome_reference",
            field=models.CharField(blank=True, max_length=100, verbose_name="outcome reference"),
        ),
        migrations.AddField(
            model_name="filing",
            name="reference",
            field=models.CharField(blank=True, max_length=100, verbose_name="filing reference"),
        ),
        migrations.AddField(
            model_name="filing",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="submitted on"),
        ),
        migrations.AlterField(
            model_name="filing",
            name="document",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="filings",
                to="normdocs.normativedocument",
            ),
        ),
        migrations.AlterField(
            model_name="filing",
            name="status",
            field=viewflow.fsm.fields.FSMField(
                choices=[
                    ("due", "Awaiting submission"),
                    ("submitted", "Submitted, awaiting receipt"),
                    ("received", "Received, under review"),
                    ("returned", "Returned for completion"),
                    ("accepted", "Accepted"),
                    ("correction_requested", "Correction requested"),
                    ("amended_by_issuer", "Amended by the issuer"),
                    ("revoked_by_issuer", "Revoked by the issuer"),
                    ("revoked_by_filing_body", "Revoked by the filing body"),
                    ("changed_by_filing_body", "Changed by the filing body"),
                ],
                default="due",
                max_length=30,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="normativedocument",
            name="status",
            field=viewflow.fsm.fields.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("legality_review", "Legality review"),
                    ("deliberation", "Deliberation"),
                    ("registered", "Registered and numbered"),
                    ("published", "Published"),
                    ("in_force", "In force"),
                    ("amended", "Amended"),
                    ("repealed", "Repealed"),
                    ("expired", "Lapsed"),
                    ("declared_invalid", "Declared invalid"),
                    ("revoked", "Revoked"),
                ],
                db_index=True,
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="FilingBody",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("prefecture_government", "Next-higher people's government"),
                            (
                                "peoples_congress_standing_committee",
                                "People's congress standing committee",
                            ),
                            ("other", "Other filing body"),
                        ],
                        max_length=40,
                        verbose_name="kind",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "filer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="filing_bodies",
                        to="workflows.unit",
                        verbose_name="government filing with it",
                    ),
                ),
            ],
            options={
                "verbose_name": "filing body",
                "verbose_name_plural": "filing bodies",
                "ordering": ["filer", "kind", "pk"],
            },
        ),
        migrations.AddField(
            model_name="filing",
            name="receiving_body",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="filings",
                to="normdocs.filingbody",
            ),
        ),
        migrations.AddConstraint(
            model_name="filingbody",
            constraint=models.UniqueConstraint(
                fields=("filer", "name"), name="normdocs_filingbody_unique_name"
            ),
        ),
        migrations.RunPython(filings_forward, filings_backward),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("receiving_body__isnull", False), ("receiving_unit__isnull", True)),
                    models.Q(("receiving_body__isnull", True), ("receiving_unit__isnull", False)),
                    _connector="OR",
                ),
                name="normdocs_filing_one_receiver",
            ),
        ),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.UniqueConstraint(
                condition=models.Q(("receiving_unit__isnull", False)),
                fields=("document", "receiving_unit"),
                name="normdocs_filing_unique_unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="filing",
            constraint=models.UniqueConstraint(
                condition=models.Q(("receiving_body__isnull", False)),
                fields=("document", "receiving_body"),
                name="normdocs_filing_unique_body",
            ),
        ),
    ]
