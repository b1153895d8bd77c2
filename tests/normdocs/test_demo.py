"""The demo step holds the seed's figures and is idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from normdocs import demo
from normdocs.models import CleanupCampaign, CleanupItem, Filing, NormativeDocument, Status
from workflows.clocks.models import Deadline
from workflows.demo import load_organisation
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_2021_cleanup_the_four_filings_and_a_document_due_for_renewal():
    load_organisation(password="demo-password-123")
    demo.load(password="demo-password-123")
    counts = (NormativeDocument.objects.count(), Event.objects.count(), Filing.objects.count())

    campaign = CleanupCampaign.objects.get(title=demo.CLEANUP_TITLE)
    items = CleanupItem.objects.filter(campaign__results_published_on__year=2021)
    assert items.count() == 14
    assert items.filter(outcome="continue").count() == 8
    assert items.filter(outcome="repeal").count() == 6
    assert campaign.closed_at is not None and campaign.kind == "regular"
    assert CleanupCampaign.objects.filter(kind="special").count() == 3
    assert NormativeDocument.objects.filter(
        number="恰政规〔2020〕2号", status=Status.IN_FORCE
    ).exists()
    assert NormativeDocument.objects.filter(status=Status.REPEALED).count() == 6

    reviewed = Filing.objects.filter(
        status=Filing.Status.ACCEPTED, receiving_unit__name="乌恰县人民政府"
    )
    assert reviewed.count() == 4
    assert {f.document.drafting_body.kind for f in reviewed} == {"department", "township"}

    today = timezone.localdate()
    due = NormativeDocument.objects.get(
        status=Status.IN_FORCE, valid_until__lte=today + timedelta(days=31)
    )
    assert Deadline.objects.filter(
        object_id=str(due.pk), rule_key="normdocs.expiry_last_notice"
    ).exists()

    demo.load(password="demo-password-123")
    assert (
        NormativeDocument.objects.count(),
        Event.objects.count(),
        Filing.objects.count(),
    ) == counts
