"""Acting on a decision's task without its page (the REST API), exactly as the page does.

Both the task page and this module complete a task through ``workflows.tasking.task_complete``
with the forms of the step declared in ``decisions.steps``, so the two interfaces cannot
disagree. What differs is only how refusals are told: a task that is no longer open, or that
somebody else took, is ``StaleState`` (the API's 409) instead of a redirect; a task offered to
a role the caller does not hold is ``PermissionDenied`` (403).
"""

from django import forms as django_forms
from viewflow.workflow.models import Task

from workflows.api.forms import form_errors
from workflows.tasking import StepRefused, task_complete

from .flows import DecisionFlow
from .steps import BY_NODE


def is_decision_task(task: Task) -> bool:
    flow_task = task.flow_task
    return flow_task is not None and flow_task.flow_class is DecisionFlow


def task_actions(flow_task) -> dict[str, type[django_forms.Form]]:
    """The actions of the step a node carries, each with the form that parses it."""
    declared = BY_NODE.get(getattr(flow_task, "name", ""))
    if declared is None or getattr(flow_task, "flow_class", None) is not DecisionFlow:
        return {}
    return {name: action.form for name, action in declared.actions.items()}


def node_actions() -> dict[str, dict[str, type[django_forms.Form]]]:
    """Every human node of DecisionFlow with its actions, in the order of the graph."""
    return {
        node.name: task_actions(node)
        for node in DecisionFlow.instance.nodes()
        if task_actions(node)
    }


def task_act(*, request, task: Task, action: str, data: dict, files=None) -> bool:
    """Perform ``action`` of ``task``'s step with ``data`` (the form's POST data, prefixed by
    the action as the page posts it) and ``files`` for ``request.user``; True when the step is
    finished and the process moved on.

    Raises ``StaleState``, ``PermissionDenied`` or ``ValidationError`` (the form's or the
    service's refusal, by field) — see ``workflows.tasking.task_complete``. The caller has
    checked that the caller may see the decision.
    """
    if action not in task_actions(task.flow_task):
        raise ValueError(f"{task.flow_task} has no action {action!r}")
    try:
        done = task_complete(task=task, user=request.user, action=action, data=data, files=files)
    except StepRefused as refused:
        if refused.service_error is not None:  # the service's refusal, with its code
            raise refused.service_error from None
        raise form_errors(refused.form) from None
    return done.finished
