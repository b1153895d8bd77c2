"""Each refusal the law demands, one test each: the procedure stops and says why.

Every decision here runs in a real DecisionFlow process (``Driver(flow=True)``): the state a
refusal is met in is reached by completing the process's tasks, as people do. The refusals
themselves are asked of the services; tests/decisions/test_refusals_in_flow.py meets those of
the legality review and the meeting through ``task_complete``, as a page or the API does.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Attachment, Decision, Stage
from decisions.selectors import decision_get_for_user, decisions_visible_to
from workflows.consultations.services import comment_submit
from workflows.record.models import Event

from .conftest import LEGAL_BASIS, RISK_OK, Driver, docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(people, catalogue_item):
    return Driver(people, catalogue_item, flow=True)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value
    return info.value


# --- meeting (第三十条) ----------------------------------------------------------------------


def test_the_head_cannot_decide_when_a_present_member_has_not_spoken(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["support", "support", "support"])  # the fourth has not spoken
    refused(
        "head_speaks_last",
        s.meeting_decide,
        meeting=meeting,
        by=people["secretary"],
        head_decision="adopt",
        statement="同意",
    )
    refused(
        "head_speaks_last",
        s.meeting_statement_record,
        meeting=meeting,
        by=people["secretary"],
        speaker=people["principal"],
        position="support",
        text="我先说",
    )


def test_the_head_must_give_a_reason_when_deciding_against_the_majority(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["oppose", "oppose", "oppose", "support"])
    refused(
        "reason_required_against_majority",
        s.meeting_decide,
        meeting=meeting,
        by=people["secretary"],
        head_decision="adopt",
        statement="同意",
    )
    s.meeting_decide(
        meeting=meeting,
        by=people["secretary"],
        head_decision="adopt",
        statement="同意",
        reason="民生急需",
    )
    meeting.refresh_from_db()
    assert meeting.head_reason == "民生急需" and meeting.majority_view == "against"
    # Dissent is kept verbatim.
    assert meeting.statements.filter(position="oppose").first().text.endswith("oppose")


def test_a_meeting_cannot_open_when_below_quorum(drive, people):
    d = drive.up_to_meeting()
    members = people["members"]
    # principal + 1 present of 5 = 2/5: not more than half.
    refused("below_quorum", drive.open_meeting, d, absent=members[1:])


@override_settings(FAZHI_MEETING_QUORUM=0.75)
def test_the_quorum_is_a_setting_when_a_county_raises_it(drive, people):
    d = drive.up_to_meeting()
    # principal + 2 of 5 members present = 60 %: enough by default, not with 75 %.
    refused("below_quorum", drive.open_meeting, d, absent=people["members"][:2])


def open_meeting_outside_the_flow(drive, d):
    """The process offers no meeting task yet; the service refuses to schedule it onto a
    session on its own as well."""
    assert not drive.processes[d.pk].task_set.filter(flow_task=DecisionFlow.meeting).exists()
    return s.session_agenda_add_decision(
        session=drive.plan_session(), decision=d, by=drive.p["secretary"]
    )


def test_a_meeting_cannot_open_when_the_draft_was_not_reviewed(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    refused("legality_review_required", open_meeting_outside_the_flow, drive, d)


def test_a_meeting_cannot_open_when_the_review_found_the_draft_unlawful(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    drive.review(d, outcome="unlawful")
    assert d.stage == Stage.DRAFTING  # back to drafting
    refused("legality_review_required", open_meeting_outside_the_flow, drive, d)


def test_an_exploratory_reform_goes_to_the_meeting_only_with_its_legal_risk_stated(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    review = s.legality_review_submit(decision=d, by=people["drafter"], procedures_account="已完成")
    refused(
        "legal_risk_statement_required",
        s.legality_review_complete,
        review=review,
        by=people["legal_advisor"],
        outcome="unlawful",
        opinion="无明确规定",
        exploratory_reform=True,
    )
    s.legality_review_complete(
        review=review,
        by=people["legal_advisor"],
        outcome="unlawful",
        opinion="无明确规定",
        exploratory_reform=True,
        legal_risk_statement="可能与上位法不一致的风险",
    )
    s.legality_review_approve(review=review, by=people["review_head"])
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE


# --- legality review (第二十五条至第二十八条) ---------------------------------------------------


def test_an_incomplete_legality_submission_is_returned_with_what_is_missing(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    d.legal_basis = []
    d.save()
    error = refused(
        "legality_submission_incomplete",
        s.legality_review_submit,
        decision=d,
        by=people["drafter"],
        procedures_account="",
    )
    assert error.missing == ["legal_basis", "procedures_account"]
    assert not d.legality_reviews.exists()


# --- consultation (第十四条、第十五条) -------------------------------------------------------


def test_a_short_comment_period_is_refused_without_a_reason_and_published_with_one(drive, people):
    d = drive.initiate()
    s.decision_draft_submit(decision=d, by=people["drafter"])
    now = timezone.now()
    refused(
        "short_period_without_reason",
        s.decision_consultation_open,
        decision=d,
        by=people["drafter"],
        opens_at=now,
        closes_at=now + timedelta(days=29),
    )
    consultation = s.decision_consultation_open(
        decision=d,
        by=people["drafter"],
        opens_at=now,
        closes_at=now + timedelta(days=10),
        short_period_reason="供暖季临近，情况紧急",
    )
    assert consultation.short_period_reason == "供暖季临近，情况紧急"
    assert consultation.minimum_days == 30 and "第十五条" in consultation.legal_source


def test_the_consultation_cannot_finish_when_a_comment_has_no_disposition(drive, people):
    d = drive.initiate()
    consultation = drive.consult(d, comments=("意见一", "意见二"), dispose=False)
    first = consultation.comments.first()
    s.decision_comment_dispose(comment=first, by=people["drafter"], outcome="adopted")
    refused(
        "reason_required",
        s.decision_comment_dispose,
        comment=consultation.comments.last(),
        by=people["drafter"],
        outcome="not_adopted",
    )
    refused("undisposed_comments", s.decision_consultation_finish, decision=d, by=people["drafter"])
    d.refresh_from_db()
    assert d.stage == Stage.DISPOSITION


def test_a_comment_is_refused_when_the_consultation_is_closed(drive, people):
    d = drive.initiate()
    consultation = drive.consult(d, comments=(), dispose=False)
    refused("closed", comment_submit, consultation=consultation, text="迟到的意见")


def test_a_hidden_comment_is_kept_with_its_reason(drive, people):
    d = drive.initiate()
    consultation = drive.consult(d, comments=("不文明用语",), dispose=False)
    comment = consultation.comments.get()
    s.decision_comment_hide(comment=comment, by=people["drafter"], reason="含侮辱性言论")
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "含侮辱性言论"
    assert consultation.comments.count() == 1


# --- hearing, experts, attachments ------------------------------------------------------------


def test_a_hearing_is_refused_when_held_less_than_7_days_after_the_materials(drive, people):
    d = drive.initiate(hearing_needed=True)
    refused(
        "hearing_notice_too_short",
        s.hearing_schedule,
        decision=d,
        by=people["drafter"],
        materials_sent_on=date(2024, 3, 1),
        held_on=date(2024, 3, 7),
        participants="居民代表5人",
    )
    hearing = s.hearing_schedule(
        decision=d,
        by=people["drafter"],
        materials_sent_on=date(2024, 3, 1),
        held_on=date(2024, 3, 8),
        participants="居民代表5人",
    )
    assert hearing.pk


def test_an_expert_with_a_declared_interest_is_refused_when_chosen(drive, people):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    expert = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    s.expert_interest_declare(expert=expert, description="其配偶在供热公司任职", decision=d)
    refused(
        "expert_conflict_of_interest",
        s.experts_choose,
        decision=d,
        by=people["drafter"],
        experts=[expert],
    )
    assert not d.expert_selections.exists()
    # Nor can the expert slip in an opinion unchosen.
    refused(
        "expert_not_chosen",
        s.expert_opinion_submit,
        decision=d,
        by=people["expert"],
        text="可行",
        signed=True,
    )
    assert not d.expert_opinions.exists()


def test_an_expert_with_an_interest_in_the_lead_unit_is_refused_when_chosen(drive, people):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    expert = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    s.expert_interest_declare(expert=expert, description="曾任该局顾问", unit=people["bureau"])
    with pytest.raises(ValidationError) as error:
        s.experts_choose(decision=d, by=people["drafter"], experts=[expert])
    assert error.value.code == "expert_conflict_of_interest"
    name = people["expert"].get_full_name() or people["expert"].username
    assert name in " ".join(error.value.messages)


def test_an_expert_of_the_pool_is_refused_when_not_chosen_for_the_decision(
    drive, people, make_person, county
):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    chosen = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    other_user = make_person("expert_other", county, expert=[county])
    s.expert_register(user=other_user, fields=["环境"], by=people["legal_advisor"])
    s.experts_choose(decision=d, by=people["drafter"], experts=[chosen])
    refused(
        "expert_not_chosen",
        s.expert_opinion_submit,
        decision=d,
        by=other_user,
        text="可行",
        signed=True,
    )
    assert not d.expert_opinions.exists()


def test_only_the_lead_units_drafter_may_choose_experts(drive, people):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    expert = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    for person in (people["outsider"], people["legal_advisor"]):
        with pytest.raises(PermissionDenied):
            s.experts_choose(decision=d, by=person, experts=[expert])
    assert not d.expert_selections.exists()


def test_the_assessments_cannot_finish_when_no_expert_was_chosen(drive, people):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    s.risk_assessment_submit(
        decision=d,
        by=people["drafter"],
        dimensions=RISK_OK,
        contingency_plan="预案",
        overall_level="low",
    )
    with pytest.raises(ValidationError) as error:
        s.decision_assessments_complete(decision=d)
    assert "experts_chosen" in error.value.missing


def test_the_assessments_cannot_finish_when_a_chosen_expert_has_not_given_an_opinion(
    drive, people, make_person, county
):
    d = drive.initiate(expert_argumentation_needed=True)
    drive.consult(d)
    first = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    second_user = make_person("expert_second", county, expert=[county])
    second = s.expert_register(user=second_user, fields=["环境"], by=people["legal_advisor"])
    s.experts_choose(decision=d, by=people["drafter"], experts=[first, second])
    s.expert_opinion_submit(decision=d, by=people["expert"], text="可行", signed=True)
    s.risk_assessment_submit(
        decision=d,
        by=people["drafter"],
        dimensions=RISK_OK,
        contingency_plan="预案",
        overall_level="low",
    )
    with pytest.raises(ValidationError) as error:
        s.decision_assessments_complete(decision=d)
    assert error.value.missing == ["expert_opinions"]
    d.refresh_from_db()
    assert d.stage == Stage.ASSESSMENT

    # A withdrawal needs a reason; once recorded, the argumentation may finish.
    selection = d.expert_selections.get(expert=second)
    refused(
        "withdrawal_reason_required",
        s.expert_selection_withdraw,
        selection=selection,
        by=people["drafter"],
        reason=" ",
    )
    s.expert_selection_withdraw(selection=selection, by=people["drafter"], reason="因病退出")
    s.decision_assessments_complete(decision=d)
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW
    assert Event.objects.filter(action="decision.expert_withdrew").exists()
    assert Event.objects.filter(action="decision.expert_chosen").count() == 2


def test_an_attachment_is_refused_when_its_extension_lies_about_its_content(drive, people):
    d = drive.initiate()
    refused(
        "extension_mismatch",
        s.attachment_add,
        decision=d,
        by=people["drafter"],
        name="说明.pdf",
        data=docx_bytes(),
    )
    refused(
        "type_not_allowed",
        s.attachment_add,
        decision=d,
        by=people["drafter"],
        name="说明.pdf",
        data=b"MZ\x90\x00 not a pdf",
    )
    good = s.attachment_add(
        decision=d, by=people["drafter"], name="起草说明.docx", data=docx_bytes()
    )
    assert good.file_type == Attachment.FileType.DOCX and len(good.sha256) == 64
    pdf = s.attachment_add(
        decision=d, by=people["drafter"], name="依据.PDF", data=b"%PDF-1.7\n%%EOF\n"
    )
    assert pdf.file_type == "pdf"


@override_settings(FAZHI_MAX_ATTACHMENT_BYTES=100)
def test_an_attachment_is_refused_when_larger_than_the_limit(drive, people):
    d = drive.initiate()
    refused(
        "too_large",
        s.attachment_add,
        decision=d,
        by=people["drafter"],
        name="a.pdf",
        data=b"%PDF-" + b"x" * 200,
    )


# --- archive (第三十三条) --------------------------------------------------------------------


def test_sealing_is_refused_and_lists_what_is_missing_when_the_record_is_incomplete(drive, people):
    d = drive.up_to_meeting()
    drive.adopt(d)
    s.party_report_record(
        decision=d,
        by=people["secretary"],
        reported_on=date.today(),
        reference="恰政报〔2024〕3号",
        recipient="县委",
    )
    # Jump the publication step, which no move of the lifecycle allows: corrupt the row, as a
    # bad import would, so that the seal's own check is what refuses.
    Decision.objects.filter(pk=d.pk).update(stage=Stage.ARCHIVING)
    d.refresh_from_db()
    error = refused("archive_incomplete", s.decision_seal, decision=d, by=people["archivist"])
    assert error.missing == ["publication"]
    d.refresh_from_db()
    assert d.sealed_at is None


def test_nothing_can_be_edited_when_the_decision_is_sealed(drive, people):
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    refused("sealed", s.decision_draft_save, decision=d, by=people["drafter"], draft_text="偷改")
    refused(
        "sealed", s.attachment_add, decision=d, by=people["drafter"], name="a.pdf", data=b"%PDF-1.4"
    )
    refused("sealed", s.decision_seal, decision=d, by=people["archivist"])
    assert d.versions.count() == 1


# --- who may act and see --------------------------------------------------------------------


def test_another_units_drafter_can_neither_act_on_nor_see_the_decision(drive, people):
    d = drive.initiate()
    with pytest.raises(PermissionDenied):
        s.decision_draft_save(decision=d, by=people["outsider"], draft_text="越权")
    assert not decisions_visible_to(user=people["outsider"]).filter(pk=d.pk).exists()
    with pytest.raises(Http404):
        decision_get_for_user(user=people["outsider"], pk=d.pk)
    assert decision_get_for_user(user=people["drafter"], pk=d.pk) == d
    assert decision_get_for_user(user=people["archivist"], pk=d.pk) == d


def test_a_legal_advisor_of_another_unit_can_neither_review_nor_see_the_decision(
    drive, people, make_person, township
):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    review = s.legality_review_submit(decision=d, by=people["drafter"], procedures_account="已完成")
    stranger = make_person("township_advisor", township, legal_advisor=[township])
    with pytest.raises(PermissionDenied):
        s.legality_review_complete(review=review, by=stranger, outcome="lawful", opinion="合法")
    with pytest.raises(Http404):
        decision_get_for_user(user=stranger, pk=d.pk)
    assert decision_get_for_user(user=people["legal_advisor"], pk=d.pk) == d


def test_the_archivist_reads_everything_but_cannot_draft(drive, people):
    d = drive.initiate()
    with pytest.raises(PermissionDenied):
        s.decision_draft_save(decision=d, by=people["archivist"], draft_text="改")


# --- the rest of the procedure ---------------------------------------------------------------


def test_a_decision_outside_the_catalogue_needs_its_reason(people):
    refused(
        "out_of_catalogue_reason_required",
        s.decision_initiate,
        by=people["drafter"],
        lead_unit=people["bureau"],
        title="临时事项",
        problem="问题",
        legal_basis=LEGAL_BASIS,
    )
    d = s.decision_initiate(
        by=people["drafter"],
        lead_unit=people["bureau"],
        title="临时事项",
        problem="问题",
        legal_basis=LEGAL_BASIS,
        out_of_catalogue_reason="上级临时交办",
    )
    assert d.government == people["county"]


def test_publication_is_refused_when_the_party_report_is_missing(drive, people):
    d = drive.up_to_meeting()
    drive.adopt(d)
    # Pretend the report step was skipped (no move allows it): corrupt the row.
    Decision.objects.filter(pk=d.pk).update(stage=Stage.PUBLICATION)
    d.refresh_from_db()
    refused(
        "party_report_required",
        s.publication_record,
        decision=d,
        by=people["publisher"],
        published_on=date.today(),
        channel="网站",
        interpretation="解读",
    )


def test_a_post_evaluation_is_refused_when_the_evaluator_assessed_the_decision_before(
    drive, people
):
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    refused(
        "evaluator_not_independent",
        s.post_evaluation_start,
        decision=d,
        by=people["principal"],
        trigger="many_complaints",
        evaluator=people["drafter"],
    )
    evaluation = s.post_evaluation_start(
        decision=d, by=people["principal"], trigger="goal_unmet", evaluator=people["risk_assessor"]
    )
    s.post_evaluation_complete(
        evaluation=evaluation, by=people["risk_assessor"], report="目标基本实现"
    )
