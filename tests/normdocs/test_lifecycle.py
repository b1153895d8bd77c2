"""Drafting bodies, the lifecycle and legality review (国办发〔2018〕37号, 115号)."""

from datetime import date, timedelta

import pytest

from normdocs import services
from normdocs.models import DraftingBody, LegalityReview, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from workflows.calendar import add_working_days
from workflows.clocks.models import Deadline
from workflows.clocks.selectors import calendar_for
from workflows.record.models import Event

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db


def _actions(document):
    return list(
        Event.objects.filter(object_id=str(document.pk), content_type__model="normativedocument")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助工作规定", text="第一条……"
    )


@pytest.mark.parametrize("kind", ["temporary", "coordination", "internal_division"])
def test_drafting_body_register_refuses_when_the_body_may_not_issue(kind, make_person, county):
    from workflows.services import unit_ensure

    unit = unit_ensure(name=f"领导小组{kind}", kind="other", parent=county)[0]
    clerk = make_person("clerk", county)
    with pytest.raises(RuleRefusal, match="国办发〔2018〕37号"):
        services.drafting_body_register(
            unit=unit, kind=kind, legal_basis="文件", issuer_codes=["恰领"], by=clerk
        )
    assert not DraftingBody.objects.filter(unit=unit).exists()


def test_drafting_body_register_records_the_entry_when_allowed(county_body):
    assert county_body.issuer_codes == ["恰政"]
    assert Event.objects.filter(
        action="normdoc.drafting_body.registered", object_id=str(county_body.pk)
    ).exists()


def test_normdoc_create_refuses_when_the_drafter_is_of_another_unit(bureau_body, outsider):
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_create(by=outsider, drafting_body=bureau_body, title="x")
    assert info.value.code == "not_drafter"


def test_normdoc_create_refuses_when_the_unit_is_not_on_the_drafting_body_list(township, outsider):
    unregistered = DraftingBody(unit=township, kind="township", issuer_codes=["恰吾乡"])
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_create(by=outsider, drafting_body=unregistered, title="x")
    assert info.value.code == "not_a_drafting_body"


def test_normdoc_create_records_the_draft_when_a_registered_bodys_drafter_starts_it(draft):
    assert draft.status == Status.DRAFT
    assert _actions(draft) == ["normdoc.created"]


def test_publishing_a_draft_is_refused_naming_the_three_unifications_rule(draft, officials):
    with pytest.raises(RuleRefusal, match="统一登记、统一编号、统一印发"):
        services.normdoc_publish(document=draft, by=officials["publisher"])
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_deliberation_is_refused_when_the_draft_was_never_reviewed(draft, drafter):
    with pytest.raises(RuleRefusal, match="不得提交集体审议"):
        services.normdoc_send_to_deliberation(document=draft, by=drafter)


@pytest.mark.parametrize(
    "method", ["comment_collection", "countersigning", "attending_deliberation"]
)
def test_legality_review_cannot_be_replaced_by_other_procedures(draft, drafter, method):
    with pytest.raises(RuleRefusal) as info:
        submit_complete(document=draft, by=drafter, method=method)
    assert info.value.code == "review_method_not_allowed"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_legality_review_submit_opens_a_fifteen_working_day_clock_and_a_five_day_request(
    draft, drafter
):
    start = date(2025, 9, 26)  # before the National Day holiday: the clock skips it
    review = submit_complete(document=draft, by=drafter, on=start)
    calendar = calendar_for()
    deadline = Deadline.objects.get(rule_key="normdocs.legality_review", object_id=str(draft.pk))
    assert deadline.due == add_working_days(start, 15, calendar=calendar) == review.due_on
    assert "115号" in deadline.legal_source
    # The opinion is needed, by default, on the fifth working day: the least the drafter leaves.
    assert review.opinion_needed_by == add_working_days(start, 5, calendar=calendar)
    assert _actions(draft)[-1] == "normdoc.legality_review.submitted"


def test_the_reviewer_may_conclude_before_five_working_days(draft, drafter, officials):
    # 115号: the five working days are what the drafter leaves, not a ban on the reviewer.
    review = submit_complete(document=draft, by=drafter)
    services.legality_review_conclude(
        review=review, by=officials["advisor"], outcome="lawful", opinion="ok", checklist=CHECKLIST
    )
    review.refresh_from_db()
    assert review.outcome == "lawful"


def test_legality_review_conclusion_is_refused_when_the_reviewer_is_not_the_departments_legal_unit(
    draft, drafter, make_person, county
):
    # A legal advisor for the county government only: reviews government documents, not 司法局's.
    county_advisor = make_person("county_advisor", county, legal_advisor=[county])
    review = submit_complete(document=draft, by=drafter, on=date.today() - timedelta(days=30))
    with pytest.raises(RuleRefusal) as info:
        services.legality_review_conclude(
            review=review, by=county_advisor, outcome="lawful", opinion="ok", checklist=CHECKLIST
        )
    assert info.value.code == "not_legality_reviewer"


def test_a_government_document_is_reviewed_by_the_county_legal_advisors(
    county_body, county_drafter, make_person, county
):
    county_advisor = make_person("county_advisor", county, legal_advisor=[county])
    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="县政府规定"
    )
    review = submit_complete(
        document=document, by=county_drafter, on=date.today() - timedelta(days=30)
    )
    services.legality_review_conclude(
        review=review, by=county_advisor, outcome="lawful", opinion="合法", checklist=CHECKLIST
    )
    services.normdoc_send_to_deliberation(document=document, by=county_drafter)
    document.refresh_from_db()
    assert document.status == Status.DELIBERATION


