"""Completing a DecisionFlow task exactly as the task page does: ``workflows.tasking.task_run``
(under the process lock, the task re-read and the offer re-checked, the service in its own
atomic block, then viewflow's assign/start/execute)."""

from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from workflows.tasking import task_run


def open_task(process, name: str):
    return process.task_set.get(
        flow_task=getattr(DecisionFlow, name), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def complete(task, user, action) -> None:
    task_run(task=task, user=user, service=action)
