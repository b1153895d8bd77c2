"""A decision driven through the whole procedure by the services, and its alternative endings."""

import pytest
from django.contrib.contenttypes.models import ContentType

from decisions import services as s
from decisions.models import Decision, Stage
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def actions_of(decision):
    return list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Decision), object_id=str(decision.pk)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_decision_goes_from_catalogue_to_archive_when_every_step_is_done(drive, people):
    d = drive.initiate(
        hearing_needed=False,
        expert_argumentation_needed=True,
        affects_market_actors=True,
        fair_competition_review="经审查，不排除限制竞争",
    )
    assert d.stage == Stage.DRAFTING and d.catalogue_item == drive.item
    consultation = drive.consult(d)
    assert d.stage == Stage.ASSESSMENT
    assert (
        "部分采纳1条" in consultation.adoption_report
        and "分两年实施" in consultation.adoption_report
    )

    pooled = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    s.experts_choose(decision=d, by=people["drafter"], experts=[pooled])
    opinion = s.expert_opinion_submit(
        decision=d, by=people["expert"], text="方案可行。", signed=True
    )
    s.expert_opinion_handle(opinion=opinion, by=people["drafter"], handling="已采纳")
    drive.assess(d)
    assert d.stage == Stage.LEGALITY_REVIEW
    review = drive.review(d, outcome="lawful_with_amendments", amendments="删除第三款")
    assert d.stage == Stage.PACKAGE
    assert (review.due_on - review.submitted_at.date()).days >= 7  # 7 working days at least
    drive.to_meeting(d)
    meeting = drive.adopt(d)
    assert d.stage == Stage.PARTY_REPORT and d.outcome == "adopt"
    assert [st.speaker_id for st in meeting.statements.order_by("order")][-1] == people[
        "principal"
    ].pk
    drive.publish(d)
    assert d.stage == Stage.ARCHIVING
    assert d.publication.published and "部分采纳" in d.publication.adoption_report

    assert s.archive_checklist(d) == {"complete": True, "missing": []}
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    assert d.stage == Stage.ARCHIVED and d.sealed_at and len(d.seal_sha256) == 64

    actions = actions_of(d)
    for expected in (
        "decision.initiated",
        "decision.draft_saved",
        "decision.consultation_opened",
        "decision.consultation_finished",
        "decision.expert_opinion_submitted",
        "decision.risk_assessed",
        "decision.legality_reviewed",
        "decision.meeting_decided",
        "decision.party_reported",
        "decision.published",
        "decision.sealed",
    ):
        assert expected in actions
    assert actions[-1] == "decision.sealed"


def test_a_rejected_decision_is_archived_without_publication_when_the_head_rejects(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["oppose", "oppose", "abstain", "support"])
    s.meeting_decide(
        meeting=meeting, by=people["secretary"], head_decision="reject", statement="不同意。"
    )
    d.refresh_from_db()
    assert d.stage == Stage.ARCHIVING and d.outcome == "reject"
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    assert d.stage == Stage.ARCHIVED
    assert not hasattr(d, "publication") or d.publication is None


def test_a_deferred_decision_returns_to_a_later_meeting_when_the_head_defers(drive, people):
    d = drive.up_to_meeting()
    first = drive.open_meeting(d)
    drive.statements(first, ["abstain", "abstain", "support", "oppose"])
    s.meeting_decide(
        meeting=first, by=people["secretary"], head_decision="defer", statement="再研究。"
    )
    d.refresh_from_db()
    assert d.stage == Stage.MEETING and d.outcome == "defer"
    second = drive.adopt(d)
    assert second.pk != first.pk and d.stage == Stage.PARTY_REPORT


def test_a_non_disclosable_decision_skips_comment_and_is_recorded_as_not_published(drive, people):
    d = drive.initiate(not_disclosable=True, not_disclosable_reason="涉及国家秘密")
    s.decision_draft_submit(decision=d, by=people["drafter"])
    d.refresh_from_db()
    assert d.stage == Stage.ASSESSMENT
    assert "decision.draft_submitted" in actions_of(d)
    drive.assess(d)
    drive.review(d)
    drive.to_meeting(d)
    drive.adopt(d)
    drive.publish(d)
    assert d.publication.published is False and d.publication.not_published_reason == "涉及国家秘密"
    s.decision_seal(decision=d, by=people["archivist"])


def test_an_uncontrollable_risk_sends_the_draft_back_when_assessed(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d, level="uncontrollable")
    assert d.stage == Stage.DRAFTING
    # The revised draft is not consulted on again: it goes straight to the assessments.
    s.decision_draft_save(decision=d, by=people["drafter"], draft_text="修改后的草案")
    s.decision_draft_submit(decision=d, by=people["drafter"])
    d.refresh_from_db()
    assert d.stage == Stage.ASSESSMENT and d.versions.count() == 2


def test_every_saved_draft_version_is_kept_with_its_hash(drive, people):
    d = drive.initiate()
    s.decision_draft_save(decision=d, by=people["drafter"], draft_text="第二稿")
    versions = list(d.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].text != versions[1].text and versions[0].sha256 != versions[1].sha256


def test_the_head_may_suspend_urgently_and_an_adjustment_starts_a_linked_decision(drive, people):
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    s.execution_report_submit(
        decision=d,
        by=people["drafter"],
        executing_unit=people["bureau"],
        period="2024年第一季度",
        text="执行顺利",
    )
    s.decision_suspend_urgently(decision=d, by=people["principal"], reason="突发事件")
    d.refresh_from_db()
    assert d.suspended_at is not None
    adjustment = s.decision_adjust(
        decision=d, by=people["principal"], reason="情况发生重大变化", drafter=people["drafter"]
    )
    assert (
        adjustment.new_decision.supersedes == d and adjustment.new_decision.stage == Stage.DRAFTING
    )


def test_the_minutes_docx_keeps_every_statement_in_order_when_generated(drive, people):
    import io

    from docx import Document

    from decisions.documents import meeting_minutes_docx

    d = drive.up_to_meeting()
    meeting = drive.adopt(d)
    text = "\n".join(p.text for p in Document(io.BytesIO(meeting_minutes_docx(meeting))).paragraphs)
    assert text.index("member1") < text.index("member4") < text.index("同意，按方案二实施。")
    assert "反对" in text  # dissent recorded as stated
