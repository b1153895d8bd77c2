"""Acting through a decision's staff pages without the pages (the REST API), and the decision's
materials by API: its attachments, its post-evaluations (第三十六条) and its consultations.

``page_act`` runs a step outside the flow (``decisions.steps.pages``) exactly as its page's
POST does: the step's ``may_act`` (403 when it would refuse), its form (400 naming the fields)
and its one ``do_<action>`` service call. The routes here add only how the answer is told.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.files import (
    StoredFileSerializer,
    download_responses,
    file_download,
    is_upload_refusal,
    upload_refusal,
)
from workflows.api.forms import (
    form_data,
    form_errors,
    form_files,
    form_multipart_serializer,
    form_serializer,
)
from workflows.api.schema import roles_extension, roles_sentence
from workflows.api.views import error_response, visible_object_or_404
from workflows.consultations.api import SubjectConsultationsMixin
from workflows.uploads import upload_files

from .models import Attachment, Decision, PostEvaluation
from .steps import pages


def page_act(
    request, *, decision: Decision, work_class, name: str, component: str, payload, **kwargs
):
    """Perform action ``name`` of the step ``work_class`` on ``decision`` for the caller, with
    ``payload`` (the request's data) and the request's files; return what its ``do_<name>``
    returns. 403 unless the step lets the caller act; 400 for the form's or the service's
    refusal; a 404 when the step finds no such sub-object (``kwargs``)."""
    form_class = work_class.actions[name]
    work = work_class(decision, request.user, **kwargs)
    if not work.may_act():  # first: a forbidden caller learns nothing from the body's checks
        raise PermissionDenied
    files = form_files(form_class, upload_files(request), prefix=name)  # a refused file first
    data = form_data(form_class, payload, name=component, prefix=name)
    form = work.build(name, data=data, files=files)
    if not form.is_valid():
        raise form_errors(form)
    with transaction.atomic():
        return work.run(name, form.cleaned_data, form)


# --- representations -------------------------------------------------------------------------


class AttachmentSerializer(StoredFileSerializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", help_text="A person's id.")


class PostEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostEvaluation
        fields = [
            "id",
            "trigger",
            "evaluator",
            "evaluator_organisation",
            "started_by",
            "started_at",
            "report",
            "completed_at",
        ]


UPLOAD_COMPONENT = "DecisionAttachmentUpload"
UPLOAD_ROLES = (("drafter", "lead unit"),)  # AttachmentUploadWork.may_act
REPORT_COMPONENT = "DecisionPostEvaluationReportRequest"


# --- the routes ------------------------------------------------------------------------------


class DecisionMaterialsMixin(SubjectConsultationsMixin):
    """Sub-routes of ``DecisionViewSet`` (which supplies ``get_object``: a decision the caller
    may not see is a 404, whatever the sub-route)."""

    @extend_schema(responses={200: AttachmentSerializer(many=True)})
    @action(detail=True, methods=["get"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """The decision's attachments (materials, hearing record, opinions, reports), for
        everybody who may see the decision, as on its page."""
        decision = self.get_object()
        page = self.paginate_queryset(Attachment.objects.filter(decision=decision))
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": form_multipart_serializer(
                pages.AttachmentUploadWork.actions["upload"], name=UPLOAD_COMPONENT
            )
        },
        responses={
            201: AttachmentSerializer,
            400: error_response(
                "Bad fields, or a file refused by its content: not PDF, DOCX or OFD, larger "
                "than the limit, or named with another type's extension (`errors.file`)."
            ),
            403: error_response("Only a drafter of the lead unit adds attachments."),
            409: error_response("The decision is archived and sealed."),
            415: error_response("The body is not multipart/form-data."),
        },
        extensions=roles_extension(UPLOAD_ROLES),
        description="Add a PDF, DOCX or OFD file (multipart ``file``) of a ``kind``. The type is "
        "read from the content, never the name, and the size is limited, as on the upload "
        f"page.\n\n{roles_sentence(UPLOAD_ROLES)}",
    )
    @attachments.mapping.post
    def attachment_upload(self, request, pk=None):
        """Add a PDF, DOCX or OFD file (multipart ``file``) of a ``kind``. The type is read
        from the content, never the name, and the size is limited, as on the upload page."""
        decision = self.get_object()
        try:
            attachment = page_act(
                request,
                decision=decision,
                work_class=pages.AttachmentUploadWork,
                name="upload",
                component=f"{UPLOAD_COMPONENT}Fields",
                payload=request.data,
            )
        except DjangoValidationError as error:
            if is_upload_refusal(error):
                raise upload_refusal(error, field="file") from error
            if any(e.code == "sealed" for e in error.error_list):
                raise Conflict(detail=error.messages[0], code="sealed") from error
            raise
        attachment = Attachment.objects.get(pk=attachment.pk)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            **download_responses("The file, as uploaded."),
            404: error_response("No such attachment of a decision the caller may see."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attachments/<int:attachment_id>",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_id=None):
        """Download one attachment (its type as read from its content)."""
        decision = self.get_object()
        attachment = visible_object_or_404(
            Attachment.objects.all(), pk=attachment_id, decision=decision
        )
        return file_download(
            file=attachment.file,
            name=attachment.original_name,
            file_type=attachment.file_type,
            sha256=attachment.sha256,
        )

    @extend_schema(responses={200: PostEvaluationSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="post-evaluations", url_name="post-evaluations")
    def post_evaluations(self, request, pk=None):
        """The decision's post-evaluations (第三十六条), started or reported."""
        decision = self.get_object()
        page = self.paginate_queryset(PostEvaluation.objects.filter(decision=decision))
        return self.get_paginated_response(PostEvaluationSerializer(page, many=True).data)

    @extend_schema(
        request=form_serializer(
            pages.PostEvaluationReportWork.actions["report"], name=REPORT_COMPONENT
        ),
        responses={
            200: PostEvaluationSerializer,
            403: error_response("Only the evaluator chosen for it writes the report."),
            404: error_response("No such post-evaluation of a decision the caller may see."),
            409: error_response("The report was already written."),
        },
        extensions={"x-roles": [{"role": "evaluator", "unit": "post-evaluation"}]},
        description="The evaluator's report (第三十六条). The evaluator was chosen among the "
        "people who did not assess the decision before it was taken "
        "(``post-evaluation-start``).\n\nWho may act: only the person chosen as the "
        "post-evaluation's `evaluator` (whatever their roles).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="post-evaluations/<int:evaluation_id>/report",
        url_name="post-evaluation-report",
    )
    def post_evaluation_report(self, request, pk=None, evaluation_id=None):
        """The evaluator's report (第三十六条). The evaluator was chosen among the people who
        did not assess the decision before it was taken (``post-evaluation-start``)."""
        decision = self.get_object()
        try:
            page_act(
                request,
                decision=decision,
                work_class=pages.PostEvaluationReportWork,
                name="report",
                component=REPORT_COMPONENT,
                payload=request.data,
                evaluation_pk=evaluation_id,
            )
        except DjangoValidationError as error:
            if any(e.code == "completed" for e in error.error_list):
                raise Conflict(detail=error.messages[0], code="completed") from error
            raise
        evaluation = PostEvaluation.objects.get(pk=evaluation_id)
        return Response(PostEvaluationSerializer(evaluation).data)
