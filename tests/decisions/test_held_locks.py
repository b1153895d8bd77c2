"""Within one transaction a decision is locked once: a later service reuses the row the first
one locked and read (workflows.locks.row_held), until a savepoint, a rollback or the end of the
transaction; and viewflow's gates take no savepoint of their own inside a task action
(workflows.gates)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.context import Context
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.models import Decision, DecisionProcess
from decisions.services._common import lock
from workflows.gates import node_transaction
from workflows.tasking import task_complete
from workflows.transactions import all_or_nothing

from .test_flow import open_task, posted

pytestmark = pytest.mark.django_db


def decision_locks(queries) -> list[str]:
    table = Decision._meta.db_table
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and f'FROM "{table}"' in q["sql"]]


def save_draft(d, people, text):
    return s.decision_draft_save(decision=d, by=people["drafter"], draft_text=text)


def test_a_second_service_in_the_same_transaction_takes_no_second_lock(drive, people):
    d = drive.initiate()
    with transaction.atomic(), all_or_nothing():
        with CaptureQueriesContext(connection) as queries:
            save_draft(d, people, "第一条 第一稿。")
            save_draft(d, people, "第一条 第二稿。")
            assert lock(d.pk).draft_text == "第一条 第二稿。"
    assert len(decision_locks(queries.captured_queries)) == 1
    d.refresh_from_db()
    assert d.draft_text == "第一条 第二稿。"


@pytest.mark.django_db(transaction=True)
def test_a_new_transaction_locks_again(drive, people):
    d = drive.initiate()
    with transaction.atomic(), CaptureQueriesContext(connection) as first:
        held = lock(d)
        lock(d)
    with transaction.atomic(), CaptureQueriesContext(connection) as second:
        again = lock(d)
    assert len(decision_locks(first.captured_queries)) == 1
    assert len(decision_locks(second.captured_queries)) == 1
    assert again is not held


def test_the_row_is_read_again_after_a_rolled_back_savepoint(drive, people):
    d = drive.initiate()
    with transaction.atomic():
        held = lock(d)
        try:
            with transaction.atomic():
                locked = lock(d)  # a savepoint opened since: locked and read again
                locked.draft_text = "第一条 撤回的修改。"
                locked.save(update_fields=["draft_text"])
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        with CaptureQueriesContext(connection) as queries:
            after = lock(d)
    assert len(decision_locks(queries.captured_queries)) == 1
    assert after is not locked and after is not held
    assert after.draft_text != "第一条 撤回的修改。"


def test_gates_take_no_savepoint_inside_a_task_action_and_keep_it_elsewhere():
    def savepoint_of(block) -> bool:
        with CaptureQueriesContext(connection) as queries, block:
            pass
        return any(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)

    with transaction.atomic():
        assert savepoint_of(node_transaction())  # a caller may catch and carry on
        with all_or_nothing():
            assert not savepoint_of(node_transaction())
            with Context(propagate_exception=False):  # a timer or job keeps the error state
                assert savepoint_of(node_transaction())


def test_a_task_action_through_a_gate_takes_only_the_locks_savepoint_and_one_decision_lock(
    at_legality_review, people
):
    """The process lock takes the decision's row too; the task's step, its service and the
    If gate after it use the decision read with the task under that lock, and the package
    check opens. The test's transaction makes the process lock's block a savepoint; nothing
    else takes one."""
    process, d = at_legality_review
    task_complete(
        task=open_task(process, "legality_review"),
        user=people["legal_advisor"],
        action="review",
        data=posted("review", {"outcome": "lawful", "opinion": "合法"}),
    )
    # The review office's head approves the opinion: the decision moves through the gate.
    with CaptureQueriesContext(connection) as queries:
        task_complete(
            task=open_task(process, "approve_legality"),
            user=people["review_head"],
            action="approve",
            data=posted("approve", {"confirm": "on"}),
        )
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len([sql for sql in sqls if sql.startswith("SAVEPOINT")]) == 1, sqls
    (decision_lock,) = decision_locks(queries.captured_queries)
    assert f'FROM "{DecisionProcess._meta.db_table}"' in decision_lock  # the process lock
    table = Decision._meta.db_table
    locked_at = next(
        i for i, sql in enumerate(sqls) if sql in decision_locks(queries.captured_queries)
    )
    reads = [sql for sql in sqls[locked_at + 1 :] if f'FROM "{table}"' in sql]
    assert not reads, reads
    assert open_task(process, "package_check").status == STATUS.NEW
