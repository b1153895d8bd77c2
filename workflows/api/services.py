"""Writes the API performs on the shared machinery (each one service, as style.md asks).

``task_claim`` belongs with the inbox (workflows/inbox.py) once the UI gains a claim button;
it lives here until then so that only one unit of work owns it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.errors import StaleState
from workflows.inbox import may_act_on_task, offers_for_user
from workflows.record.services import record_append


def _is_offered_to(*, task: Task, user) -> bool:
    """Offered to a role ``user`` holds for the task's unit, or owned by them; any status."""
    return Task.objects.filter(Q(owner=user) | offers_for_user(user), pk=task.pk).exists()


@transaction.atomic
def task_claim(*, task: Task, user) -> Task:
    """Assign the open, unassigned ``task`` to ``user``, who must be among those it is offered to.

    Raises ``PermissionDenied`` when the task is open but not offered to ``user`` (e.g. an
    archivist, who may read it), and ``StaleState`` when somebody else claimed it first, or it
    is no longer open. The claim is one conditional UPDATE: of any number of simultaneous
    claims exactly one wins, and only the winner writes the "task.claimed" record event.
    """
    if not may_act_on_task(user=user, task=task):
        # Not actionable now: either it never was for this caller (403), or it was and
        # somebody else got there first, or it closed (409). Decided on committed state, not
        # on the caller's possibly stale copy of ``task``.
        if not _is_offered_to(task=task, user=user):
            raise PermissionDenied(_("This task is not offered to you."))
        raise StaleState(_("The task was already claimed or completed."), code="task_taken")
    won = Task.objects.filter(pk=task.pk, owner__isnull=True, status=STATUS.NEW).update(
        owner=user, status=STATUS.ASSIGNED, assigned=timezone.now()
    )
    if won != 1:
        raise StaleState(_("The task was already claimed or completed."), code="task_taken")
    record_append(
        actor=user,
        action="task.claimed",
        subject=task.process,
        payload={"task": task.pk, "node": task.flow_task.name if task.flow_task else ""},
    )
    task.refresh_from_db()
    return task
