"""The routes of the decision's stage actions and how each one runs.

A step of DecisionFlow runs through ``decisions.taskapi.task_act`` on the decision's open task
at that step; a step outside the flow runs its page's own code (``decisions.pageapi.page_act``).
Who may take each route is read from the step's declaration (``decisions.steps``), or from
``PAGE_ROLES`` for the steps outside the flow. The draft's page fields are typed here too, as the
API takes and gives them.
"""

from rest_framework import serializers
from viewflow.workflow.models import Task

from workflows.api.forms import FieldShape, form_data, form_files, lines_shape, shape_field
from workflows.tasking import OPEN

from .. import forms, taskapi
from ..apiserializers import OptionSerializer
from ..flows import DecisionFlow
from ..models import Decision, DecisionProcess
from ..pageapi import page_act
from ..steps import decision_steps, pages, step_of_node

# --- how the API types the draft's page fields -------------------------------------------------


def _option_block(option: dict) -> dict:
    """An option as one block of the page's text: the title one line, no blank line inside."""
    title = " ".join(option["title"].split())
    text = "\n".join(line for line in (option.get("text") or "").splitlines() if line.strip())
    return {"title": title, "text": text or title}


# The page types the legal basis one per line and the options as blocks; the API takes (and
# gives) them as arrays, as ``POST /decisions/`` and the decision's representation do.
shape_field(forms.DraftForm, "legal_basis", lines_shape())
shape_field(
    forms.DraftForm,
    "options",
    FieldShape(
        field=lambda **common: serializers.ListField(child=OptionSerializer(), **common),
        to_form=lambda value: forms.options_text([_option_block(o) for o in value]),
    ),
)

# --- the routes of the stage actions -----------------------------------------------------------

# route → (node of DecisionFlow, action of its step): as the steps declare them
TASK_ROUTES: dict[str, tuple[str, str]] = {
    action.route: (declared.node, name)
    for declared in decision_steps().values()
    for name, action in declared.actions.items()
}

# route → (a step outside the flow, its action)
PAGE_ROUTES: dict[str, tuple[type, str]] = {
    "hearing-schedule": (pages.HearingWork, "schedule"),
    "hearing-record": (pages.HearingWork, "record"),
    "expert-opinion": (pages.ExpertOpinionWork, "opinion"),
    "execution-report": (pages.ExecutionReportWork, "report"),
    "post-evaluation-start": (pages.PostEvaluationStartWork, "start"),
    "adjust": (pages.AdjustmentWork, "adjust"),
}

# The steps outside the flow declare no offer: who may act, as their pages' ``may_act`` check
# (decisions.steps.pages), as (role, unit of the decision).
PAGE_ROLES: dict[str, tuple[tuple[str, str], ...]] = {
    "hearing-schedule": (("drafter", "lead unit"),),
    "hearing-record": (("drafter", "lead unit"),),
    "expert-opinion": (("expert", "government"),),
    "execution-report": (("drafter", "any unit"), ("unit_head", "any unit")),
    "post-evaluation-start": (("principal", "government"),),
    "adjust": (("principal", "government"),),
    "attachments": (("drafter", "lead unit"),),
}


def _camel(route: str) -> str:
    return "".join(part.capitalize() for part in route.split("-"))


def _task_form(route: str):
    node, name = TASK_ROUTES[route]
    return taskapi.task_actions(getattr(DecisionFlow, node))[name]


def _body(route: str):
    if route in TASK_ROUTES:
        form_class = _task_form(route)
    else:
        work_class, name = PAGE_ROUTES[route]
        form_class = work_class.actions[name]
    return form_class, f"Decision{_camel(route)}Request"


def _open_task(decision: Decision, node: str) -> Task | None:
    return (
        Task.objects.filter(
            process_id__in=DecisionProcess.objects.filter(decision=decision).values("pk"),
            flow_task=getattr(DecisionFlow, node),
            status__in=OPEN,
        )
        .order_by("-pk")
        .first()
    )


def _task_act(request, task: Task, action_name: str, payload, files=None) -> bool:
    """``files``: the request's uploads, for a step whose page takes files (multipart)."""
    form_class = taskapi.task_actions(task.flow_task)[action_name]
    uploads = form_files(form_class, files, prefix=action_name)  # a refused file first
    data = form_data(
        form_class,
        payload,
        name=f"DecisionTask{_camel(task.flow_task.name)}{_camel(action_name)}",
        prefix=action_name,
    )
    return taskapi.task_act(
        request=request._request,
        task=task,
        action=action_name,
        data=data,
        files=uploads,
    )


def _page_act(request, decision: Decision, route: str, payload) -> None:
    """A step outside the flow, through its page's own code (``pageapi.page_act``)."""
    work_class, name = PAGE_ROUTES[route]
    _form_class, component = _body(route)
    page_act(
        request,
        decision=decision,
        work_class=work_class,
        name=name,
        component=component,
        payload=payload,
    )


def _offer_unit(offer) -> str:
    return offer.unit.__name__.replace("_", " ")


def route_roles(route: str) -> tuple[tuple[str, str], ...]:
    """Who may take the step of ``route``: (role, unit of the decision) pairs, as declared."""
    if route in TASK_ROUTES:
        declared = step_of_node(TASK_ROUTES[route][0])
        return tuple(
            (role, _offer_unit(offer)) for offer in declared.offered_to for role in offer.roles
        )
    return PAGE_ROLES[route]
