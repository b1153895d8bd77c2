"""/api/v1/consultations/ and /api/v1/public/consultations/: public comment by API.

Staff read a consultation with every comment (contacts included) and dispose of or hide
comments when the subject's moderation policy lets them — the same answer as the staff
moderation page (``moderation.moderation_policy_for``). Whoever may not view it gets a 404. The public lists open
consultations and comments without logging in, rate-limited; a contact is never returned.
The attachments published with a consultation (第十四条) are listed with it and downloadable
wherever the consultation is: by its staff, and by the public while it is open.

A subject's viewset (decisions, normative documents) lists the subject's consultations for
everybody who may see the subject with ``SubjectConsultationsMixin``.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from workflows.api.exceptions import PayloadTooLarge
from workflows.api.files import StoredFileSerializer, download_responses, file_download
from workflows.api.pagination import CursorPage
from workflows.api.routers import router
from workflows.api.schema import roles_extension
from workflows.api.throttling import PUBLIC_API, LimitsThrottle, PublicRateThrottle
from workflows.api.views import StaffViewSet, error_response, visible_object_or_404
from workflows.public.guards import HONEYPOT_FIELD, body_too_large, max_body_bytes

from .limits import COMMENT_LIMITS
from .models import Comment, Consultation, ConsultationAttachment, Disposition
from .moderation import moderation_policy_for
from .selectors import comments_public, consultations_for_subject, consultations_open_now
from .services import comment_dispose, comment_hide, comment_submit


class DispositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disposition
        fields = ["outcome", "reason", "decided_at"]


class StaffCommentSerializer(serializers.ModelSerializer):
    disposition = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "name",
            "show_name",
            "contact",
            "text",
            "paragraph_ref",
            "submitted_at",
            "hidden",
            "hidden_reason",
            "disposition",
        ]

    @extend_schema_field(DispositionSerializer(allow_null=True))
    def get_disposition(self, comment) -> dict | None:
        try:
            return DispositionSerializer(comment.disposition).data
        except ObjectDoesNotExist:
            return None


class ConsultationAttachmentSerializer(StoredFileSerializer):
    """A document published with the consultation (download it under
    ``…/consultations/{id}/attachments/{attachment_id}/``)."""


class ConsultationSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    attachments = ConsultationAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "subject",
            "title",
            "opens_at",
            "closes_at",
            "minimum_days",
            "legal_source",
            "short_period_reason",
            "status",
            "closed_at",
            "finished_at",
            "attachments",
        ]

    def get_subject(self, consultation) -> str:
        ct = consultation.subject_type
        return f"{ct.app_label}.{ct.model}:{consultation.subject_id}"


def with_attachments(consultations):
    """``consultations`` with what ``ConsultationSerializer`` reads, in a constant number of
    queries however many there are."""
    return consultations.select_related("subject_type").prefetch_related("attachments")


def _attachment_download(consultation: Consultation, attachment_id):
    attachment = visible_object_or_404(
        ConsultationAttachment.objects.all(), pk=attachment_id, consultation=consultation
    )
    return file_download(
        file=attachment.file,
        name=attachment.original_name,
        file_type=attachment.file_type,
        sha256=attachment.sha256,
    )


_DOWNLOAD = {
    "responses": {
        **download_responses("The file, as published with the consultation."),
        404: error_response("No such attachment of a consultation the caller may see."),
    }
}
_DOWNLOAD_ROUTE = {
    "detail": True,
    "methods": ["get"],
    "url_path": "attachments/<int:attachment_id>",
    "url_name": "attachment",
}


class SubjectConsultationSerializer(ConsultationSerializer):
    comment_count = serializers.IntegerField(help_text="Comments received, hidden ones too.")

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "comment_count"]


class SubjectConsultationsMixin:
    """``GET …/{id}/consultations/`` on a subject's viewset: the subject's public consultations,
    newest first, for whoever may see the subject (``get_object``: else a 404). The comments
    themselves, with contacts, stay with the staff handling them (``/consultations/{id}/``)."""

    @extend_schema(responses={200: SubjectConsultationSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="consultations", url_name="consultations")
    def consultations(self, request, pk=None):
        """The public consultations on this subject (第十四条、第十五条)."""
        subject = self.get_object()
        consultations = with_attachments(consultations_for_subject(subject=subject)).annotate(
            comment_count=Count("comments")
        )
        page = self.paginate_queryset(consultations)
        return self.get_paginated_response(SubjectConsultationSerializer(page, many=True).data)


class StaffConsultationSerializer(ConsultationSerializer):
    comments = serializers.SerializerMethodField()

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "draft_text", "adoption_report", "comments"]

    @extend_schema_field(StaffCommentSerializer(many=True))
    def get_comments(self, consultation) -> list[dict]:
        comments = consultation.comments.select_related("disposition").order_by("pk")
        return StaffCommentSerializer(comments, many=True).data


class CommentChoiceSerializer(serializers.Serializer):
    comment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class DisposeSerializer(CommentChoiceSerializer):
    outcome = serializers.ChoiceField(choices=Disposition.Outcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class HideSerializer(CommentChoiceSerializer):
    reason = serializers.CharField(max_length=5000)


def _policy_allows(check: str, user, consultation: Consultation) -> bool:
    subject = consultation.subject
    return subject is not None and getattr(moderation_policy_for(consultation), check)(
        user, subject
    )


@extend_schema(tags=["consultations"])
class ConsultationViewSet(StaffViewSet, mixins.RetrieveModelMixin):
    """A consultation with every comment, for the staff handling its subject."""

    queryset = Consultation.objects.none()
    serializer_class = StaffConsultationSerializer

    def visible_queryset(self):
        return with_attachments(Consultation.objects.all())

    def get_object(self):
        consultation = super().get_object()
        if not _policy_allows("may_view", self.request.user, consultation):
            raise NotFound()
        return consultation

    def _comment(self, consultation, pk) -> Comment:
        return visible_object_or_404(
            Comment.objects.select_related("consultation__subject_type"),
            pk=pk,
            consultation=consultation,
        )

    @extend_schema(
        request=DisposeSerializer,
        responses={
            200: StaffCommentSerializer,
            403: error_response("The caller may read the comments but not handle them."),
        },
        extensions=roles_extension([("drafter", "unit that drafts the subject")]),
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """Adopted, partly adopted or not adopted, with a reason when not fully adopted (第十五条)."""
        consultation = self.get_object()
        body = DisposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not _policy_allows("may_hide", request.user, consultation):
            raise PermissionDenied
        comment = self._comment(consultation, body.validated_data["comment"])
        comment_dispose(
            comment=comment,
            by=request.user,
            outcome=body.validated_data["outcome"],
            reason=body.validated_data.get("reason", ""),
        )
        return Response(StaffCommentSerializer(Comment.objects.get(pk=comment.pk)).data)

    @extend_schema(
        request=HideSerializer,
        responses={
            200: StaffCommentSerializer,
            403: error_response("The caller may read the comments but not hide them."),
        },
        extensions=roles_extension([("drafter", "unit that drafts the subject")]),
    )
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a comment from the public page, with a reason; it is never deleted."""
        consultation = self.get_object()
        body = HideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not _policy_allows("may_hide", request.user, consultation):
            raise PermissionDenied
        comment = self._comment(consultation, body.validated_data["comment"])
        comment_hide(comment=comment, by=request.user, reason=body.validated_data["reason"])
        return Response(StaffCommentSerializer(Comment.objects.get(pk=comment.pk)).data)

    @extend_schema(**_DOWNLOAD)
    @action(**_DOWNLOAD_ROUTE)
    def attachment(self, request, pk=None, attachment_id=None):
        """Download an attachment of the consultation (staff: whatever its status)."""
        return _attachment_download(self.get_object(), attachment_id)


