"""The demo decisions: real records through the services, and idempotent."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from decisions.models import CatalogueItem, Decision, LegalityReview
from workflows.clocks.models import Deadline
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def counts():
    return (
        Decision.objects.count(),
        CatalogueItem.objects.count(),
        Event.objects.count(),
        Deadline.objects.count(),
    )


@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_the_demo_loads_decisions_in_several_stages_and_creates_nothing_when_run_again():
    call_command("demo", quiet_accounts=True)
    first = counts()
    call_command("demo", quiet_accounts=True)

    assert counts() == first
    stages = set(Decision.objects.values_list("stage", flat=True))
    assert {"drafting", "consultation", "legality_review", "meeting", "archived"} <= stages
    assert set(CatalogueItem.objects.values_list("year", flat=True)) >= {2021, 2022}
    assert not CatalogueItem.objects.filter(status="draft").exists()

    archived = Decision.objects.get(stage="archived")
    assert archived.sealed_at and archived.seal_checklist["complete"]
    assert archived.process.status == "DONE"
    meeting = archived.meetings.get()
    speakers = list(meeting.statements.values_list("speaker__username", flat=True))
    assert speakers[-1] == "principal" and len(speakers) >= 2
    assert Deadline.objects.filter(rule_key="decision.legality_review").count() >= 3
    actions = set(
        Event.objects.filter(
            object_id=str(archived.pk), content_type__model="decision"
        ).values_list("action", flat=True)
    )
    assert {
        "decision.consultation_finished",
        "decision.risk_assessed",
        "decision.expert_chosen",
        "decision.expert_opinion_submitted",
        "decision.legality_reviewed",
        "decision.meeting_decided",
        "decision.party_reported",
        "decision.published",
        "decision.sealed",
    } <= actions


@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_the_demo_loads_whole_when_todays_clocks_reach_a_year_with_no_holiday_notice(
    review_reaches_unknown_year,
):
    """From late December the demo's legality reviews, opened today, end next year: until its
    notice is entered (domain.md §4) their clocks wait for it. ``make run`` still starts and the
    decisions go on through the procedure; nothing is refused for the calendar."""
    call_command("demo", quiet_accounts=True)

    stages = set(Decision.objects.values_list("stage", flat=True))
    assert {"drafting", "consultation", "archived"} <= stages
    waiting = Deadline.objects.filter(rule_key="decision.legality_review", due=None)
    assert waiting.exists()
    assert set(waiting.values_list("awaiting_year", flat=True)) == {timezone.localdate().year + 1}
    assert LegalityReview.objects.exists()
