"""/api/v1/decisions/ and /api/v1/tasks/{id}/complete/: the decision procedure by API.

Every stage action is a POST sub-route of a decision. A step of the flow (drafting, the
consultation, the review, the meeting, …) runs through ``decisions.taskapi.task_act`` on the
decision's open task at that step: the page's form, its one service, and the page's
claim-and-finish of the viewflow task. A step outside the flow (hearing, expert opinion,
execution, post-evaluation, adjustment) runs the page's own view code
(``decisions.pageapi.page_act``) likewise. So the API holds no rule of its own: refusals come
from the same services with the same words. A step whose page takes files (the draft's
attachment, the consultation's public attachments) takes them as ``multipart/form-data``.

The decision's materials (attachments, post-evaluations, consultations) are sub-routes from
``decisions.pageapi``; the serializers are in ``decisions.apiserializers``.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from viewflow.workflow.models import Task

from workflows.api.exceptions import Conflict
from workflows.api.files import is_upload_refusal, upload_refusal
from workflows.api.forms import file_fields, form_data, form_files, form_has_files, form_request
from workflows.api.routers import router
from workflows.api.selectors import tasks_visible
from workflows.api.serializers import TaskSerializer
from workflows.api.views import StaffViewSet, error_response, query_params
from workflows.connections import read_after_commit
from workflows.models import Unit
from workflows.tasking import OPEN
from workflows.uploads import upload_files

from . import services, taskapi
from .apiserializers import (
    DecisionCreateSerializer,
    DecisionDetailSerializer,
    DecisionQuerySerializer,
    DecisionSerializer,
    TaskActResultSerializer,
    TaskCompleteSerializer,
)

# ``ENUM_NAME_OVERRIDES`` (config.settings) names it here.
from .apiserializers import dimension_risk_levels as dimension_risk_levels
from .flows import DecisionFlow
from .models import Decision, DecisionProcess
from .pageapi import DecisionMaterialsMixin, page_act
from .selectors import catalogue_visible_to, decision_is_visible, decisions_visible_to
from .steps import decision_steps, pages, step_of_node

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


# --- the viewset ---------------------------------------------------------------------------------


@extend_schema(tags=["decisions"])
class DecisionViewSet(
    DecisionMaterialsMixin, StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Major administrative decisions the caller may see (another unit's are a 404)."""

    queryset = Decision.objects.none()
    ordering = "-id"

    def get_serializer_class(self):
        return DecisionDetailSerializer if self.action != "list" else DecisionSerializer

    def visible_queryset(self):
        return decisions_visible_to(user=self.request.user).select_related(
            "lead_unit", "government"
        )

    def list_queryset(self):
        params = query_params(DecisionQuerySerializer, self.request)
        decisions = self.visible_queryset()
        if "stage" in params:
            decisions = decisions.filter(stage=params["stage"])
        if "unit" in params:
            decisions = decisions.filter(lead_unit_id=params["unit"])
        if "year" in params:
            decisions = decisions.filter(created_at__year=params["year"])
        return decisions

    @extend_schema(parameters=[DecisionQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=DecisionCreateSerializer,
        responses={
            201: DecisionDetailSerializer,
            403: error_response("The caller is not a drafter of the lead unit."),
        },
    )
    def create(self, request):
        """Initiate a decision and start its process: the drafting task goes to the lead
        unit's drafters (第十条、第十一条)."""
        serializer = DecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lead_unit = Unit.objects.filter(pk=data.pop("lead_unit")).first()
        if lead_unit is None:
            raise ValidationError({"lead_unit": [_("No such unit.")]})
        item_pk = data.pop("catalogue_item", None)
        item = None
        if item_pk is not None:
            item = catalogue_visible_to(user=request.user).filter(pk=item_pk).first()
            if item is None:
                raise ValidationError({"catalogue_item": [_("No such catalogue item.")]})
        pk = services.decision_start(
            by=request.user, lead_unit=lead_unit, catalogue_item=item, **data
        ).pk
        decision = read_after_commit(lambda: self.visible_queryset().get(pk=pk))
        return Response(DecisionDetailSerializer(decision).data, status=status.HTTP_201_CREATED)

    def _stage_action(self, request, route: str):
        decision = self.get_object()
        if route in PAGE_ROUTES:
            _page_act(request, decision, route, request.data)
            pk = decision.pk
            return Response(
                DecisionDetailSerializer(
                    read_after_commit(lambda: self.visible_queryset().get(pk=pk))
                ).data
            )
        node, name = TASK_ROUTES[route]
        task = _open_task(decision, node)
        if task is None:
            raise Conflict(
                detail=_("This step is not open for the decision now."), code="step_not_open"
            )
        try:
            _task_act(request, task, name, request.data, files=upload_files(request))
        except DjangoValidationError as error:
            uploads = list(file_fields(_task_form(route)))
            if len(uploads) == 1 and is_upload_refusal(error):  # a file refused by its content
                raise upload_refusal(error, field=uploads[0]) from error
            raise
        pk = decision.pk
        return Response(
            DecisionDetailSerializer(
                read_after_commit(lambda: self.visible_queryset().get(pk=pk))
            ).data
        )


def _stage_method(route: str):
    form_class, component = _body(route)
    if route in TASK_ROUTES:
        node, name = TASK_ROUTES[route]
        declared = step_of_node(node)
        summary = (
            f"Step “{declared.key}” ({declared.source}), action “{name}”; offered to: "
            f"{', '.join(declared.roles)}."
        )
        conflict = "The step is not open, somebody else took its task, or the state moved on."
    else:
        summary = f"{_camel(route)}: a step outside the flow."
        conflict = "The state moved on."

    def method(self, request, pk=None):
        return self._stage_action(request, route)

    method.__name__ = route.replace("-", "_")
    method.__doc__ = (form_class.__doc__ or "").strip() or summary
    # ``action`` first: it replaces the function's ``kwargs``, where ``extend_schema`` keeps the
    # operation's schema; applied the other way round the request body and the 409 were lost.
    method = action(detail=True, methods=["post"], url_path=route, url_name=route)(method)
    responses = {
        200: DecisionDetailSerializer,
        403: error_response("The caller may see the decision but not take this step."),
        409: error_response(conflict),
    }
    if form_has_files(form_class):
        responses[400] = error_response(
            "Bad fields, or a file refused by its content (not PDF, DOCX or OFD, larger than "
            "the limit, or named with another type's extension): `errors` names the field."
        )
        responses[415] = error_response("The body is neither JSON nor multipart/form-data.")
    return extend_schema(
        summary=summary, request=form_request(form_class, name=component), responses=responses
    )(method)


for _route in [*TASK_ROUTES, *PAGE_ROUTES]:
    setattr(DecisionViewSet, _route.replace("-", "_"), _stage_method(_route))


# --- completing a task of either process ------------------------------------------------------


@extend_schema(tags=["tasks"])
class TaskCompleteViewSet(StaffViewSet):
    """POST /tasks/{id}/complete/: act on a task with its page's payload."""

    queryset = Task.objects.none()
    serializer_class = TaskActResultSerializer

    def visible_queryset(self):
        return tasks_visible(user=self.request.user)

    @extend_schema(
        request=TaskCompleteSerializer,
        responses={
            200: TaskActResultSerializer,
            400: error_response("Bad action or fields; `errors` names them (data.<field>)."),
            403: error_response("The task is open but not offered to you."),
            409: error_response("The task was completed or taken by somebody else first."),
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Perform one action of the task's page (``action``) with its fields (``data``),
        exactly as the page does: the same service, and the task finishes when the step is
        done. Of simultaneous completions exactly one wins; the others get 409."""
        task = self.get_object()
        decision = Decision.objects.filter(process__pk=task.process_id).first()
        if not taskapi.is_decision_task(task) or decision is None:
            raise ValidationError(
                {"non_field_errors": [_("This task cannot be completed through the API.")]}
            )
        if not decision_is_visible(user=request.user, decision=decision):
            raise NotFound()
        serializer = TaskCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["action"]
        if name not in taskapi.task_actions(task.flow_task):
            raise ValidationError(
                {"action": [_("This task has no action “%(name)s”.") % {"name": name}]}
            )
        try:
            done = _task_act(request, task, name, serializer.validated_data["data"])
        except ValidationError as error:  # the fields of ``data``, named as such
            raise ValidationError({"data": error.detail}) from error
        task_pk, decision_pk = task.pk, decision.pk
        task, decision = read_after_commit(
            lambda: (
                self.visible_queryset().get(pk=task_pk),
                decisions_visible_to(user=request.user)
                .select_related("lead_unit", "government")
                .get(pk=decision_pk),
            )
        )
        return Response(
            {
                "done": done,
                "task": TaskSerializer(task).data,
                "decision": DecisionSerializer(decision).data,
            }
        )


router.register("decisions", DecisionViewSet, basename="decision")
router.register("tasks", TaskCompleteViewSet, basename="task-complete")
