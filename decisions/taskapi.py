"""Acting on a decision's task without its page (the REST API), exactly as the page does.

The task page (``decisions.views.tasks``) parses one form, calls one service and, when the step
is done, claims, starts and executes the viewflow task; its guard (``decisions.views.guard``)
holds the flow lock and re-reads the task first. ``task_act`` runs that same code — the same
view class, form, ``do_<action>`` and ``claim`` — so the two interfaces cannot disagree.

What differs is only how refusals are told: a task that is no longer open, or that somebody
else took, is ``StaleState`` (the API's 409) instead of a redirect; a task offered to a role the
caller does not hold is ``PermissionDenied`` (403).
"""

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from workflows.errors import StaleState
from workflows.permissions import has_role_in_unit

from .flows import DecisionFlow
from .views.guard import OPEN, may_take


def is_decision_task(task: Task) -> bool:
    flow_task = task.flow_task
    return flow_task is not None and flow_task.flow_class is DecisionFlow


def task_view_class(flow_task):
    """The TaskView subclass behind a human node of DecisionFlow (None for other nodes)."""
    view = getattr(flow_task, "view", None)
    return getattr(view, "view_class", None)


def task_actions(flow_task) -> dict[str, type[django_forms.Form]]:
    """The actions a node's page offers, each with the form that parses it."""
    view_class = task_view_class(flow_task)
    return dict(getattr(view_class, "actions", {}) or {})


def node_actions() -> dict[str, dict[str, type[django_forms.Form]]]:
    """Every human node of DecisionFlow with its actions, in the order of the graph."""
    return {
        node.name: task_actions(node)
        for node in DecisionFlow.instance.nodes()
        if task_actions(node)
    }


def _is_offered_role_holder(*, user, task: Task) -> bool:
    offer = getattr(task, "offer", None)
    return offer is not None and has_role_in_unit(user=user, role=offer.role, unit=offer.unit)


def task_act(*, request: HttpRequest, task: Task, action: str, data: dict, files=None) -> bool:
    """Perform ``action`` of ``task``'s page with ``data`` (the form's POST data, prefixed by
    the action as the page posts it) and ``files`` (its uploads, keyed likewise) for
    ``request.user``; True when the step is finished and the process moved on.

    Raises ``StaleState`` when the task is no longer open, somebody else took it, or the
    action is not available at this point; ``PermissionDenied`` when the task is not offered
    to the caller; ``django.core.exceptions.ValidationError`` for the form's or the service's
    refusal. The caller has checked that the caller may see the decision.
    """
    flow_task = task.flow_task
    view_class = task_view_class(flow_task)
    if view_class is None or action not in view_class.actions:
        raise ValueError(f"{flow_task} has no action {action!r}")
    user = request.user
    # The same lock and re-read as the page's guard: of simultaneous calls, one acts and the
    # others find the task done (or taken) once the lock is theirs.
    with flow_task.flow_class.lock(task.process_id), transaction.atomic():
        task = Task.objects.select_related("process").get(pk=task.pk)
        if task.status not in OPEN:
            raise StaleState(_("The task is already completed."), code="task_done")
        if not may_take(flow_task, user, task):
            if _is_offered_role_holder(user=user, task=task):
                raise StaleState(_("Somebody else took this task."), code="task_taken")
            raise PermissionDenied(_("This task is not offered to you."))
        request.activation = flow_task.activation_class(task)
        view = view_class()
        view.setup(request, process_pk=task.process_id, task_pk=task.pk)
        if action not in view.available_actions():
            raise StaleState(
                _("This action is not available at this point of the task."),
                code="action_unavailable",
            )
        form = view.build(action, data=data, files=files)
        if not form.is_valid():
            from workflows.api.forms import form_errors

            raise form_errors(form)
        # One action, one transaction, as on the page.
        with transaction.atomic():
            done = getattr(view, f"do_{action}")(form.cleaned_data, form)
        view.claim(done)
        return bool(done)
