"""Completing a DecisionFlow task exactly as the task view does (``decisions.views.guard`` and
``decisions.views.tasks.base.TaskView``): under the process lock, the task re-read and the offer
re-checked, the service in its own atomic block, then viewflow's assign/start/execute."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from decisions.views.guard import OPEN, may_take


def open_task(process, name: str):
    return process.task_set.get(
        flow_task=getattr(DecisionFlow, name), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def complete(task, user, action) -> None:
    flow_task = task.flow_task
    with flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        if task.status not in OPEN or not may_take(flow_task, user, task):
            raise PermissionDenied
        activation = flow_task.activation_class(task)
        with transaction.atomic():
            action()
        if task.status == STATUS.NEW:
            activation.assign(user)
        activation.start(None)
        activation.execute()
