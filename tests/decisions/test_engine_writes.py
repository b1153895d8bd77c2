"""What the engine writes when a person's action passes gates (``workflows.gates``): each gate's
task row written once, complete, linked to the task before it; and a comment's disposition
changed before the consultation finishes (``consultation_services.comment_dispose``)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from decisions import services as s
from decisions.flows import DecisionFlow
from workflows.consultations.models import Disposition
from workflows.consultations.services import comment_submit
from workflows.record.selectors import events_for

from .test_flow import assess_and_submit_for_review, do, open_task

pytestmark = pytest.mark.django_db


def _task(process, name):
    return process.task_set.get(flow_task=getattr(DecisionFlow, name))


def test_gates_passed_in_an_action_are_written_complete_and_linked(drive, people):
    p = people
    d = drive.initiate()
    process = DecisionFlow.start.run(decision=d)
    do(process, "draft", p["drafter"], lambda: s.decision_draft_submit(decision=d, by=p["drafter"]))
    now = timezone.now()
    holder = {}

    def open_consultation():
        holder["c"] = s.decision_consultation_open(
            decision=d,
            by=p["drafter"],
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=1),
        )
        holder["comment"] = comment_submit(consultation=holder["c"], text="建议听证", at=now)

    do(process, "open_consultation", p["drafter"], open_consultation)

    gate = _task(process, "check_disclosure")
    assert gate.status == STATUS.DONE and gate.finished is not None
    assert list(gate.previous.all()) == [_task(process, "draft")]
    timer = open_task(process, "wait_consultation")
    assert timer.status == STATUS.SCHEDULED and timer.scheduled == holder["c"].closes_at
    assert list(timer.previous.all()) == [_task(process, "open_consultation")]

    past = now - timedelta(seconds=1)  # the period ends: move the moments, not the clock
    type(timer).objects.filter(pk=timer.pk).update(scheduled=past)
    type(holder["c"]).objects.filter(pk=holder["c"].pk).update(closes_at=past)
    assert fire_due_timers() == 1  # the background path: viewflow's writes, savepoints and all
    closing = _task(process, "close_consultation")
    assert closing.status == STATUS.DONE and list(closing.previous.all()) == [timer]

    comment = holder["comment"]

    def dispose():
        s.decision_comment_dispose(comment=comment, by=p["drafter"], outcome="adopted")
        # Changed before the consultation finishes: the same row, both recorded.
        s.decision_comment_dispose(
            comment=comment, by=p["drafter"], outcome="not_adopted", reason="与上位法不符"
        )
        s.decision_consultation_finish(decision=d, by=p["drafter"])

    do(process, "dispose_comments", p["drafter"], dispose)
    disposition = Disposition.objects.get(comment=comment)
    assert (disposition.outcome, disposition.reason) == ("not_adopted", "与上位法不符")
    disposed = [e for e in events_for(holder["c"]) if e.action == "consultation.comment_disposed"]
    assert [e.payload["outcome"] for e in disposed] == ["adopted", "not_adopted"]

    split = _task(process, "split_assessments")
    assert split.status == STATUS.DONE and split.finished is not None
    assert list(split.previous.all()) == [_task(process, "dispose_comments")]
    risk = open_task(process, "risk_assessment")
    assert list(risk.previous.all()) == [split]
    assert f"/{split.pk}_" in str(risk.token)  # the branch's token names the split's row

    assess_and_submit_for_review(process, d, p)
    for name in ("join_assessments", "complete_assessments", "check_risk"):
        task = _task(process, name)
        assert task.status == STATUS.DONE and task.finished is not None, name
        assert task.previous.exists(), name
    # No task of the process is left without its incoming link (the start has none).
    unlinked = process.task_set.exclude(flow_task=DecisionFlow.start).filter(previous=None)
    assert not unlinked.exists()