# --- public -----------------------------------------------------------------------------------


class PublicCommentSerializer(serializers.ModelSerializer):
    """A comment as the public sees it: the name only when its author chose to show it."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "name", "text", "paragraph_ref", "submitted_at"]

    def get_name(self, comment) -> str:
        return comment.name if comment.show_name else ""


class CommentSubmitSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=Comment._meta.get_field("text").max_length)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Never published."
    )
    paragraph_ref = serializers.CharField(required=False, allow_blank=True, max_length=100)
    show_name = serializers.BooleanField(required=False, default=False)
    # The portal form's honeypot, here too: people's clients never fill it.
    website = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Leave empty.",
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.validated_data.get(HONEYPOT_FIELD))


class CommentThrottle(LimitsThrottle):
    """A public comment counts against the public API's rate, then against the comment limits
    the portal's form counts too (``limits``): one allowance, whichever face is used."""

    limits = (PUBLIC_API, *COMMENT_LIMITS)


@extend_schema(tags=["public"], auth=[])
class PublicConsultationViewSet(
    viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """Open consultations and their visible comments; anyone may comment. Rate-limited."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    pagination_class = CursorPage
    serializer_class = ConsultationSerializer
    queryset = Consultation.objects.none()
    lookup_value_converter = "int"
    ordering = "-id"

    def get_queryset(self):
        return with_attachments(consultations_open_now())

    def get_throttles(self):
        if self.action == "comment_submit":
            return [CommentThrottle()]
        return super().get_throttles()

    @extend_schema(**_DOWNLOAD)
    @action(**_DOWNLOAD_ROUTE)
    def attachment(self, request, pk=None, attachment_id=None):
        """Download an attachment of an open consultation: the public reads the draft with its
        explanatory materials (第十四条)."""
        return _attachment_download(self.get_object(), attachment_id)

    @extend_schema(responses={200: PublicCommentSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def comments(self, request, pk=None):
        """The comments the public may see (hidden ones left out, never a contact)."""
        consultation = self.get_object()
        page = self.paginate_queryset(comments_public(consultation=consultation))
        return self.get_paginated_response(PublicCommentSerializer(page, many=True).data)

    @extend_schema(
        request=CommentSubmitSerializer,
        responses={201: PublicCommentSerializer},
    )
    @comments.mapping.post
    def comment_submit(self, request, pk=None):
        """Comment on an open consultation (第十四条). The contact is kept for staff only.

        Limited like the portal's comment form, in the same counters: per client address and
        per consultation (429 with Retry-After), and to the same body size (413)."""
        if body_too_large(request):
            raise PayloadTooLarge(limit=max_body_bytes())
        consultation = self.get_object()
        body = CommentSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != HONEYPOT_FIELD}
        if body.is_bot:
            # As the form does: answered like a success, so a bot learns nothing; nothing is
            # stored. The comment shown was never saved (no id: 0).
            comment = Comment(pk=0, consultation=consultation, submitted_at=timezone.now(), **data)
        else:
            comment = comment_submit(consultation=consultation, **data)
        return Response(PublicCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("public/consultations", PublicConsultationViewSet, basename="public-consultation")
