"""Access to the decision's task pages.

viewflow answers 403 to anybody who may not execute a task. Here a person who may not see the
decision gets 404, as if it did not exist (style.md, Security); a person who sees the decision
but was not offered the task gets 403.
"""

from functools import update_wrapper

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path

from workflows import tasking
from workflows.tasking import OPEN

from ..models import Decision
from ..selectors import decision_is_visible


def decision_of_task(task) -> Decision | None:
    return Decision.objects.filter(process__pk=task.process_id).first()


def _load_visible_task(flow_task, request, process_pk, task_pk):
    task = (
        flow_task.flow_class.task_class.objects.filter(pk=task_pk, process_id=process_pk)
        .select_related("process")
        .first()
    )
    if task is None or task.flow_task != flow_task:
        raise Http404
    decision = decision_of_task(task)
    if decision is None or not decision_is_visible(user=request.user, decision=decision):
        raise Http404
    return task, decision


def guarded_execute_view(flow_task, view):
    """The task's form. The task is claimed for the person when they first act on it."""

    def wrapper(request, process_pk, task_pk, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        task, decision = _load_visible_task(flow_task, request, process_pk, task_pk)
        if task.status not in OPEN:
            # Done by now: the decision's page shows where it stands.
            return redirect("decisions:register:detail", pk=decision.pk)
        if not tasking.may_take(request.user, task):
            raise PermissionDenied
        # A POST completes the task through ``workflows.tasking.task_complete``, which takes
        # the process lock and checks all of this again under it.
        request.activation = flow_task.activation_class(task)
        return view(request, process_pk=process_pk, task_pk=task_pk, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def guarded_index_view(flow_task):
    """The inbox links here: straight to the form for whoever may take the task."""

    def index(request, process_pk, task_pk, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _load_visible_task(flow_task, request, process_pk, task_pk)
        return redirect(flow_task.reverse("execute", args=[process_pk, task_pk]))

    return index


def visible_only(flow_task, view):
    """Any other page of the node: 404 for people who may not see the decision."""

    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            _load_visible_task(flow_task, request, kwargs.get("process_pk"), kwargs.get("task_pk"))
        return view(request, *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def guard_path(flow_task, pattern):
    if pattern is None:
        return None
    return path(str(pattern.pattern), visible_only(flow_task, pattern.callback), name=pattern.name)
