"""/api/v1/decisions/ and /api/v1/tasks/{id}/complete/: the decision procedure by API.

Every stage action is a POST sub-route of a decision. A step of the flow (drafting, the
consultation, the review, the meeting, …) runs through ``decisions.taskapi.task_act`` on the
decision's open task at that step: the page's form, its one service, and the page's
claim-and-finish of the viewflow task. A step outside the flow (hearing, expert opinion,
execution, post-evaluation, adjustment) runs the page's own view code
(``decisions.pageapi.page_act``) likewise. So the API holds no rule of its own: refusals come
from the same services with the same words. A step whose page takes files (the draft's
attachment, the consultation's public attachments) takes JSON at its route and, with the files,
``multipart/form-data`` at its own upload operation ``<route>/upload/``.

Each step operation names who may take it: ``x-roles`` in the schema and a sentence in its
description, from the step's declaration (``decisions.steps``; ``PAGE_ROLES`` for the steps
outside the flow, as their pages' ``may_act`` check them).

The decision's materials (attachments, post-evaluations, consultations) are sub-routes from
``decisions.pageapi``; the serializers are in ``decisions.apiserializers``.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from viewflow.workflow.models import Task

from workflows.api.exceptions import Conflict
from workflows.api.files import is_upload_refusal, upload_refusal
from workflows.api.forms import (
    FieldShape,
    file_fields,
    form_data,
    form_files,
    form_has_files,
    form_request,
    form_upload_request,
    lines_shape,
    shape_field,
)
from workflows.api.routers import router
from workflows.api.schema import roles_extension, roles_sentence
from workflows.api.selectors import tasks_visible
from workflows.api.serializers import TaskSerializer, UnitBriefSerializer
from workflows.api.views import StaffViewSet, error_response, query_params
from workflows.connections import read_after_commit
from workflows.models import Unit
from workflows.permissions import has_role_in_unit
from workflows.tasking import OPEN
from workflows.uploads import upload_files

from . import forms, services, taskapi
from .apiserializers import (
    DecisionCreateSerializer,
    DecisionDetailSerializer,
    DecisionQuerySerializer,
    DecisionSerializer,
    OptionSerializer,
    TaskActResultSerializer,
    TaskCompleteSerializer,
)

# ``ENUM_NAME_OVERRIDES`` (config.settings) names it here.
from .apiserializers import dimension_risk_levels as dimension_risk_levels
from .documents import session_title
from .flows import DecisionFlow
from .models import Decision, DecisionProcess, ExpertProfile, Meeting, Session
from .pageapi import DecisionMaterialsMixin, page_act
from .selectors import catalogue_visible_to, decision_is_visible, decisions_visible_to
from .session_selectors import sessions_visible_to
from .steps import decision_steps, pages, step_of_node
from .steps.base import people_with_role

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
        return self._visible(self.kwargs.get(self.lookup_field))

    def _visible(self, pk=None):
        """The decisions the caller may see; with ``pk`` (a route of one decision, or the
        one just made), that decision's visibility asked of its row alone: the grants and one
        statement, not the three reads a list needs first (issue 22)."""
        return decisions_visible_to(user=self.request.user, pk=pk).select_related(
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
        extensions=roles_extension([("drafter", "lead unit")]),
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
        decision = read_after_commit(lambda: self._visible(pk).get())
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


def _stage_method(route: str, *, upload: bool = False):
    form_class, component = _body(route)
    roles = route_roles(route)
    if route in TASK_ROUTES:
        node, name = TASK_ROUTES[route]
        declared = step_of_node(node)
        summary = f"Step “{declared.key}” ({declared.source}), action “{name}”."
        conflict = "The step is not open, somebody else took its task, or the state moved on."
    else:
        summary = f"{_camel(route)}: a step outside the flow."
        conflict = "The state moved on."
    if upload:
        summary = f"{summary} With its files (multipart/form-data)."

    def method(self, request, pk=None):
        return self._stage_action(request, route)

    method.__name__ = route.replace("-", "_") + ("_upload" if upload else "")
    method.__doc__ = f"{(form_class.__doc__ or '').strip() or summary}\n\n{roles_sentence(roles)}"
    # ``action`` first: it replaces the function's ``kwargs``, where ``extend_schema`` keeps the
    # operation's schema; applied the other way round the request body and the 409 were lost.
    route_kwargs = {"url_path": route, "url_name": route}
    if upload:
        route_kwargs = {
            "url_path": f"{route}/upload",
            "url_name": f"{route}-upload",
            "parser_classes": [MultiPartParser],
        }
    method = action(detail=True, methods=["post"], **route_kwargs)(method)
    responses = {
        200: DecisionDetailSerializer,
        403: error_response("The caller may see the decision but not take this step."),
        409: error_response(conflict),
    }
    if upload:
        responses[400] = error_response(
            "Bad fields, or a file refused by its content (not PDF, DOCX or OFD, larger than "
            "the limit, or named with another type's extension): `errors` names the field."
        )
        request_body = form_upload_request(form_class, name=component)
    else:
        request_body = form_request(form_class, name=component)
    return extend_schema(
        summary=summary,
        request=request_body,
        responses=responses,
        extensions=roles_extension(roles),
    )(method)


for _route in [*TASK_ROUTES, *PAGE_ROUTES]:
    setattr(DecisionViewSet, _route.replace("-", "_"), _stage_method(_route))
    if form_has_files(_body(_route)[0]):
        setattr(
            DecisionViewSet,
            _route.replace("-", "_") + "_upload",
            _stage_method(_route, upload=True),
        )


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
                decisions_visible_to(user=request.user, pk=decision_pk)
                .select_related("lead_unit", "government")
                .get(),
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


# --- what a caller must reference: sessions, the people of a meeting, experts ------------------


class SessionSerializer(serializers.Serializer):
    """A numbered session of a government's executive or plenary meeting (第三十条)."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(
        help_text="As its official papers name it (乌恰县人民政府第N次常务会议)."
    )
    government = UnitBriefSerializer()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Session.Status.choices)
    principal = serializers.IntegerField(source="principal_id", help_text="A person's id.")
    secretary = serializers.IntegerField(source="secretary_id", help_text="A person's id.")
    opened_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_title(self, session) -> str:
        return session_title(session)


