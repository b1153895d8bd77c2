"""Beat's timer dispatcher (``workflows.timers``) fires a decision's consultation timer as
viewflow's does — the period ran out, the consultation closes, the decision moves to the
comments' disposition (《重大行政决策程序暂行条例》第十四条) — with the task re-read with its
process in one statement and the record's events appended together; a failure downstream is
kept on the task, as viewflow keeps it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from decisions.flows import DecisionFlow
from decisions.models import Stage
from workflows.record.models import Event
from workflows.record.verify import record_verify
from workflows.timers import timers_fire_due

from .conftest import Driver

pytestmark = pytest.mark.django_db


def _consultation_ran_out(people, catalogue_item):
    drive = Driver(people, catalogue_item, flow=True)
    d = drive.initiate()
    drive.consultation_ran_out(d)
    return d


def _fired(dispatch) -> tuple[int, int, list[str]]:
    last = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        fired = dispatch()
    actions = list(Event.objects.filter(seq__gt=last).values_list("action", flat=True))
    return fired, len(queries.captured_queries), actions


def test_the_dispatcher_closes_the_consultation_as_viewflows_does_in_fewer_statements(
    people, catalogue_item
):
    ours = _consultation_ran_out(people, catalogue_item)
    viewflows = _consultation_ran_out(people, catalogue_item)
    fired, statements, actions = _fired(timers_fire_due)  # fires both timers
    assert fired == 2
    ours.refresh_from_db()
    viewflows.refresh_from_db()
    assert ours.stage == viewflows.stage == Stage.DISPOSITION
    assert record_verify().ok

    # The same decisions again, one fired by each dispatcher: the same events, fewer statements.
    a, b = (_consultation_ran_out(people, catalogue_item) for _ in range(2))
    Task.objects.filter(process__in=[b.process], flow_task=DecisionFlow.wait_consultation).update(
        scheduled=timezone.now() + timedelta(days=1)
    )
    ours_fired, ours_statements, ours_actions = _fired(timers_fire_due)
    Task.objects.filter(process__in=[b.process], flow_task=DecisionFlow.wait_consultation).update(
        scheduled=timezone.now() - timedelta(seconds=1)
    )
    theirs_fired, theirs_statements, theirs_actions = _fired(fire_due_timers)
    assert ours_fired == theirs_fired == 1
    assert ours_actions == theirs_actions and ours_actions
    assert ours_statements < theirs_statements
    assert record_verify().ok


def test_a_failure_downstream_is_kept_on_the_task_and_the_sweep_goes_on(
    people, catalogue_item, monkeypatch
):
    broken, fine = (_consultation_ran_out(people, catalogue_item) for _ in range(2))

    node = DecisionFlow.instance.close_consultation
    original = node._func

    def close(activation):
        if activation.process.decision_id == broken.pk:
            raise RuntimeError("the consultation service is down")
        return original(activation)

    monkeypatch.setattr(node, "_func", close)
    assert timers_fire_due() == 2  # both timers fired; one flow broke after its timer
    monkeypatch.undo()
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert fine.stage == Stage.DISPOSITION
    assert broken.stage == Stage.CONSULTATION
    failed = Task.objects.get(process=broken.process, flow_task=DecisionFlow.close_consultation)
    assert failed.status == STATUS.ERROR
    assert record_verify().ok
