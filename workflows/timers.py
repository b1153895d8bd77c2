"""The timer dispatcher beat runs: viewflow's ``fire_due_timers`` with each timer fired the way
a person's action runs (``workflows.tasking``), so that it costs what an action costs.

viewflow 2.4's dispatcher (``viewflow.workflow.timers.fire_due_timers``) takes the process lock,
re-reads the task, reads its process twice more (the row, then the flow's own table: viewflow's
``Process.coerced``), then fires the timer. Here the task is re-read with its process as the
flow's class and the rows the lock took with it (``tasking.task_locked_reread``): one
statement, and the decision the lock holds is handed to the services as held. The record events
the timer's steps write are appended together when it has fired (``record.deferred``), in its
transaction. What is fired, when, under which lock, and what happens to an error are
viewflow's: a failure downstream is kept on the task as ERROR (``gates``: the background case,
``propagate_exception`` false), one broken flow does not stop the sweep, and a process locked
by another dispatcher is skipped until the next run.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .record.deferred import record_deferred
from .tasking import task_locked_reread

logger = logging.getLogger(__name__)


def timers_fire_due() -> int:
    """Fire every due ``flow.Timer`` task and return how many fired (viewflow's
    ``fire_due_timers``, see the module)."""
    fired = 0
    due = Task._default_manager.filter(
        flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=timezone.now()
    ).order_by("scheduled")
    for task in due:
        try:
            fired += _fire(task)
        except FlowLockFailed:
            logger.info("Timer task %s is locked by another dispatcher, skipped", task.pk)
        except Exception:  # one broken flow must not block the whole sweep
            logger.exception("Timer task %s failed to fire", task.pk)
    return fired


def _fire(task: Task) -> int:
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), record_deferred():
        task = task_locked_reread(task)
        activation = task.flow_task.activation_class(task)
        start = getattr(activation, "start", None)
        if start is None:
            # the timer node was renamed or removed since this task was scheduled: the
            # orphaned row can never fire
            logger.warning(
                "Timer task %s references a missing node %r, skipped", task.pk, task.flow_task
            )
            return 0
        if not start.can_proceed():
            return 0
        activation.start()
        activation.execute()
        return 1