class SessionPlanSerializer(serializers.Serializer):
    government = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    held_at = serializers.DateTimeField()
    principal = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The administrative head who chairs it."
    )


class AbsenceSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SessionOpenSerializer(serializers.Serializer):
    """The attendance: every member (``…/members/``) present or absent with the reason."""

    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    )
    absent = AbsenceSerializer(many=True, required=False, default=list)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ExpertSerializer(serializers.Serializer):
    """An expert of the pool (第十九条): ``id`` is what ``experts-choose`` takes."""

    id = serializers.IntegerField()
    person = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.get_full_name")
    fields = serializers.ListField(child=serializers.CharField())
    organisation = serializers.CharField()
    active = serializers.BooleanField()


SECRETARY = (("meeting_secretary", "government"),)
SESSION_STATE_CODES = ("session_open", "session_not_open")


@contextmanager
def _session_state_conflicts():
    """A session no longer (or not yet) in the state for the action: 409, not 400."""
    try:
        yield
    except DjangoValidationError as error:
        codes = {e.code for e in error.error_list}
        if codes & set(SESSION_STATE_CODES):
            code = (codes & set(SESSION_STATE_CODES)).pop()
            raise Conflict(detail=error.messages[0], code=code) from error
        raise


@extend_schema(tags=["sessions"])
class SessionViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Numbered sessions (第三十条) as the sessions page shows them: a decision's ``meeting-schedule``
    takes one of their ids; the secretary plans, opens (with attendance) and concludes them."""

    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    ordering = "-id"

    def visible_queryset(self):
        return sessions_visible_to(self.request.user).select_related("government")

    def _government_session(self, request) -> Session:
        session = self.get_object()
        if not has_role_in_unit(
            user=request.user, role="meeting_secretary", unit=session.government
        ):
            raise PermissionDenied
        return session

    def _answer(self, pk, code=status.HTTP_200_OK):
        session = read_after_commit(lambda: self.visible_queryset().get(pk=pk))
        return Response(SessionSerializer(session).data, status=code)

    @extend_schema(
        request=SessionPlanSerializer,
        responses={
            201: SessionSerializer,
            403: error_response("The caller is not the government's meeting secretary."),
        },
        extensions=roles_extension(SECRETARY),
        description=f"Plan the government's next numbered session.\n\n{roles_sentence(SECRETARY)}",
    )
    def create(self, request):
        body = SessionPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        government = Unit.objects.filter(pk=data["government"]).first()
        principal = get_user_model().objects.filter(pk=data["principal"]).first()
        if government is None:
            raise ValidationError({"government": [_("No such unit.")]})
        if principal is None:
            raise ValidationError({"principal": [_("No such person.")]})
        session = services.session_plan(
            government=government,
            by=request.user,
            kind=data["kind"],
            held_at=data["held_at"],
            principal=principal,
        )
        return self._answer(session.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: MemberSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        """The people eligible for the session's attendance (``open``'s ``present`` and
        ``absent``): the government's meeting members, its chair left out."""
        session = self.get_object()
        people = (
            people_with_role("meeting_member", session.government)
            .exclude(pk=session.principal_id)
            .order_by("pk")
        )
        self.ordering = "id"  # the people in order, as the attendance form lists them
        page = self.paginate_queryset(people)
        return self.get_paginated_response(
            [{"id": p.pk, "username": p.get_username(), "name": p.get_full_name()} for p in page]
        )

    @extend_schema(
        request=SessionOpenSerializer,
        responses={
            200: SessionSerializer,
            403: error_response("The caller is not the government's meeting secretary."),
            409: error_response("The session is open or concluded already."),
        },
        extensions=roles_extension(SECRETARY),
        description="Open the session with its attendance (refused below quorum, 第三十条): "
        f"each item on its agenda gets its deliberation.\n\n{roles_sentence(SECRETARY)}",
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        with _session_state_conflicts():
            return self._open(request)

    def _open(self, request):
        session = self._government_session(request)
        body = SessionOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = [
            *body.validated_data["present"],
            *(a["person"] for a in body.validated_data["absent"]),
        ]
        people = get_user_model().objects.in_bulk(ids)
        unknown = [pk for pk in ids if pk not in people]
        if unknown:
            raise ValidationError({"present": [_("No such person.")]})
        services.session_open(
            session=session,
            by=request.user,
            present=[people[pk] for pk in body.validated_data["present"]],
            absent=[
                (people[a["person"]], a.get("reason", "")) for a in body.validated_data["absent"]
            ],
        )
        return self._answer(session.pk)

    @extend_schema(
        request=None,
        responses={
            200: SessionSerializer,
            400: error_response("An item on the agenda is not decided yet (`items_undecided`)."),
            403: error_response("The caller is not the government's meeting secretary."),
            409: error_response("The session is not in session (planned, or concluded)."),
        },
        extensions=roles_extension(SECRETARY),
        description="Conclude the session once the head has decided every item on its agenda."
        f"\n\n{roles_sentence(SECRETARY)}",
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        session = self._government_session(request)
        with _session_state_conflicts():
            services.session_conclude(session=session, by=request.user)
        return self._answer(session.pk)


@extend_schema(tags=["decisions"])
class ExpertViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The expert pool (第十九条): the ids ``experts-choose`` takes."""

    queryset = ExpertProfile.objects.none()
    serializer_class = ExpertSerializer
    ordering = "id"

    def visible_queryset(self):
        return ExpertProfile.objects.filter(active=True).select_related("user")


router.register("sessions", SessionViewSet, basename="session")
router.register("experts", ExpertViewSet, basename="expert")
