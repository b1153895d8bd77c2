"""/api/v1/cleanups/: cleanup campaigns (清理, 国办发〔2018〕37号 五(十八)), their items and the
drafting bodies' verdicts."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.forms import form_data, form_errors, form_serializer
from workflows.api.schema import roles_extension
from workflows.api.serializers import UnitBriefSerializer
from workflows.api.views import StaffViewSet, error_response

from .. import forms, selectors, services
from ..models import CleanupCampaign, CleanupItem, DraftingBody
from ..permissions import (
    is_drafter_for,
    is_legal_affairs_officer_for,
)
from .documents import REFUSALS, refusal_message


class CleanupScopeSerializer(serializers.Serializer):
    """Which in-force documents a campaign covers (every key optional, combined with AND)."""

    drafting_bodies = serializers.ListField(child=serializers.IntegerField(), required=False)
    issuer_codes = serializers.ListField(child=serializers.CharField(), required=False)
    published_from = serializers.DateField(required=False)
    published_to = serializers.DateField(required=False)
    keyword = serializers.CharField(required=False)
    documents = serializers.ListField(child=serializers.IntegerField(), required=False)


class CleanupSerializer(serializers.ModelSerializer):
    government = UnitBriefSerializer()
    scope = CleanupScopeSerializer(read_only=True)

    class Meta:
        model = CleanupCampaign
        fields = [
            "id",
            "kind",
            "title",
            "government",
            "scope",
            "status",
            "opened_on",
            "due_on",
            "closed_at",
            "results_published_on",
        ]


class CleanupItemSerializer(serializers.ModelSerializer):
    """One document of the campaign's scope (fixed when it opened) with its verdict; ``id`` is
    the verdict's and null while the document is undecided. Decide it by ``document``."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    document_title = serializers.CharField(source="document.title")
    document_number = serializers.CharField(source="document.number", allow_null=True)

    class Meta:
        model = CleanupItem
        fields = [
            "id",
            "document",
            "document_title",
            "document_number",
            "status",
            "outcome",
            "reason",
            "decided_at",
        ]


# --- cleanup campaigns -----------------------------------------------------------------------


class CommaListField(serializers.ListField):
    """An array; a comma-separated string (the type before version 1.1) is still read."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


class CleanupOpenSerializer(serializers.Serializer):
    """A special or dynamic cleanup, scoped by a filter (37号 五(十八))."""

    kind = serializers.ChoiceField(
        choices=[c for c in CleanupCampaign.Kind.choices if c[0] != CleanupCampaign.Kind.REGULAR]
    )
    government = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=300)
    keyword = serializers.CharField(required=False, allow_blank=True, max_length=200)
    issuer_codes = CommaListField(
        child=serializers.CharField(max_length=20), required=False, max_length=25
    )
    published_from = serializers.DateField(required=False, allow_null=True)
    published_to = serializers.DateField(required=False, allow_null=True)
    documents = CommaListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=200,
    )


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
        extensions=roles_extension([("legal_advisor", "government")]),
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
        for key in ("issuer_codes", "documents"):  # the page's comma-separated text
            if key in data:
                data[key] = ",".join(str(v) for v in data[key])
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
            raise ValidationError({"non_field_errors": refusal_message(refusal)}) from refusal
        return Response(
            CleanupSerializer(self.visible_queryset().get(pk=campaign.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: CleanupItemSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The campaign's review items, one per document of its scope (fixed when it opened),
        by document id: the verdict, or status ``undecided`` with a null ``id``."""
        campaign = self.get_object()
        page = self.paginate_queryset(selectors.cleanup_documents(campaign).order_by("pk"))
        entries = selectors.cleanup_entries(campaign, page)
        return self.get_paginated_response(CleanupItemSerializer(entries, many=True).data)

    @extend_schema(
        request=form_serializer(forms.CleanupDecideForm, name="CleanupDecideRequest"),
        responses={
            200: CleanupItemSerializer,
            403: error_response("Only the item's drafting body decides it (谁制定谁清理)."),
            409: error_response("The campaign is closed or the item was decided meanwhile."),
        },
        extensions=roles_extension(
            [("drafter", "drafting body's unit"), ("unit_head", "drafting body's unit")]
        ),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Decide one document of the campaign's scope, named by its id in ``document``:
        continue, amend, repeal or declare invalid, with a reason (国办发〔2018〕37号 五(十八)).
        Deciding it again while the campaign is open revises the verdict."""
        campaign = self.get_object()
        data = form_data(forms.CleanupDecideForm, request.data, name="CleanupDecideRequest")
        form = forms.CleanupDecideForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        assignment = selectors.share_holding(
            campaign=campaign, document=form.cleaned_data["document"]
        )
        if assignment is None:
            raise NotFound()
        if not is_drafter_for(user=request.user, body=assignment.drafting_body):
            raise PermissionDenied
        if campaign.is_closed:
            raise Conflict(detail=_("The campaign is closed."), code="closed")
        try:
            item = services.cleanup_item_decide(
                campaign=campaign,
                document=form.cleaned_data["document"],
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": refusal_message(refusal)}) from refusal
        return Response(CleanupItemSerializer(CleanupItem.objects.get(pk=item.pk)).data)

    @extend_schema(
        request=form_serializer(forms.CleanupCloseForm, name="CleanupCloseRequest"),
        responses={
            200: CleanupSerializer,
            403: error_response("Only a legal-affairs officer of the government closes it."),
            409: error_response("The campaign is already closed."),
        },
        extensions=roles_extension([("legal_advisor", "government")]),
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the campaign and publish its result lists; outcomes apply to the documents."""
        campaign = self.get_object()
        data = form_data(forms.CleanupCloseForm, request.data, name="CleanupCloseRequest")
        if not is_legal_affairs_officer_for(user=request.user, government=campaign.government):
            raise PermissionDenied
        if campaign.is_closed:
            raise Conflict(detail=_("The campaign is already closed."), code="closed")
        form = forms.CleanupCloseForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        try:
            services.cleanup_close(
                campaign=campaign, by=request.user, published_on=form.cleaned_data["published_on"]
            )
        except REFUSALS as refusal:
            raise ValidationError({"non_field_errors": refusal_message(refusal)}) from refusal
        return Response(CleanupSerializer(self.visible_queryset().get(pk=campaign.pk)).data)
