"""/api/v1/normdocs/: normative documents, and one operation per step of ``normdocs.steps``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.forms import form_data, form_errors, form_serializer
from workflows.api.serializers import UnitBriefSerializer
from workflows.api.views import StaffViewSet, error_response, query_params
from workflows.calendar import CalendarRangeError
from workflows.consultations.api import SubjectConsultationsMixin

from .. import services
from ..models import DocumentVersion, DraftingBody, Filing, NormativeDocument, Status
from ..permissions import (
    documents_visible_to,
    is_drafter_for,
)
from ..rules import RuleRefusal
from ..steps import document_steps, filing, filings

REFUSALS = (RuleRefusal, DjangoValidationError, CalendarRangeError)


def refusal_message(refusal) -> list[str]:
    if isinstance(refusal, DjangoValidationError):
        return [str(m) for m in refusal.messages]
    return [str(refusal)]


# --- representations -------------------------------------------------------------------------


class DraftingBodySerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer()

    class Meta:
        model = DraftingBody
        fields = ["id", "unit", "kind", "issuer_codes"]


class DocumentSerializer(serializers.ModelSerializer):
    drafting_body = DraftingBodySerializer()

    class Meta:
        model = NormativeDocument
        fields = [
            "id",
            "title",
            "status",
            "number",
            "index_number",
            "issuer_code",
            "doc_type",
            "drafting_body",
            "touches_public_interest",
            "amends",
            "created_at",
            "registered_at",
            "published_on",
            "effective_on",
            "valid_until",
            "ended_on",
        ]


class FilingSerializer(serializers.ModelSerializer):
    """One filing of the document, with a government of the installation or a body outside."""

    # One of the two is null: a filing goes to a unit of the installation or to a body outside.
    receiving_unit = serializers.CharField(
        source="receiving_unit.name", default=None, allow_null=True, read_only=True
    )
    receiving_body = serializers.CharField(
        source="receiving_body.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Filing
        fields = [
            "id",
            "receiving_unit",
            "receiving_body",
            "status",
            "due_on",
            "submitted_on",
            "reference",
            "received_on",
            "review_due_on",
            "correction_due_on",
            "outcome_on",
            "outcome_reference",
            "opinion",
        ]


class DocumentVersionSerializer(serializers.ModelSerializer):
    """One version of the text (征求意见稿 → 送审稿 → 修改稿 → 印发稿): its number, kind and
    SHA-256; the text itself is the document's ``text`` for the current version."""

    class Meta:
        model = DocumentVersion
        fields = ["number", "kind", "sha256", "created_at", "note"]


class DocumentDetailSerializer(DocumentSerializer):
    # The filing with the government of the installation (kept for its readers); every
    # filing, in and outside the installation, is in ``filings``.
    filing_status = serializers.SerializerMethodField()
    filings = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "text",
            "legal_basis",
            "cited_laws",
            "immediate_effect_reason",
            "end_reason",
            "filing_status",
            "filings",
            "versions",
        ]

    def get_filing_status(self, document) -> str | None:
        found = filing(document)
        return found.status if found else None

    @extend_schema_field(FilingSerializer(many=True))
    def get_filings(self, document) -> list:
        return FilingSerializer(filings(document), many=True).data

    @extend_schema_field(DocumentVersionSerializer(many=True))
    def get_versions(self, document) -> list:
        # Oldest first; the texts of earlier versions are not loaded (only the current one is
        # given, as ``text``).
        versions = document.versions.order_by("number").defer("text")
        return DocumentVersionSerializer(versions, many=True).data


class DocumentQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    issuer = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="The issuing unit."
    )
    year = serializers.IntegerField(
        min_value=1949, max_value=2200, required=False, help_text="The year of publication."
    )
    number = serializers.CharField(
        max_length=60, required=False, help_text="Part of the document number, e.g. 恰政规〔2022〕."
    )


class DocumentCreateSerializer(serializers.Serializer):
    drafting_body = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=300)
    issuer_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    doc_type = serializers.ChoiceField(choices=[("规", "规"), ("发", "发")], default="规")
    text = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    cited_laws = serializers.CharField(required=False, allow_blank=True)
    touches_public_interest = serializers.BooleanField(required=False, default=False)


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
    )
    def create(self, request):
        """Start a draft (国办发〔2018〕37号 二(一)): only a body on the drafting-body list."""
        serializer = DocumentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
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

    method.__name__ = name
    method.__doc__ = f"{step.name} ({step.source}). Offered to: {', '.join(step.roles)}."
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
    )(method)


for _name in document_steps():
    setattr(DocumentViewSet, _name, _document_method(_name))
