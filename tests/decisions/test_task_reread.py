"""A task action re-reads its task under the process lock with a statement composed once per
shape and planned once per database connection (``workflows.taskreread._task_reread``): it
reads what the ORM's query reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from decisions import services as s
from decisions.flows import DecisionFlow
from workflows import tasking, taskreread
from workflows.permissions import offered_role_checks, role_checks_memoised

from .test_flow import open_task

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statements are prepared on PostgreSQL only"
)


def reread_columns(user, task):
    with role_checks_memoised():
        checks = offered_role_checks(user=user, task_id_column=taskreread._task_id_column())
        offered = tasking._offer_check(user, task)
        return checks, offered


def orm_reread(user, task, checks, offered):
    """The ORM's query the re-read stands for."""
    tasks = Task.objects.select_related(*taskreread._process_paths(DecisionFlow))
    if checks is not None:
        tasks = tasks.annotate(offered_role_checks=checks)
    return tasks.annotate(offered_to_user=offered).get(pk=task.pk)


def fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def submit_draft(process, d, people):
    tasking.task_run(
        task=open_task(process, "draft"),
        user=people["drafter"],
        service=lambda: s.decision_draft_submit(decision=d, by=people["drafter"]),
    )


@pytest.fixture
def at_draft(drive, people):
    d = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    return DecisionFlow.start.run(decision=d), d


def test_the_reread_reads_the_task_its_process_and_answers_as_the_orm_does(at_draft, people):
    process, _d = at_draft
    user, task = people["drafter"], open_task(process, "draft")
    checks, offered = reread_columns(user, task)
    expected = orm_reread(user, task, checks, offered)

    with CaptureQueriesContext(connection) as queries:
        read = taskreread._task_reread(DecisionFlow, task.pk, checks, offered)
        dp = read.process.decisionprocess
        decision = dp.decision
        units = (decision.government, decision.government.review_office, decision.lead_unit)
    assert len(queries.captured_queries) == 1  # the process and its rows came with the task

    assert fields(read) == fields(expected)
    assert type(read.process) is type(expected.process)
    assert fields(read.process) == fields(expected.process)
    assert fields(dp) == fields(expected.process.decisionprocess)
    assert dp.process_ptr is read.process  # both ways, as select_related leaves them
    assert fields(decision) == fields(expected.process.decisionprocess.decision)
    expected_decision = expected.process.decisionprocess.decision
    assert [fields(u) if u else None for u in units] == [
        fields(u) if u else None
        for u in (
            expected_decision.government,
            expected_decision.government.review_office,
            expected_decision.lead_unit,
        )
    ]
    assert read.offered_to_user is expected.offered_to_user is True
    if checks is not None:
        assert read.offered_role_checks == expected.offered_role_checks


def test_a_task_that_is_gone_is_not_found(at_draft, people):
    process, _d = at_draft
    user, task = people["drafter"], open_task(process, "draft")
    checks, offered = reread_columns(user, task)
    with pytest.raises(Task.DoesNotExist):
        taskreread._task_reread(DecisionFlow, task.pk + 10_000, checks, offered)


def test_a_changed_process_select_related_is_read_by_the_next_reread(at_draft, people, monkeypatch):
    """The statement is composed once per shape: paths the flow names later are a new
    shape, not the statement composed for the old ones."""
    process, _d = at_draft
    user, task = people["drafter"], open_task(process, "draft")
    checks, offered = reread_columns(user, task)
    taskreread._task_reread(DecisionFlow, task.pk, checks, offered)  # composed for today's paths
    monkeypatch.setattr(DecisionFlow, "process_select_related", ("decision__catalogue_item",))
    read = taskreread._task_reread(DecisionFlow, task.pk, checks, offered)
    decision = read.process.decisionprocess.decision
    assert type(decision).catalogue_item.is_cached(decision)
    assert not type(decision).lead_unit.is_cached(decision)


@on_postgresql
def test_the_reread_is_planned_once_per_connection(at_draft, drive, people, settings):
    settings.FAZHI_PREPARED_READS = True
    process, d = at_draft
    other = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    other_process = DecisionFlow.start.run(decision=other)
    submit_draft(process, d, people)
    submit_draft(other_process, other, people)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%AS "offered_to_user"%'],
        )
        assert cursor.fetchone()[0] == 1
