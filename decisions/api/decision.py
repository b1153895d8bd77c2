"""/api/v1/decisions/: the decisions the caller may see, their initiation, and one POST
sub-route per stage action (``routes``), each with its schema: who may take it (``x-roles`` and
a sentence of its description), its request body, and ``<route>/upload/`` (multipart) for a
step whose page takes files.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.files import is_upload_refusal, upload_refusal
from workflows.api.forms import file_fields, form_has_files, form_request, form_upload_request
from workflows.api.schema import roles_extension, roles_sentence
from workflows.api.views import StaffViewSet, error_response, query_params
from workflows.connections import read_after_commit
from workflows.models import Unit
from workflows.uploads import upload_files

from .. import services
from ..apiserializers import (
    DecisionCreateSerializer,
    DecisionDetailSerializer,
    DecisionQuerySerializer,
    DecisionSerializer,
)
from ..models import Decision
from ..pageapi import DecisionMaterialsMixin
from ..selectors import catalogue_visible_to, decisions_visible_to
from ..steps import step_of_node
from .routes import (
    PAGE_ROUTES,
    TASK_ROUTES,
    _body,
    _camel,
    _open_task,
    _page_act,
    _task_act,
    _task_form,
    route_roles,
)


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
