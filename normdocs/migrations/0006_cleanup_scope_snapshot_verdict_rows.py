"""A cleanup campaign's scope becomes a snapshot on each drafting body's share (国办发〔2018〕37号
五(十八)): ``CleanupAssignment.documents``, the ids of the body's documents in scope when the
campaign opened; a ``CleanupItem`` row is now written only when a verdict is entered.

Data kept: every share's snapshot is backfilled from its items; decided items stay as they are
(they are the verdict rows); undecided items, whose only content (the document being in scope)
the snapshot now holds, are deleted. Reversible: undecided items are re-created from the
snapshots."""

import django.db.models.deletion
from django.db import migrations, models


def snapshots_from_items(apps, schema_editor):
    Assignment = apps.get_model("normdocs", "CleanupAssignment")
    Item = apps.get_model("normdocs", "CleanupItem")
    documents_of: dict[int, list[int]] = {}
    for assignment_id, document_id in Item.objects.order_by("assignment_id", "document_id").values_list(
        "assignment_id", "document_id"
    ):
        documents_of.setdefault(assignment_id, []).append(document_id)
    for assignment in Assignment.objects.filter(pk__in=documents_of):
        assignment.documents = documents_of[assignment.pk]
        assignment.save(update_fields=["documents"])
    Item.objects.filter(status="undecided").delete()


def items_from_snapshots(apps, schema_editor):
    Assignment = apps.get_model("normdocs", "CleanupAssignment")
    Item = apps.get_model("normdocs", "CleanupItem")
    for assignment in Assignment.objects.order_by("pk"):
        decided = set(Item.objects.filter(assignment=assignment).values_list("document_id", flat=True))
        Item.objects.bulk_create(
            [
                Item(
                    campaign_id=assignment.campaign_id,
                    assignment=assignment,
                    document_id=document_id,
                    status="undecided",
                )
                for document_id in assignment.documents
                if document_id not in decided
            ]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('normdocs', '0005_item_refers_to_assignment_of_its_campaign'),
    ]

    operations = [
        migrations.AddField(
            model_name='cleanupassignment',
            name='documents',
            field=models.JSONField(blank=True, default=list, verbose_name='documents in scope'),
        ),
        migrations.AlterField(
            model_name='cleanupitem',
            name='assignment',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='verdicts', to='normdocs.cleanupassignment'),
        ),
        migrations.AlterField(
            model_name='cleanupitem',
            name='campaign',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='verdicts', to='normdocs.cleanupcampaign'),
        ),
        migrations.AlterField(
            model_name='cleanupitem',
            name='document',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cleanup_verdicts', to='normdocs.normativedocument'),
        ),
        migrations.RunPython(snapshots_from_items, items_from_snapshots),
    ]