def test_an_unlawful_draft_goes_back_to_drafting_and_cannot_reach_deliberation(
    draft, drafter, officials
):
    review = submit_complete(document=draft, by=drafter, on=date.today() - timedelta(days=30))
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome=LegalityReview.Outcome.UNLAWFUL,
        opinion="增设行政许可",
        checklist=CHECKLIST,
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert (
        Deadline.objects.get(rule_key="normdocs.legality_review", object_id=str(draft.pk)).status
        == "met"
    )
    with pytest.raises(RuleRefusal, match="不得提交集体审议"):
        services.normdoc_send_to_deliberation(document=draft, by=drafter)


def test_a_draft_needing_amendment_reaches_deliberation_only_after_the_amendments_are_recorded(
    draft, drafter, officials
):
    review = submit_complete(document=draft, by=drafter, on=date.today() - timedelta(days=30))
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome=LegalityReview.Outcome.NEEDS_AMENDMENT,
        opinion="删除第五条",
        checklist=CHECKLIST,
    )
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_send_to_deliberation(document=draft, by=drafter)
    assert info.value.code == "amendments_not_recorded"
    services.legality_review_amendments_record(review=review, by=drafter, note="已删除第五条")
    services.normdoc_send_to_deliberation(document=draft, by=drafter)
    draft.refresh_from_db()
    assert draft.status == Status.DELIBERATION


def test_a_document_touching_the_public_interest_needs_finished_public_comment_before_review(
    bureau_body, drafter
):
    document = services.normdoc_create(
        by=drafter,
        drafting_body=bureau_body,
        title="涉及群众切身利益的规定",
        touches_public_interest=True,
    )
    with pytest.raises(RuleRefusal) as info:
        submit_complete(document=document, by=drafter)
    assert info.value.code == "public_comment_unfinished"


def test_a_department_document_is_refused_at_the_executive_meeting(
    draft, drafter, officials, drive
):
    drive(draft, "deliberation", drafter=drafter)
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_deliberate(
            document=draft,
            by=officials["secretary"],
            meeting_kind="executive_meeting",
            meeting_on=date.today(),
            adopted=True,
        )
    assert info.value.code == "wrong_meeting"


def test_a_draft_rejected_at_deliberation_goes_back_and_cannot_be_registered(
    draft, drafter, officials, drive
):
    drive(draft, "deliberation", drafter=drafter)
    services.normdoc_deliberate(
        document=draft,
        by=officials["secretary"],
        meeting_kind="office_meeting",
        meeting_on=date.today(),
        adopted=False,
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    with pytest.raises(RuleRefusal, match="经集体审议决定后"):
        services.normdoc_register(document=draft, by=officials["publisher"])


def test_registration_gives_the_next_number_of_the_issuers_register(
    bureau_body, drafter, officials, drive
):
    first = services.normdoc_create(by=drafter, drafting_body=bureau_body, title="一")
    second = services.normdoc_create(by=drafter, drafting_body=bureau_body, title="二")
    drive(first, "registered", drafter=drafter, year=2022)
    drive(second, "registered", drafter=drafter, year=2022)
    assert (first.number, second.number) == ("恰司规〔2022〕1号", "恰司规〔2022〕2号")
    assert first.register == second.register


def test_registration_refuses_a_malformed_index_number(draft, drafter, officials, drive):
    drive(draft, "deliberation", drafter=drafter)
    services.normdoc_deliberate(
        document=draft,
        by=officials["secretary"],
        meeting_kind="office_meeting",
        meeting_on=date.today(),
        adopted=True,
    )
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_register(
            document=draft, by=officials["publisher"], index_number="24K/22-1"
        )
    assert info.value.code == "index_number_malformed"
    services.normdoc_register(
        document=draft, by=officials["publisher"], index_number="24K458996/2022-00630"
    )
    draft.refresh_from_db()
    assert draft.index_number == "24K458996/2022-00630"


def test_every_step_is_in_the_record(draft, drafter, drive):
    drive(draft, "published", drafter=drafter)
    actions = _actions(draft)
    for action in [
        "normdoc.created",
        "normdoc.legality_review.submitted",
        "normdoc.legality_review.concluded",
        "normdoc.sent_to_deliberation",
        "normdoc.deliberated",
        "normdoc.registered",
        "normdoc.published",
        "normdoc.filing.due",
    ]:
        assert action in actions


def test_a_refused_step_leaves_no_record_and_no_change(draft, drafter):
    before = Event.objects.count()
    with pytest.raises(RuleRefusal):
        submit_complete(document=draft, by=drafter, method="countersigning")
    assert Event.objects.count() == before
    assert NormativeDocument.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_document_touching_the_public_interest_goes_to_review_once_public_comment_is_finished(
    bureau_body, drafter
):
    from django.utils import timezone

    from workflows.consultations import services as consultations

    document = services.normdoc_create(
        by=drafter,
        drafting_body=bureau_body,
        title="涉及群众切身利益的规定",
        text="第一条……",
        touches_public_interest=True,
    )
    now = timezone.now()
    consultation = consultations.consultation_open(
        subject=document,
        by=drafter,
        title=document.title,
        draft_text=document.text,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=5),
    )
    with pytest.raises(RuleRefusal) as info:
        submit_complete(document=document, by=drafter)
    assert info.value.code == "public_comment_unfinished"
    consultations.consultation_close(consultation=consultation, at=now)
    consultations.consultation_finish(consultation=consultation, by=drafter)
    submit_complete(document=document, by=drafter)
    document.refresh_from_db()
    assert document.status == Status.LEGALITY_REVIEW
