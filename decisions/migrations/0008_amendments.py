"""Amended versions, Art. 10/3/36 records, drafting explanation (issue 16)."""

import django.db.models.deletion
import viewflow.fsm.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0007_sessions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='catalogueitem',
            name='party_consent_by',
            field=models.CharField(blank=True, max_length=200, verbose_name='Party committee consenting'),
        ),
        migrations.AddField(
            model_name='catalogueitem',
            name='party_consent_on',
            field=models.DateField(blank=True, null=True, verbose_name='Party consent given on'),
        ),
        migrations.AddField(
            model_name='catalogueitem',
            name='party_consent_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='catalogueitem',
            name='party_consent_reference',
            field=models.CharField(blank=True, max_length=200, verbose_name='reference of the Party consent'),
        ),
        migrations.AddField(
            model_name='decision',
            name='drafting_explanation',
            field=models.TextField(blank=True, verbose_name='drafting explanation'),
        ),
        migrations.AddField(
            model_name='decision',
            name='start_decided_by',
            field=models.CharField(blank=True, max_length=200, verbose_name='start decided by'),
        ),
        migrations.AddField(
            model_name='decision',
            name='start_decided_on',
            field=models.DateField(blank=True, null=True, verbose_name='start decided on'),
        ),
        migrations.AddField(
            model_name='decision',
            name='start_reference',
            field=models.CharField(blank=True, max_length=200, verbose_name='reference of the start decision'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='amendments',
            field=models.TextField(blank=True, verbose_name='amendments decided'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='approved at'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='kind',
            field=models.CharField(choices=[('draft', 'Draft'), ('amended', 'Amended after the meeting')], default='draft', max_length=20, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='meeting',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='amended_versions', to='decisions.meeting', verbose_name='meeting'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='returned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='returned at'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='review_confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lawfulness confirmed at'),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='review_confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='review_opinion',
            field=models.TextField(blank=True, verbose_name="review office's opinion"),
        ),
        migrations.AddField(
            model_name='draftversion',
            name='substantive',
            field=models.BooleanField(default=False, verbose_name='substantive amendments'),
        ),
        migrations.AddField(
            model_name='hearing',
            name='announced_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='announced at'),
        ),
        migrations.AddField(
            model_name='hearing',
            name='notice',
            field=models.TextField(blank=True, verbose_name='hearing notice'),
        ),
        migrations.AddField(
            model_name='publication',
            name='text_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='SHA-256 of the published text'),
        ),
        migrations.AddField(
            model_name='publication',
            name='version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='decisions.draftversion', verbose_name='version published'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='stage',
            field=viewflow.fsm.fields.FSMField(choices=[('drafting', 'Drafting'), ('consultation', 'Public consultation'), ('disposition', 'Handling comments'), ('assessment', 'Expert argumentation and risk assessment'), ('legality_review', 'Legality review'), ('package', 'Submission package'), ('meeting', 'Collective decision'), ('amending', 'Incorporating the amendments'), ('party_report', 'Report to the Party committee'), ('publication', 'Publication'), ('archiving', 'Archiving'), ('archived', 'Archived')], default='drafting', max_length=30, verbose_name='stage'),
        ),
    ]
