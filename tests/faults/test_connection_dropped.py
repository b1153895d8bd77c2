"""Drill: the PostgreSQL connection is dropped in the middle of a transition (its backend is
terminated from a second connection). The transition and its record event happen wholly or
not at all, and the record's chain still verifies."""

import psycopg
import pytest
from django.db import DatabaseError, InterfaceError, connection
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Stage
from tests.conftest import _database_url_of
from workflows.record.chain import _forget_committed_head
from workflows.record.models import Event
from workflows.record.verify import record_verify

from .flow import complete, open_task


def terminate_backend(pid: int) -> None:
    with psycopg.connect(_database_url_of(connection.settings_dict), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


class DropConnection:
    """Terminates this connection's backend just before the ``nth`` statement matching
    ``prefix`` reaches PostgreSQL."""

    def __init__(self, prefix: str, nth: int = 1):
        self.prefix, self.nth, self.seen, self.dropped = prefix, nth, 0, False

    def __call__(self, execute, sql, params, many, context):
        if not self.dropped and sql.lstrip().upper().startswith(self.prefix.upper()):
            self.seen += 1
            if self.seen == self.nth:
                self.dropped = True
                terminate_backend(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)


@pytest.fixture
def submitted_draft(committed, drive, people):
    """A decision started in its flow, its draft written, the drafting task open."""
    decision = drive.initiate()
    DecisionFlow.start.run(decision=decision)
    return decision


def submit(decision, people):
    task = open_task(decision.process, "draft")
    complete(
        task,
        people["drafter"],
        lambda: s.decision_draft_submit(decision=decision, by=people["drafter"]),
    )


# Where the connection dies: the first statement of the transition, the record's chain-head
# lock, the record event's INSERT, the viewflow task's UPDATE (before the events: an action's
# events are appended together at its end, workflows.record.deferred).
# A transaction's first append guesses the head is where the connection's last commit left it
# (workflows.record.chain): "record head guessed" is that one statement (the head moved and the
# event inserted together); the two points after "first statement" are the ordinary append,
# drilled with no guess to try.
DROP_POINTS = {
    "first statement": ("SELECT", 1),
    "record head guessed": ('WITH moved AS (UPDATE "record_chainhead"', 1),
    "record chain head": ('UPDATE "record_chainhead"', 1),
    # The event's INSERT and the chain head's move are one statement (record_append).
    "record event insert": ('WITH appended AS (INSERT INTO "record_event"', 1),
    # The task's owner is written with its finish (workflows.tasking) and the gates after it
    # insert their rows whole (workflows.gates.WrittenOnce): the one UPDATE is the finish.
    "task finished": ('UPDATE "viewflow_task"', 1),
}


@pytest.mark.parametrize("point", list(DROP_POINTS))
def test_a_transition_happens_wholly_or_not_at_all_when_the_connection_drops(
    submitted_draft,
    people,
    point,
):
    decision = submitted_draft
    events_before = Event.objects.count()
    if point in {"record chain head", "record event insert"}:
        _forget_committed_head()
    drop = DropConnection(*DROP_POINTS[point])
    with pytest.raises((DatabaseError, InterfaceError)):
        with connection.execute_wrapper(drop):
            submit(decision, people)
    assert drop.dropped
    connection.close()  # what Django does with an unusable connection at the end of a request

    decision.refresh_from_db()
    draft_task = decision.process.task_set.get(flow_task=DecisionFlow.draft)
    assert decision.stage == Stage.DRAFTING
    assert draft_task.status in (STATUS.NEW, STATUS.ASSIGNED)
    assert Event.objects.count() == events_before
    assert not Event.objects.filter(action="decision.draft_submitted").exists()
    assert record_verify().ok

    # The person tries again on a fresh connection: it goes through, once.
    submit(decision, people)
    decision.refresh_from_db()
    assert decision.stage != Stage.DRAFTING
    assert Event.objects.filter(action="decision.draft_submitted").count() == 1
    assert record_verify().ok


def test_a_transition_stays_whole_when_the_connection_drops_right_after_its_commit(
    submitted_draft,
    people,
):
    decision = submitted_draft
    original = connection._commit

    def commit_then_drop():
        original()
        terminate_backend(connection.connection.info.backend_pid)

    connection._commit = commit_then_drop
    try:
        submit(decision, people)
    except (DatabaseError, InterfaceError):
        pass  # whatever runs after the commit may fail; the commit stands
    finally:
        connection._commit = original
    connection.close()

    decision.refresh_from_db()
    assert decision.stage != Stage.DRAFTING
    assert decision.process.task_set.get(flow_task=DecisionFlow.draft).status == STATUS.DONE
    assert Event.objects.filter(action="decision.draft_submitted").count() == 1
    assert record_verify().ok


def test_the_api_reports_a_step_done_when_the_connection_drops_right_after_its_commit(
    submitted_draft, people
):
    """make drill (pg_http) saw 500s for steps that had committed: the answer's re-read met
    the dead connection. The person must see the step done, not an error they retry into a
    refusal."""
    from rest_framework.test import APIClient

    decision = submitted_draft
    task = open_task(decision.process, "draft")
    api = APIClient()
    api.force_authenticate(people["drafter"])
    original = connection._commit
    dropped = []

    def commit_then_drop():
        original()
        if not dropped:
            dropped.append(True)
            terminate_backend(connection.connection.info.backend_pid)

    connection._commit = commit_then_drop
    try:
        response = api.post(
            f"/api/v1/tasks/{task.pk}/complete/",
            {
                "action": "draft",
                "data": {
                    "title": "关于调整城区供热价格的决定",
                    "draft_text": "第一条 ……",
                    "legal_basis": "《价格法》",
                    "submit": True,
                },
            },
            format="json",
        )
    finally:
        connection._commit = original
    connection.close()

    assert dropped
    assert response.status_code == 200, response.content
    assert response.json()["done"] is True
    assert Event.objects.filter(action="decision.draft_submitted").count() == 1
    assert record_verify().ok
