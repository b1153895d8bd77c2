"""The demo decisions: what a county decides, across its units, through the real services; the
review office reviews, one session runs to its 纪要; idempotent, on any day."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from docx import Document

from decisions.documents import session_minutes_docx
from decisions.models import (
    AgendaItem,
    CatalogueItem,
    Decision,
    DraftVersion,
    LegalityReview,
    Meeting,
    RiskAssessment,
    Session,
)
from decisions.services import pending_item_of
from workflows.clocks.models import Deadline
from workflows.consultations.selectors import consultation_latest
from workflows.models import Profile, Unit
from workflows.permissions import has_role_in_unit
from workflows.record.models import Event

pytestmark = pytest.mark.django_db
DEMO = override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def demo():
    with DEMO:
        call_command("demo", quiet_accounts=True)


def counts():
    return tuple(
        model.objects.count()
        for model in (
            Decision,
            CatalogueItem,
            LegalityReview,
            Session,
            AgendaItem,
            Meeting,
            DraftVersion,
            Event,
            Deadline,
        )
    )


def unit_of(user) -> int:
    return Profile.objects.get(user=user).unit_id


def test_the_demo_decides_as_a_county_across_its_units_at_every_stage():
    demo()

    # This year's decisions (the 2021 ones, back-entered, are all archived: tests/reports).
    current = Decision.objects.filter(catalogue_item__year=2026)
    by_stage = {d.stage: d for d in current.select_related("lead_unit")}
    assert {
        "drafting",
        "consultation",
        "legality_review",
        "meeting",
        "archiving",
        "archived",
    } <= set(by_stage)
    units = set(Decision.objects.values_list("lead_unit__name", flat=True))
    assert len(units) >= 3 and "乌恰县司法局" not in units, units
    assert {"乌恰县发展和改革委员会", "乌恰县住房和城乡建设局", "吾合沙鲁乡"} <= units

    # The 2026 catalogue, compiled by 司法局 and published after the Party committee consented.
    catalogue = CatalogueItem.objects.filter(year=2026)
    assert catalogue.count() >= 6 and not catalogue.filter(status="draft").exists()
    assert catalogue.filter(status="adjusted").exists()
    assert not catalogue.filter(party_consent_reference="").exists()
    assert set(catalogue.values_list("created_by__username", flat=True)) == {"legal_advisor"}
    assert not Decision.objects.filter(catalogue_item=None).exists()
    assert not Decision.objects.filter(start_reference="").exists()

    # Out for comment now, with its drafting explanation, closing in the future.
    consulting = by_stage["consultation"]
    consultation = consultation_latest(subject=consulting)
    assert consultation.status == "open" and consultation.closes_at > timezone.now()
    assert consulting.drafting_explanation.strip()

    # In legality review at the review office, with the date the opinion is needed by.
    reviewing = by_stage["legality_review"]
    review = reviewing.legality_reviews.get()
    assert review.status == "submitted" and review.review_office.name == "乌恰县司法局"
    assert review.opinion_needed_by >= review.minimum_on > timezone.localdate()
    assert reviewing.lead_unit.name == "吾合沙鲁乡"

    # On the agenda of the next, planned session.
    scheduled = pending_item_of(by_stage["meeting"])
    assert scheduled is not None and scheduled.session.status == "planned"

    # Adopted with amendments, published as amended, archived.
    archived = by_stage["archived"]
    assert archived.outcome == "adopt_with_amendments"
    assert archived.sealed_at and archived.seal_checklist["complete"]
    assert archived.process.status == "DONE"
    publication = archived.publication
    assert publication.version.kind == DraftVersion.Kind.AMENDED
    assert "供热补贴" not in archived.draft_text and "补贴" in publication.text
    assert publication.version.review_confirmed_by.username == "legal_advisor"
    assert archived.hearings.get().notice and archived.hearings.get().record_signed
    assert by_stage["archiving"].publication.published
    actions = set(
        Event.objects.filter(
            object_id=str(archived.pk), content_type__model="decision"
        ).values_list("action", flat=True)
    )
    assert {
        "decision.consultation_finished",
        "decision.hearing_recorded",
        "decision.risk_assessed",
        "decision.legality_reviewed",
        "decision.scheduled",
        "decision.meeting_decided",
        "decision.amended_version_confirmed",
        "decision.party_reported",
        "decision.published",
        "decision.sealed",
    } <= actions


def test_no_demo_review_or_agenda_check_is_done_by_a_person_of_the_lead_unit():
    demo()

    reviews = LegalityReview.objects.select_related("decision", "reviewer", "approved_by")
    concluded = [r for r in reviews if r.reviewer_id]
    assert len(concluded) >= 3
    for review in concluded:
        lead = review.decision.lead_unit_id
        assert unit_of(review.reviewer) != lead, review.decision.title
        assert unit_of(review.approved_by) != lead, review.decision.title
        assert review.review_office.name == "乌恰县司法局"
        assert review.opinion_number.startswith("恰司审〔")
    drafters = set(Decision.objects.values_list("created_by", flat=True))
    assert not {r.reviewer_id for r in concluded} & drafters
    for item in AgendaItem.objects.exclude(checked_by=None).select_related("checked_by"):
        assert item.checked_by_id != item.proposed_by_id
        assert Profile.objects.get(user=item.checked_by).unit.name == "乌恰县司法局"


def test_the_demo_session_runs_three_items_of_two_units_to_its_minutes():
    demo()

    session = Session.objects.get(status="concluded", year=2026)
    items = list(session.items.select_related("lead_unit").order_by("order"))
    assert len(items) >= 3
    assert len({item.lead_unit_id for item in items}) >= 2
    kinds = [item.kind for item in items]
    assert kinds.count("major_decision") >= 2 and "other" in kinds
    assert all(item.presenter_id for item in items)
    attendance = session.attendance.all()
    assert attendance.filter(role="attendee").count() >= 2  # 列席: the presenting units' heads
    assert attendance.filter(role="member", present=True).count() >= 2
    for item in items:
        meeting = item.deliberation
        speakers = list(meeting.statements.order_by("order").values_list("speaker", flat=True))
        assert len(speakers) >= 3 and speakers[-1] == session.principal_id
        assert meeting.head_decision

    minutes = Document(io.BytesIO(session_minutes_docx(session)))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert f"第{session.number}次常务会议纪要" in text and "列席" in text
    assert all(item.title in text for item in items)
    assert "修改后通过" in text
    held = timezone.localtime(session.held_at)
    assert f"{held:%Y-%m-%d %H:%M}" in text


def test_the_demo_run_twice_changes_nothing():
    demo()
    first = counts()
    demo()

    assert counts() == first


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 2, 8, 30, tzinfo=SHANGHAI),  # a New Year holiday, before the consent
        datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI),  # the eve of the National Day holiday
        datetime(2026, 11, 29, 22, 0, tzinfo=SHANGHAI),  # a Sunday night
    ],
)
def test_the_demo_loads_on_any_day(travel_to, moment):
    travel_to(moment)
    demo()

    today = timezone.localdate()
    review = Decision.objects.get(stage="legality_review").legality_reviews.get()
    assert review.opinion_needed_by >= review.minimum_on > today
    consultation = consultation_latest(subject=Decision.objects.get(stage="consultation"))
    assert consultation.status == "open" and consultation.closes_at > timezone.now()
    assert not CatalogueItem.objects.filter(party_consent_on__gt=today).exists()
    assert not Decision.objects.filter(start_decided_on__gt=today).exists()
    assert Decision.objects.filter(stage="archived", catalogue_item__year=2026).count() == 1


def test_the_demo_loads_whole_when_todays_clocks_reach_a_year_with_no_holiday_notice(
    review_reaches_unknown_year,
):
    """From late December the demo's legality reviews, opened today, end next year: until its
    notice is entered (domain.md §4) their clocks wait for it. ``make run`` still starts and the
    decisions go on through the procedure; nothing is refused for the calendar."""
    demo()

    stages = set(Decision.objects.values_list("stage", flat=True))
    assert {"drafting", "consultation", "legality_review", "archived"} <= stages
    waiting = Deadline.objects.filter(rule_key="decision.legality_review", due=None)
    assert waiting.exists()
    assert set(waiting.values_list("awaiting_year", flat=True)) == {timezone.localdate().year + 1}
    pending = Decision.objects.get(stage="legality_review").legality_reviews.get()
    assert pending.opinion_needed_by > timezone.localdate()
    assert Unit.objects.get(name="乌恰县人民政府").review_office.name == "乌恰县司法局"


def test_the_demo_accounts_of_the_lead_units_hold_their_units_roles():
    demo()

    User = get_user_model()
    for username, role, unit in [
        ("drc_drafter", "drafter", "乌恰县发展和改革委员会"),
        ("drc_head", "unit_head", "乌恰县发展和改革委员会"),
        ("housing_drafter", "drafter", "乌恰县住房和城乡建设局"),
        ("housing_head", "unit_head", "乌恰县住房和城乡建设局"),
        ("township_drafter", "drafter", "吾合沙鲁乡"),
        ("township_head", "unit_head", "吾合沙鲁乡"),
        # The third party assesses the risks of the units that commission her (第二十二条).
        ("risk_assessor", "risk_assessor", "乌恰县住房和城乡建设局"),
        ("risk_assessor", "risk_assessor", "吾合沙鲁乡"),
    ]:
        assert has_role_in_unit(
            user=User.objects.get(username=username), role=role, unit=Unit.objects.get(name=unit)
        ), (username, role, unit)
    assessed = RiskAssessment.objects.filter(assessor__username="risk_assessor")
    assert set(assessed.values_list("decision__lead_unit__name", flat=True)) == {
        "乌恰县住房和城乡建设局",
        "吾合沙鲁乡",
    }
