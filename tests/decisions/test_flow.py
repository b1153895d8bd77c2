"""DecisionFlow driven end to end: every human task taken by a person it was offered to, the
consultation closed by viewflow's database timer, the gates routing on what services wrote."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.steps import step_of_node
from workflows.consultations.services import comment_submit
from workflows.inbox import may_act_on_task
from workflows.inbox.offers import tasks_for_user
from workflows.tasking import task_run

from .conftest import RISK_OK

pytestmark = pytest.mark.django_db


def open_task(process, name):
    return process.task_set.get(
        flow_task=getattr(DecisionFlow, name),
        status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED],
    )


def do(process, name, user, action, outsider=None):
    """Take the task as ``user`` (refused for ``outsider``), do the work, finish the task —
    through the one path pages and API take — after checking the task is offered exactly as
    its step declares (``decisions.steps``) and is in the person's inbox."""
    task = open_task(process, name)
    declared = step_of_node(name)
    decision = process.decision
    assert {(o.role, o.unit_id) for o in task.offers.all()} == {
        (role, unit.pk) for role, unit in declared.offered_units(decision)
    }, name
    assert task.flow_task.task_title == declared.name  # the chart and viewflow's pages
    assert may_act_on_task(user=user, task=task), name
    assert tasks_for_user(user=user).filter(pk=task.pk).exists(), name  # the inbox
    if outsider is not None:
        assert not may_act_on_task(user=outsider, task=task)
        assert not task.flow_task.can_assign(outsider, task)
    task_run(task=task, user=user, service=action)


def assess_and_submit_for_review(process, d, p):
    """The drafter's low-risk assessment, then the submission for legality review."""
    do(
        process,
        "risk_assessment",
        p["drafter"],
        lambda: s.risk_assessment_submit(
            decision=d,
            by=p["drafter"],
            dimensions=RISK_OK,
            contingency_plan="预案",
            overall_level="low",
        ),
    )
    do(
        process,
        "submit_legality",
        p["drafter"],
        lambda: s.legality_review_submit(decision=d, by=p["drafter"], procedures_account="已完成"),
    )


def test_the_flow_runs_from_catalogue_to_sealed_archive_when_everyone_acts(drive, people):
    p = people
    decision = drive.initiate()
    process = DecisionFlow.start.run(decision=decision)
    d = decision

    do(
        process,
        "draft",
        p["drafter"],
        lambda: s.decision_draft_submit(decision=d, by=p["drafter"]),
        outsider=p["outsider"],
    )
    now = timezone.now()
    consultation = None

    def open_consultation():
        nonlocal consultation
        consultation = s.decision_consultation_open(
            decision=d,
            by=p["drafter"],
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=1),
        )
        comment_submit(consultation=consultation, text="建议听证", at=now)

    do(process, "open_consultation", p["drafter"], open_consultation)
    timer = open_task(process, "wait_consultation")
    assert timer.status == STATUS.SCHEDULED and timer.scheduled == consultation.closes_at
    assert fire_due_timers() == 0  # not yet due

    # Time passes: the period ends. Move the due moment rather than the clock.
    type(timer).objects.filter(pk=timer.pk).update(scheduled=now - timedelta(seconds=1))
    type(consultation).objects.filter(pk=consultation.pk).update(
        closes_at=now - timedelta(seconds=1)
    )
    assert fire_due_timers() == 1
    d.refresh_from_db()
    assert d.stage == "disposition", list(
        process.task_set.values_list("flow_task", "status", "data")
    )

    def dispose():
        for comment in consultation.comments.all():
            s.decision_comment_dispose(comment=comment, by=p["drafter"], outcome="adopted")
        s.decision_consultation_finish(decision=d, by=p["drafter"])

    do(process, "dispose_comments", p["drafter"], dispose)
    # No expert argumentation flagged: only the risk branch runs.
    assert not process.task_set.filter(flow_task=DecisionFlow.expert_argumentation).exists()
    assess_and_submit_for_review(process, d, p)
    do(
        process,
        "legality_review",
        p["legal_advisor"],
        lambda: s.legality_review_complete(
            review=s.latest_review(d), by=p["legal_advisor"], outcome="lawful", opinion="合法"
        ),
        outsider=p["drafter"],
    )
    # The head of the review office approves: the opinion is issued (第二十八条).
    do(
        process,
        "approve_legality",
        p["review_head"],
        lambda: s.legality_review_approve(review=s.latest_review(d), by=p["review_head"]),
        outsider=p["legal_advisor"],
    )
    do(
        process,
        "package_check",
        p["drafter"],
        lambda: s.decision_package_check(decision=d, by=p["drafter"]),
    )

    def defer():
        meeting = drive.open_meeting(d)
        drive.statements(meeting, ["support", "abstain", "abstain", "oppose"])
        s.meeting_decide(
            meeting=meeting, by=p["secretary"], head_decision="defer", statement="下次再议"
        )

    do(process, "meeting", p["secretary"], defer, outsider=p["drafter"])
    # Deferred: the Switch sends it back to a new meeting task.
    do(process, "meeting", p["secretary"], lambda: drive.adopt(d))
    do(
        process,
        "party_report",
        p["secretary"],
        lambda: s.party_report_record(
            decision=d,
            by=p["secretary"],
            reported_on=date.today(),
            reference="恰政报〔2024〕5号",
            recipient="县委",
        ),
    )
    do(
        process,
        "publication",
        p["publisher"],
        lambda: s.publication_record(
            decision=d,
            by=p["publisher"],
            published_on=date.today(),
            channel="政府网站",
            interpretation="解读",
        ),
    )
    do(
        process,
        "archive",
        p["archivist"],
        lambda: s.decision_seal(decision=d, by=p["archivist"]),
        outsider=p["drafter"],
    )

    process.refresh_from_db()
    d.refresh_from_db()
    assert process.status == "DONE"
    assert d.stage == "archived" and d.sealed_at
    assert process.task_set.filter(flow_task=DecisionFlow.meeting).count() == 2


def test_the_flow_sends_an_unlawful_draft_back_to_drafting(drive, people):
    p = people
    d = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    process = DecisionFlow.start.run(decision=d)
    do(process, "draft", p["drafter"], lambda: s.decision_draft_submit(decision=d, by=p["drafter"]))
    assert not process.task_set.filter(flow_task=DecisionFlow.open_consultation).exists()
    assess_and_submit_for_review(process, d, p)
    do(
        process,
        "legality_review",
        p["legal_advisor"],
        lambda: s.legality_review_complete(
            review=s.latest_review(d),
            by=p["legal_advisor"],
            outcome="unlawful",
            opinion="违反上位法",
        ),
    )
    do(
        process,
        "approve_legality",
        p["review_head"],
        lambda: s.legality_review_approve(review=s.latest_review(d), by=p["review_head"]),
    )
    assert open_task(process, "draft")
    d.refresh_from_db()
    assert d.stage == "drafting"


def posted(action, data):
    """``data`` as the page posts it: each field prefixed by the action."""
    return {f"{action}-{name}": value for name, value in data.items()}
