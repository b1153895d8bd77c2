"""The rows every transition writes (a decision's, its process's tasks) go through statements
composed once (``workflows.rowwrites``): they write exactly the rows Django's own statements
write, a task's incoming link goes in with its row, and a statement that put a value in the
wrong column would be caught here."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.db.models.signals import m2m_changed
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.token import Token

from decisions.flows import DecisionFlow
from decisions.models import Decision
from workflows import gates, rowwrites
from workflows.models import TaskOffer
from workflows.testing.flows import InboxTestFlow

pytestmark = pytest.mark.django_db

MOMENT = datetime(2024, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


@pytest.fixture
def still():
    """A clock that does not tick: ``auto_now`` fields come out the same on both paths."""
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.fixture
def djangos_own(monkeypatch):
    """A context in which rows are written by Django's own compilers."""

    def use():
        context = monkeypatch.context()
        patch = context.__enter__()
        patch.setattr(rowwrites, "_composed_here", lambda instance: False)
        return context

    return use


def _row(instance) -> dict:
    """The row as the database has it, without its key."""
    row = type(instance).objects.filter(pk=instance.pk).values().get()
    row.pop(type(instance)._meta.pk.attname)
    return row


def _decision_changes(decision: Decision) -> None:
    decision.title = "关于调整城区供热价格的决定（修改稿）"
    decision.problem = "成本上涨。"
    decision.legal_basis = ["《中华人民共和国价格法》第二十三条"]
    decision.save(update_fields=["title", "problem", "legal_basis", "updated_at"])


def _decision_pair(drive, djangos_own) -> tuple[dict, dict]:
    """The same change saved on two equal decisions, one through each path."""
    composed, plain = drive.initiate(), drive.initiate()
    differing = {k for k, v in _row(composed).items() if _row(plain)[k] != v}
    _decision_changes(composed)
    context = djangos_own()
    try:
        _decision_changes(plain)
    finally:
        context.__exit__(None, None, None)
    a, b = _row(composed), _row(plain)
    for name in differing:  # what differed before the change (numbers, their own times)
        a.pop(name), b.pop(name)
    return a, b


def test_a_decisions_update_writes_the_row_djangos_update_writes(drive, djangos_own, still):
    composed, plain = _decision_pair(drive, djangos_own)
    assert composed == plain
    assert composed["title"] == "关于调整城区供热价格的决定（修改稿）"


def test_an_update_that_puts_a_value_in_the_wrong_column_is_caught(
    drive, djangos_own, still, monkeypatch
):
    """The comparison above turns red when the composed statement is wrong."""
    composed_update = rowwrites.update_sql

    def swapped(model, fields, vendor):
        sql = composed_update(model, fields, vendor)
        return (
            sql.replace('"title" = %s', "@@")
            .replace('"problem" = %s', '"title" = %s')
            .replace("@@", '"problem" = %s')
        )

    monkeypatch.setattr(rowwrites, "_updates", {})
    monkeypatch.setattr(rowwrites, "update_sql", swapped)
    composed, plain = _decision_pair(drive, djangos_own)
    assert composed != plain
    assert composed["title"] == "成本上涨。"


def _process() -> Process:
    return Process.objects.create(flow_class=DecisionFlow)


def _task_pair(djangos_own, write) -> tuple[dict, dict]:
    rows = []
    for path in ("composed", "django"):
        context = djangos_own() if path == "django" else None
        try:
            task = write(_process())
        finally:
            if context is not None:
                context.__exit__(None, None, None)
        row = _row(task)
        row.pop("process_id")
        rows.append((row, [t.flow_task for t in task.previous.all()]))
    return rows[0], rows[1]


def _insert_and_finish(process: Process) -> Task:
    start = Task.objects.create(
        process=process, flow_task=DecisionFlow.start, status=STATUS.DONE, data={"n": 1}
    )
    task = Task(
        process=process, flow_task=DecisionFlow.draft, token=Token("start"), data={"a": [1]}
    )
    gates._save_with_previous(task, start)
    task.status = STATUS.DONE
    task.started = task.finished = MOMENT
    task.save()
    return task


def _inserted(process: Process) -> Task:
    start = Task.objects.create(process=process, flow_task=DecisionFlow.start, status=STATUS.DONE)
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    gates._save_with_previous(task, start)
    return task


def test_a_tasks_insert_writes_the_row_viewflows_save_writes(djangos_own, still):
    composed, plain = _task_pair(djangos_own, _inserted)
    assert composed == plain
    assert composed[0]["status"] == STATUS.NEW and composed[1] == [DecisionFlow.start]


def test_a_tasks_insert_and_update_write_the_rows_viewflows_save_writes(djangos_own, still):
    composed, plain = _task_pair(djangos_own, _insert_and_finish)
    assert composed == plain
    row, previous = composed
    assert row["status"] == STATUS.DONE and row["finished"] == MOMENT
    assert row["data"] == {"a": [1]} and previous == [DecisionFlow.start]


