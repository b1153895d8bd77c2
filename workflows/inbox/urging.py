"""催办: a unit head presses for an open task of their unit.

Government OA practice: the head of the unit whose task it is (``unit_head`` over a unit the
task is offered to, ``workflows.roles``) may urge it. Whoever holds the task is told (or, while
nobody has taken it, everyone it is offered to), through the in-app notifications with their
e-mail copy (``workflows.clocks.notifying``), and the urging is written to the full-process
record of the task's subject (the decision…), so the file shows who pressed whom and when.
No rule of law sets this step or its form: it is the unit's own supervision of its work, as
OA systems of government offices offer it. It changes nothing in the task or its clock.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import override
from viewflow.workflow.models import Task

from ..clocks.notifying import notification_tell
from ..errors import StaleState
from ..models import TaskOffer
from ..permissions import has_role_in_unit, unit_role_grants
from ..record.services import record_append
from ..tasking import OPEN, step_of_task
from ..transactions import service_atomic

# Named in words by workflows.record.labels (ACTION_LABELS), as its payload's keys are.
URGE_ACTION = "task.urged"


def _headed_unit(*, user, task: Task):
    """The first unit ``task`` is offered to that ``user`` heads (``unit_head``), or None."""
    if not user.is_authenticated:
        return None
    for offer in TaskOffer.objects.filter(task=task).select_related("unit").order_by("pk"):
        if has_role_in_unit(user=user, role="unit_head", unit=offer.unit):
            return offer.unit
    return None


def may_urge(*, user, task: Task) -> bool:
    """True when ``user`` heads (``unit_head``) a unit ``task`` is offered to (whether it is
    still open is ``task_urge``'s to check)."""
    return _headed_unit(user=user, task=task) is not None


def urge_recipients(task: Task) -> list:
    """Who is pressed: the task's holder; while nobody holds it, the active people offered it
    (a role's group and a grant of it over the unit, as ``tasks_for_user`` requires)."""
    if task.owner_id:
        return [task.owner]
    users = get_user_model().objects.none()
    for offer in TaskOffer.objects.filter(task=task):
        granted = unit_role_grants(active_only=True).filter(role=offer.role, unit_id=offer.unit_id)
        users = users | get_user_model().objects.filter(
            pk__in=granted.values("user_id"), groups__name=offer.role, is_active=True
        )
    return list(users.distinct().order_by("pk"))


def _subject(task: Task):
    """What the record is about: the object the task's step works on (the decision), else
    the process."""
    step = step_of_task(task)
    if step is not None:
        subject = step[1](task)
        if subject is not None:
            return subject
    return task.process


@service_atomic
def task_urge(*, task: Task, by, url: str = "") -> list:
    """Urge the open ``task`` on behalf of ``by`` (a head of its unit): tell its holder or
    the people offered it, and record it. Returns the people told. Refuses anyone else
    (PermissionDenied) and a task no longer open (StaleState)."""
    # The task's row is locked while the people are told: a task taken meanwhile is urged on
    # its new holder after the taking commits.
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("owner", "process")
        .get(pk=task.pk)
    )
    if task.status not in OPEN:
        raise StaleState(_("This task is no longer open."), code="task_done")
    unit = _headed_unit(user=by, task=task)
    if unit is None:
        raise PermissionDenied(_("Only the head of the task's unit may urge it."))  # 403: no code
    recipients = urge_recipients(task)
    subject = _subject(task)
    step = step_of_task(task)
    urger = by.get_full_name() or by.get_username()
    # The record and the notices in the staff site's language, whoever urged.
    with override(settings.LANGUAGE_CODE):
        name = str(step[0].name) if step is not None else str(task.title or task.flow_task)
        title = _("Urged: %(task)s") % {"task": name}
        body = _("%(urger)s urges you to complete “%(task)s” for “%(subject)s”.") % {
            "urger": urger,
            "task": name,
            "subject": subject,
        }
    for person in recipients:
        notification_tell(recipient=person, title=title, body=body, url=url)
    record_append(
        actor=by,
        action=URGE_ACTION,
        subject=subject,
        # No internal ids but the unit's (the record links it): the step, whose unit, who.
        payload={
            "title": name,
            "unit": unit.pk,
            "recipient": "、".join(p.get_full_name() or p.get_username() for p in recipients),
        },
    )
    return recipients
