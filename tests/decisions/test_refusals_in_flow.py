"""The refusals of the legality review and the meeting, reached through a real DecisionFlow
process and met where a page or the API meets them: out of ``workflows.tasking.task_complete``,
with the same codes as the services raise (tests/decisions/test_refusals.py), leaving the task
open and the stage where the lifecycle put it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Stage
from workflows.tasking import StepRefused, task_complete

from .test_flow import open_task, posted

pytestmark = pytest.mark.django_db


def refused(code, process, node, user, action, data):
    """``action`` on the open ``node`` task is refused with ``code``; the task stays open."""
    task = open_task(process, node)
    with pytest.raises(StepRefused) as info:
        task_complete(task=task, user=user, action=action, data=posted(action, data))
    assert info.value.service_error is not None, info.value.form.errors
    assert info.value.service_error.code == code, info.value.service_error
    task.refresh_from_db()
    assert task.status in (STATUS.NEW, STATUS.ASSIGNED), task.status
    return info.value


def complete(process, node, user, action, data):
    return task_complete(
        task=open_task(process, node), user=user, action=action, data=posted(action, data)
    )


def test_the_review_of_an_exploratory_reform_is_refused_in_the_flow_without_its_legal_risk(
    at_legality_review, people
):
    process, d = at_legality_review
    advisor = people["legal_advisor"]
    unlawful_reform = {"outcome": "unlawful", "opinion": "无明确规定", "exploratory_reform": "on"}
    refused(
        "legal_risk_statement_required",
        process,
        "legality_review",
        advisor,
        "review",
        unlawful_reform,
    )
    refused(
        "amendments_required",
        process,
        "legality_review",
        advisor,
        "review",
        {"outcome": "lawful_with_amendments", "opinion": "需修改"},
    )
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW
    complete(
        process,
        "legality_review",
        advisor,
        "review",
        {**unlawful_reform, "legal_risk_statement": "可能与上位法不一致的风险"},
    )
    assert d.legality_reviews.get().status == "awaiting_approval"
    complete(process, "approve_legality", people["review_head"], "approve", {"confirm": "on"})
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE  # the gate read it: the package check is next
    assert open_task(process, "package_check")


def test_an_unlawful_draft_goes_back_to_drafting_in_the_flow_and_cannot_reach_the_meeting(
    at_legality_review, people
):
    process, d = at_legality_review
    complete(
        process,
        "legality_review",
        people["legal_advisor"],
        "review",
        {"outcome": "unlawful", "opinion": "违反上位法"},
    )
    complete(process, "approve_legality", people["review_head"], "approve", {"confirm": "on"})
    d.refresh_from_db()
    assert d.stage == Stage.DRAFTING and open_task(process, "draft")
    assert not process.task_set.filter(flow_task=DecisionFlow.package_check).exists()


def test_the_meetings_refusals_come_out_of_the_task_in_the_flow(at_legality_review, people):
    process, d = at_legality_review
    p = people
    complete(
        process,
        "legality_review",
        p["legal_advisor"],
        "review",
        {"outcome": "lawful", "opinion": "合法"},
    )
    complete(process, "approve_legality", p["review_head"], "approve", {"confirm": "on"})
    complete(process, "package_check", p["drafter"], "check", {"confirm": "on"})
    d.refresh_from_db()
    assert d.stage == Stage.MEETING
    members = p["members"]
    secretary = p["secretary"]
    session = s.session_plan(
        government=d.government,
        by=secretary,
        kind="executive",
        held_at=timezone.now() - timedelta(hours=1),
        principal=p["principal"],
    )
    # The meeting step schedules the decision onto the numbered session (its agenda item).
    complete(process, "meeting", secretary, "schedule", {"session": session.pk})
    # principal + 1 of 5 present: not more than half (第三十条).
    with pytest.raises(ValidationError) as info:
        s.session_open(session=session, by=secretary, present=[members[0]], absent=members[1:])
    assert info.value.code == "below_quorum"
    s.session_open(session=session, by=secretary, present=members)

    def state(member, position):
        return {
            "speaker": member.pk,
            "position": position,
            "text": f"{member.username}：{position}",
        }

    for member in members[:3]:
        complete(process, "meeting", secretary, "statement", state(member, "oppose"))
    decide = {"head_decision": "adopt", "statement": "同意"}
    # The fourth member has not spoken: the head may not (第三十条: the head speaks last).
    refused("head_speaks_last", process, "meeting", secretary, "decide", decide)
    complete(process, "meeting", secretary, "statement", state(members[3], "oppose"))
    # Against the majority without a reason given at the meeting.
    refused("reason_required_against_majority", process, "meeting", secretary, "decide", decide)
    d.refresh_from_db()
    assert d.stage == Stage.MEETING
    complete(process, "meeting", secretary, "decide", {**decide, "reason": "民生急需"})
    d.refresh_from_db()
    assert d.stage == Stage.PARTY_REPORT and d.outcome == "adopt"
    assert open_task(process, "party_report")  # the Switch read the stage the lifecycle wrote