def test_a_tasks_row_and_its_incoming_link_are_one_statement(still):
    process = _process()
    start = Task.objects.create(process=process, flow_task=DecisionFlow.start, status=STATUS.DONE)
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    with CaptureQueriesContext(connection) as captured:
        gates._save_with_previous(task, start)
    assert len(captured.captured_queries) == 1
    assert list(task.previous.all()) == [start]
    assert list(start.leading.all()) == [task]


def _offers(task) -> list[tuple[str, int]]:
    return list(TaskOffer.objects.filter(task=task).order_by("pk").values_list("role", "unit"))


def test_a_tasks_row_its_link_and_its_offers_are_one_statement(still, justice_bureau, county):
    """A new task is offered as its step declares by its own INSERT: one statement for the
    row, its incoming link and each (role, unit) it is offered to, once each."""
    process = _process()
    start = Task.objects.create(process=process, flow_task=DecisionFlow.start, status=STATUS.DONE)
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    offers = [("drafter", justice_bureau), ("legal_advisor", county), ("drafter", justice_bureau)]
    with CaptureQueriesContext(connection) as captured:
        gates._save_with_previous(task, start, offers)
    assert len(captured.captured_queries) == 1
    assert list(task.previous.all()) == [start]
    assert _offers(task) == [("drafter", justice_bureau.pk), ("legal_advisor", county.pk)]


def test_on_djangos_own_path_the_offers_are_written_after_the_row(
    djangos_own, still, justice_bureau
):
    process = _process()
    start = Task.objects.create(process=process, flow_task=DecisionFlow.start, status=STATUS.DONE)
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    context = djangos_own()
    try:
        gates._save_with_previous(task, start, [("drafter", justice_bureau)])
    finally:
        context.__exit__(None, None, None)
    assert list(task.previous.all()) == [start]
    assert _offers(task) == [("drafter", justice_bureau.pk)]


def test_an_offer_to_an_unknown_role_is_refused_before_anything_is_written(still, county):
    process = _process()
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    with pytest.raises(ValueError, match="Unknown roles"):
        gates._save_with_previous(task, None, [("mayor", county)])
    assert task.pk is None


def test_with_a_listener_on_the_link_the_link_is_added_as_django_adds_it(still, county):
    """``m2m_changed`` is sent by ``add`` only: with a listener, the link is added by it (the
    offers still go in with the row)."""
    process = _process()
    start = Task.objects.create(process=process, flow_task=DecisionFlow.start, status=STATUS.DONE)
    task = Task(process=process, flow_task=DecisionFlow.draft, token=Token("start"))
    heard = []

    def listener(sender, action, pk_set, **kwargs):
        heard.append((action, pk_set))

    m2m_changed.connect(listener, sender=Task.previous.through)
    try:
        gates._save_with_previous(task, start, [("drafter", county)])
    finally:
        m2m_changed.disconnect(listener, sender=Task.previous.through)
    assert ("post_add", {start.pk}) in heard
    assert list(task.previous.all()) == [start]
    assert _offers(task) == [("drafter", county.pk)]


def test_a_task_of_a_flow_that_does_not_ask_is_saved_by_djangos_statements(still):
    process = Process.objects.create(flow_class=InboxTestFlow)
    task = Task(process=process, flow_task=InboxTestFlow.review, token=Token("start"))
    with CaptureQueriesContext(connection) as captured:
        task.save()
    (query,) = captured.captured_queries
    assert query["sql"].startswith('INSERT INTO "viewflow_task"')
    assert "%s" not in query["sql"] and "RETURNING" in query["sql"]


def test_the_composed_statements_are_prepared_on_the_connection(settings, drive, still):
    settings.FAZHI_PREPARED_READS = True
    decision = drive.initiate()
    for n in range(3):
        decision.title = f"第{n}稿"
        decision.save(update_fields=["title", "updated_at"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['UPDATE "decisions_decision" SET "title" = $1%'],
        )
        assert cursor.fetchall()
    assert Decision.objects.get(pk=decision.pk).title == "第2稿"


def test_an_insert_that_puts_a_value_in_the_wrong_column_is_caught(djangos_own, still, monkeypatch):
    composed_insert = rowwrites.insert_sql

    def swapped(model, fields, returning, vendor, links=()):
        sql = composed_insert(model, fields, returning, vendor, links)
        return sql.replace('"flow_task_type", "status"', '"status", "flow_task_type"', 1)

    monkeypatch.setattr(rowwrites, "_inserts", {})
    monkeypatch.setattr(rowwrites, "insert_sql", swapped)
    (composed, _links), (plain, _) = _task_pair(djangos_own, _inserted)
    assert composed != plain
    assert composed["status"] == "HUMAN"
