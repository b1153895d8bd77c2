"""Drill: 20 people complete the same task at the same moment. Exactly one wins; the decision
moves on once, with one record event and one next task.

Flow and service level (each thread its own database connection, as 20 web requests would
have); the HTTP API's claim race is tested in tests/api."""

import threading

from django.db import connection
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Stage
from workflows.record.models import Event
from workflows.record.verify import record_verify

from .flow import complete, open_task

RIVALS = 20


def test_exactly_one_of_twenty_simultaneous_completions_wins_when_they_race(
    committed,
    drive,
    people,
    make_person,
):
    decision = drive.initiate()
    DecisionFlow.start.run(decision=decision)
    # Twenty drafters of the lead unit, each offered the drafting task.
    drafters = [people["drafter"]] + [
        make_person(f"drafter{i}", people["bureau"], drafter=[people["bureau"]])
        for i in range(1, RIVALS)
    ]
    task = open_task(decision.process, "draft")
    start = threading.Barrier(RIVALS)
    wins, refusals, lock = [], [], threading.Lock()

    def rival(user):
        try:
            mine = type(task).objects.get(pk=task.pk)
            start.wait()
            complete(mine, user, lambda: s.decision_draft_submit(decision=decision, by=user))
            with lock:
                wins.append(user.username)
        except Exception as error:  # noqa: BLE001 - every loser's refusal is collected
            with lock:
                refusals.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=rival, args=(u,)) for u in drafters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(wins) == 1, (wins, refusals)
    assert len(refusals) == RIVALS - 1
    # Losers are refused (lock busy, task already done or taken — ``StaleState``, the API's
    # 409 —, or wrong stage), never half-done.
    assert set(refusals) <= {"FlowLockFailed", "StaleState", "ValidationError"}, refusals
    decision.refresh_from_db()
    assert decision.stage != Stage.DRAFTING
    draft_task = decision.process.task_set.get(flow_task=DecisionFlow.draft)
    assert draft_task.status == STATUS.DONE and draft_task.owner.username == wins[0]
    assert Event.objects.filter(action="decision.draft_submitted").count() == 1
    open_now = decision.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED])
    assert [t.flow_task for t in open_now] == [DecisionFlow.open_consultation]
    assert record_verify().ok
