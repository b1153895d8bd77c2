"""/api/v1/normdocs/: normative documents, and one operation per step of ``normdocs.steps``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.forms import form_data, form_errors, form_serializer, lines_shape, shape_field
from workflows.api.schema import roles_extension, roles_sentence
from workflows.api.views import StaffViewSet, error_response, query_params
from workflows.calendar import CalendarRangeError
from workflows.consultations.api import SubjectConsultationsMixin

from .. import forms, services
from ..models import DraftingBody, NormativeDocument
from ..permissions import (
    documents_visible_to,
    is_drafter_for,
)
from ..rules import RuleRefusal
from ..steps import document_steps
from .serializers import (
    DOC_TYPES,
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentQuerySerializer,
    DocumentSerializer,
    DraftingBodySerializer,
)

REFUSALS = (RuleRefusal, DjangoValidationError, CalendarRangeError)

# The legal basis is an array of strings wherever the API takes or gives it (decisions too).
shape_field(forms.SubmitReviewForm, "legal_basis", lines_shape(max_length=50_000))


def refusal_message(refusal) -> list[str]:
    """The refusal's messages, each with the refusal's code (the error body's ``code``)."""
    if isinstance(refusal, DjangoValidationError):
        return [
            ErrorDetail(str(message), code=error.code or "invalid")
            for error in refusal.error_list
            for message in error.messages
        ]
    return [ErrorDetail(str(refusal), code=getattr(refusal, "code", None) or "invalid")]


# --- documents -------------------------------------------------------------------------------


@extend_schema(tags=["normative documents"])
class DocumentViewSet(
    SubjectConsultationsMixin, StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """The register: published documents for all staff, drafts only for their issuing unit.
    ``{id}/consultations/``: a draft's public consultations (令第218号), for whoever sees it."""

    queryset = NormativeDocument.objects.none()
    ordering = "-id"

    def get_serializer_class(self):
        return DocumentSerializer if self.action == "list" else DocumentDetailSerializer

    def visible_queryset(self):
        return (
            documents_visible_to(self.request.user)
            .select_related("drafting_body__unit")
            .prefetch_related("filings__receiving_unit", "filings__receiving_body")
        )

    def list_queryset(self):
        params = query_params(DocumentQuerySerializer, self.request)
        documents = self.visible_queryset()
        if "status" in params:
            documents = documents.filter(status=params["status"])
        if "issuer" in params:
            documents = documents.filter(drafting_body__unit_id=params["issuer"])
        if "year" in params:
            documents = documents.filter(published_on__year=params["year"])
        if params.get("number"):
            documents = documents.filter(number__contains=params["number"])
        return documents

    @extend_schema(parameters=[DocumentQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=DocumentCreateSerializer,
        responses={
            201: DocumentDetailSerializer,
            403: error_response("The caller is not a drafter of the drafting body."),
        },
        extensions=roles_extension([("drafter", "drafting body's unit")]),
    )
    def create(self, request):
        """Start a draft (国办发〔2018〕37号 二(一)): only a body on the drafting-body list."""
        serializer = DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["doc_type"] = DOC_TYPES[data["doc_type"]]
        if "legal_basis" in data:
            data["legal_basis"] = "\n".join(data["legal_basis"])
        body = DraftingBody.objects.select_related("unit").filter(pk=data.pop("drafting_body"))
        body = body.first()
        if body is None:
            raise ValidationError({"drafting_body": [_("No such drafting body.")]})
        if not is_drafter_for(user=request.user, body=body):
            raise PermissionDenied
        try:
            document = services.normdoc_create(
                by=request.user, drafting_body=body, **{k: v for k, v in data.items() if v != ""}
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": refusal_message(refusal)}) from refusal
        # Not through visible_queryset(): the caller just created it as a drafter of the body,
        # which a superuser is for every body without belonging to the issuing unit (so
        # documents_visible_to() does not list it for them).
        document = NormativeDocument.objects.select_related("drafting_body__unit").get(
            pk=document.pk
        )
        return Response(DocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)

    def _act(self, request, name: str):
        document = self.get_object()
        step = document_steps()[name]
        entry = step.actions[name]
        if not step.allows(request.user, document):
            if step.is_offered_to(request.user, document):
                raise Conflict(
                    detail=_("This action does not apply to the document in its current state."),
                    code="wrong_state",
                )
            raise PermissionDenied
        data = form_data(entry.form, request.data, name=_component(name), prefix=name)
        form = entry.form(data=data, prefix=name)
        if not form.is_valid():
            raise form_errors(form)
        try:
            entry.run(document, request.user, form.cleaned_data, form)
        except REFUSALS as refusal:
            fresh = self.visible_queryset().get(pk=document.pk)
            if not step.allows(request.user, fresh):  # somebody moved it on meanwhile
                raise Conflict(detail=refusal_message(refusal)[0], code="wrong_state") from None
            raise ValidationError({"non_field_errors": refusal_message(refusal)}) from refusal
        return Response(DocumentDetailSerializer(self.visible_queryset().get(pk=document.pk)).data)


def _component(name: str) -> str:
    return "Normdoc" + "".join(p.capitalize() for p in name.split("_")) + "Request"


def _document_method(name: str):
    step = document_steps()[name]
    entry = step.actions[name]

    def method(self, request, pk=None):
        return self._act(request, name)

    roles = [
        (role, offer.unit.__name__.replace("_", " "))
        for offer in step.offered_to
        for role in offer.roles
    ]
    method.__name__ = name
    method.__doc__ = f"{step.name} ({step.source}).\n\n{roles_sentence(roles)}"
    # ``action`` first: it replaces the function's ``kwargs``, where ``extend_schema`` keeps the
    # operation's schema; applied the other way round the request body and the 409 were lost.
    method = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(method)
    return extend_schema(
        summary=str(step.name),
        request=form_serializer(entry.form, name=_component(name)),
        responses={
            200: DocumentDetailSerializer,
            403: error_response("The caller's roles do not allow this on the document."),
            409: error_response("The document is not in a state for this action."),
        },
        extensions=roles_extension(roles),
    )(method)


for _name in document_steps():
    setattr(DocumentViewSet, _name, _document_method(_name))


@extend_schema(tags=["normative documents"])
class DraftingBodyViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The drafting-body list (制定主体清单, 国办发〔2018〕37号 二(一)): the ids ``POST /normdocs/``
    takes as ``drafting_body`` (they differ from the units' ids). Every member of staff sees
    it, as the staff pages do."""

    queryset = DraftingBody.objects.none()
    serializer_class = DraftingBodySerializer
    ordering = "id"

    def visible_queryset(self):
        return DraftingBody.objects.select_related("unit")
