"""/api/v1/normdocs/ and /api/v1/cleanups/: normative documents, filings and cleanups by API.

Each document action is one step declared in ``normdocs.steps``, as the staff page reads it:
the same form parses its fields and the same single service runs. The page shows only the
actions open to the reader; the API says why one is not: 403 when the caller's roles never
allow it on this document, 409 when they do but the document is not in a state for it.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.forms import form_data, form_errors, form_serializer
from workflows.api.routers import router
from workflows.api.serializers import UnitBriefSerializer
from workflows.api.views import StaffViewSet, error_response, query_params, visible_object_or_404
from workflows.calendar import CalendarRangeError
from workflows.consultations.api import SubjectConsultationsMixin

from . import forms, services
from .models import CleanupCampaign, CleanupItem, DraftingBody, Filing, NormativeDocument, Status
from .permissions import (
    documents_visible_to,
    is_drafter_for,
    is_legal_affairs_officer_for,
)
from .rules import RuleRefusal
from .steps import document_steps

REFUSALS = (RuleRefusal, DjangoValidationError, CalendarRangeError)


def _refusal_message(refusal) -> list[str]:
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


class DocumentDetailSerializer(DocumentSerializer):
    filing_status = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "text",
            "legal_basis",
            "cited_laws",
            "immediate_effect_reason",
            "end_reason",
            "filing_status",
        ]

    def get_filing_status(self, document) -> str | None:
        filing = Filing.objects.filter(document=document).only("status").first()
        return filing.status if filing else None


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


class CleanupSerializer(serializers.ModelSerializer):
    government = UnitBriefSerializer()

    class Meta:
        model = CleanupCampaign
        fields = [
            "id",
            "kind",
            "title",
            "government",
            "scope",
            "opened_on",
            "due_on",
            "closed_at",
            "results_published_on",
        ]


class CleanupItemSerializer(serializers.ModelSerializer):
    document_title = serializers.CharField(source="document.title")
    document_number = serializers.CharField(source="document.number", allow_null=True)

    class Meta:
        model = CleanupItem
        fields = [
            "id",
            "document",
            "document_title",
            "document_number",
            "outcome",
            "reason",
            "decided_at",
        ]


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
        return documents_visible_to(self.request.user).select_related("drafting_body__unit")

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
            raise ValidationError({"non_field_errors": _refusal_message(refusal)}) from refusal
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
                raise Conflict(detail=_refusal_message(refusal)[0], code="wrong_state") from None
            raise ValidationError({"non_field_errors": _refusal_message(refusal)}) from refusal
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


# --- cleanup campaigns -----------------------------------------------------------------------


class CleanupOpenSerializer(serializers.Serializer):
    """A special or dynamic cleanup, scoped by a filter (37号 五(十八))."""

    kind = serializers.ChoiceField(
        choices=[c for c in CleanupCampaign.Kind.choices if c[0] != CleanupCampaign.Kind.REGULAR]
    )
    government = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=300)
    keyword = serializers.CharField(required=False, allow_blank=True, max_length=200)
    issuer_codes = serializers.CharField(required=False, allow_blank=True, max_length=500)
    published_from = serializers.DateField(required=False, allow_null=True)
    published_to = serializers.DateField(required=False, allow_null=True)
    documents = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema(tags=["cleanups"])
class CleanupViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Cleanup campaigns (every member of staff sees them, as on the staff page)."""

    queryset = CleanupCampaign.objects.none()
    serializer_class = CleanupSerializer
    ordering = "-id"

    def visible_queryset(self):
        return CleanupCampaign.objects.select_related("government")

    @extend_schema(
        request=CleanupOpenSerializer,
        responses={
            201: CleanupSerializer,
            403: error_response("Only a legal-affairs officer of the government opens one."),
        },
    )
    def create(self, request):
        """Open a special or dynamic cleanup: one review item per in-force document in scope."""
        serializer = CleanupOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        government = DraftingBody.objects.filter(
            unit_id=data.pop("government"), kind=DraftingBody.Kind.GOVERNMENT
        ).select_related("unit")
        government = government.first()
        if government is None:
            raise ValidationError({"government": [_("No such government.")]})
        if not is_legal_affairs_officer_for(user=request.user, government=government.unit):
            raise PermissionDenied
        form = forms.CleanupOpenForm(data={k: v for k, v in data.items() if v is not None})
        if not form.is_valid():
            raise form_errors(form)
        try:
            campaign = services.cleanup_open(
                kind=form.cleaned_data["kind"],
                government=government.unit,
                by=request.user,
                title=form.cleaned_data["title"],
                scope=form.scope(),
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": _refusal_message(refusal)}) from refusal
        return Response(
            CleanupSerializer(self.visible_queryset().get(pk=campaign.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: CleanupItemSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The campaign's review items, one per document in scope."""
        campaign = self.get_object()
        items = campaign.items.select_related("document")
        page = self.paginate_queryset(items)
        return self.get_paginated_response(CleanupItemSerializer(page, many=True).data)

    @extend_schema(
        request=form_serializer(forms.CleanupDecideForm, name="CleanupDecideRequest"),
        responses={
            200: CleanupItemSerializer,
            403: error_response("Only the item's drafting body decides it (谁制定谁清理)."),
            409: error_response("The campaign is closed or the item was decided meanwhile."),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Decide one item: continue, amend, repeal or declare invalid, with a reason."""
        campaign = self.get_object()
        data = form_data(forms.CleanupDecideForm, request.data, name="CleanupDecideRequest")
        form = forms.CleanupDecideForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        item = visible_object_or_404(
            CleanupItem.objects.select_related("assignment__drafting_body__unit"),
            pk=form.cleaned_data["item"],
            campaign=campaign,
        )
        if not is_drafter_for(user=request.user, body=item.assignment.drafting_body):
            raise PermissionDenied
        if campaign.closed_at:
            raise Conflict(detail=_("The campaign is closed."), code="closed")
        try:
            item = services.cleanup_item_decide(
                item=item,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": _refusal_message(refusal)}) from refusal
        return Response(CleanupItemSerializer(CleanupItem.objects.get(pk=item.pk)).data)

    @extend_schema(
        request=form_serializer(forms.CleanupCloseForm, name="CleanupCloseRequest"),
        responses={
            200: CleanupSerializer,
            403: error_response("Only a legal-affairs officer of the government closes it."),
            409: error_response("The campaign is already closed."),
        },
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the campaign and publish its result lists; outcomes apply to the documents."""
        campaign = self.get_object()
        data = form_data(forms.CleanupCloseForm, request.data, name="CleanupCloseRequest")
        if not is_legal_affairs_officer_for(user=request.user, government=campaign.government):
            raise PermissionDenied
        if campaign.closed_at:
            raise Conflict(detail=_("The campaign is already closed."), code="closed")
        form = forms.CleanupCloseForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        try:
            services.cleanup_close(
                campaign=campaign, by=request.user, published_on=form.cleaned_data["published_on"]
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": _refusal_message(refusal)}) from refusal
        return Response(CleanupSerializer(self.visible_queryset().get(pk=campaign.pk)).data)


router.register("normdocs", DocumentViewSet, basename="normdoc")
router.register("cleanups", CleanupViewSet, basename="cleanup")
