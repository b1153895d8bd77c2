"""Staff pages around the process: the register of decisions, one decision's page, and the
steps that are not tasks of the flow (hearing, expert opinions, execution, post-evaluation,
adjustment). Whatever a person may not see is a 404; what they see but may not do is a 403."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.flow.views import FlowChartView

from workflows.files import stored_file_response
from workflows.htmltext import esc
from workflows.inbox import role_grants_for
from workflows.links import reverse_by_pk
from workflows.paging import CappedPaginator
from workflows.permissions import has_role, units_for_role
from workflows.templatetags.staff_tags import minute
from workflows.uploads import upload_files

from .. import forms, services
from ..documents import meeting_minutes_docx
from ..models import Decision, DecisionProcess, LegalityReview, Meeting, Stage
from ..selectors import catalogue_visible_to, decision_get_for_user, decisions_visible_to
from ..steps.pages import (
    AdjustmentWork,
    AttachmentUploadWork,
    ExecutionReportWork,
    ExpertOpinionWork,
    HearingWork,
    PostEvaluationReportWork,
    PostEvaluationStartWork,
)
from .detail import DecisionDetailView  # noqa: F401 - the site mounts it from this module


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One row of the register, read in the view and written by ``register_rows_html`` (issue
    22: a list of fifty decisions spent most of its rendering reversing, looking up and
    formatting the same few fields of each row through the template language, and then half
    of its time printing them through it)."""

    pk: int
    url: str
    title: str
    lead_unit: str
    stage: str
    stage_label: str
    outcome_label: str
    updated_at: datetime


def register_rows_html(rows: list[DecisionRow]) -> SafeString:
    """The register's table rows, as the template wrote them: everything a person or a unit
    wrote (the title, the unit's name) escaped, the update in the current time zone."""
    e = esc  # conditional_escape, without the wrapper Django's escape runs at each call
    tz = timezone.get_current_timezone()  # once, not asked again for each row
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'\n      <tr data-testid="decision-row" data-decision="{r.pk:d}" '
            f'data-stage="{e(r.stage)}"><td><a href="{e(r.url)}">{e(r.title)}</a></td>'
            f"<td>{e(r.lead_unit)}</td><td>{e(r.stage_label)}</td>"
            f"<td>{e(r.outcome_label)}</td>"
            f"<td>{minute(timezone.localtime(r.updated_at, tz))}</td></tr>\n    "
            for r in rows
        )
    )


class DecisionListView(LoginRequiredMixin, generic.ListView):
    template_name = "decisions/decision_list.html"
    context_object_name = "decisions"
    paginate_by = 50
    # Never a COUNT(*) over every visible decision: "page 1 of 20+" past COUNT_CAP.
    paginator_class = CappedPaginator
    # What a row shows: not the draft's text and the other long fields of each decision.
    ROW_FIELDS = ("title", "stage", "outcome", "updated_at", "lead_unit__name")

    def get_queryset(self):
        # The grants first: their statement also reads the person's groups, which every
        # ``has_role`` of the page (who reads all, the menu, "start a decision") then finds.
        grants = role_grants_for(user=self.request.user)
        qs = (
            decisions_visible_to(user=self.request.user, grants=grants)
            .select_related("lead_unit")
            .only(*self.ROW_FIELDS)
        )
        stage = self.request.GET.get("stage")
        if stage in Stage.values:
            qs = qs.filter(stage=stage)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        url = reverse_by_pk("decisions:register:detail")
        context["rows"] = [
            DecisionRow(
                pk=d.pk,
                url=url(d.pk),
                title=d.title,
                lead_unit=str(d.lead_unit),
                stage=d.stage,
                stage_label=d.get_stage_display(),
                outcome_label=d.get_outcome_display(),
                updated_at=d.updated_at,
            )
            for d in context["decisions"]
        ]
        context["rows_html"] = register_rows_html(context["rows"])
        context["stages"] = Stage.choices
        context["stage"] = self.request.GET.get("stage")
        context["may_start"] = has_role(user=self.request.user, role="drafter")
        return context


class DecisionStartView(LoginRequiredMixin, generic.FormView):
    """A drafter of a lead unit starts a decision (第十条), normally from a catalogue item."""

    template_name = "decisions/page.html"
    form_class = forms.DecisionStartForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(user=request.user, role="drafter"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        units = units_for_role(user=self.request.user, role="drafter")
        return {
            **super().get_form_kwargs(),
            "units": units,
            "items": catalogue_visible_to(user=self.request.user).filter(
                lead_unit__in=units, status__in=["published", "adjusted"]
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].action = "start"
        context["forms"] = [context["form"]]
        context["heading"] = _("Start a major decision")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            decision = services.decision_start(
                by=self.request.user,
                lead_unit=data["lead_unit"],
                catalogue_item=data["catalogue_item"],
                out_of_catalogue_reason=data["out_of_catalogue_reason"],
                title=data["title"],
                problem=data["problem"],
                necessity=data["necessity"],
                legal_basis=forms.lines(data["legal_basis"]),
                start_decided_by=data["start_decided_by"],
                start_decided_on=data["start_decided_on"],
                start_reference=data["start_reference"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("decisions:register:detail", pk=decision.pk)


class DecisionChartView(FlowChartView):
    """viewflow's chart of one decision's process, for whoever may see the decision
    (``decisions.selectors``); 404 to anyone else, as the decision's page answers. The chart of
    the whole flow (no process) stays with viewflow's check, and no other page of the flow's
    viewset is opened by this: they keep their own permissions (``DecisionFlow``)."""

    def dispatch(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is None:
            return super().dispatch(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        process = DecisionProcess.objects.filter(pk=process_pk).select_related("decision").first()
        if process is None or not self.flow_class.instance.has_view_permission(
            request.user, obj=process
        ):
            raise Http404
        return generic.View.dispatch(self, request, *args, **kwargs)


class DecisionActionView(LoginRequiredMixin, generic.TemplateView):
    """A page of forms on one decision: the step's ``work_class`` (``decisions.steps.pages``)
    names the actions, who may act and the service each calls; the API runs the same."""

    template_name = "decisions/page.html"
    work_class: type
    heading = ""

    @cached_property
    def decision(self) -> Decision:
        return decision_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def work(self):
        extra = {k: v for k, v in self.kwargs.items() if k != "pk"}
        return self.work_class(self.decision, self.request.user, **extra)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.decision  # noqa: B018 - 404 first for what the person may not see
            if not self.work.may_act():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def build(self, action, data=None, files=None):
        return self.work.build(action, data=data, files=files)

    def extra_context_data(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        context["forms"] = [
            bound if bound is not None and bound.action == a else self.build(a)
            for a in self.work.actions
        ]
        context["decision"] = self.decision
        context["heading"] = self.heading
        context.update(self.extra_context_data())
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.work.actions:
            return redirect(request.get_full_path())
        form = self.build(action, data=request.POST, files=upload_files(request))
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.work.run(action, form.cleaned_data, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("decisions:register:detail", pk=self.decision.pk)
        return self.render_to_response(self.get_context_data(bound=form))


class AttachmentUploadView(DecisionActionView):
    work_class = AttachmentUploadWork

    heading = _("Add an attachment")


class HearingView(DecisionActionView):
    work_class = HearingWork

    heading = _("Hearing")

    def extra_context_data(self):
        return {"hearings": self.decision.hearings.all()}


class ExpertOpinionView(DecisionActionView):
    work_class = ExpertOpinionWork

    heading = _("Expert opinion")


class ExecutionReportView(DecisionActionView):
    work_class = ExecutionReportWork

    heading = _("Execution report")

    def extra_context_data(self):
        return {"reports": self.decision.execution_reports.select_related("executing_unit")}


class PostEvaluationStartView(DecisionActionView):
    work_class = PostEvaluationStartWork

    heading = _("Post-evaluation")


class PostEvaluationReportView(DecisionActionView):
    work_class = PostEvaluationReportWork

    heading = _("Post-evaluation report")

    def extra_context_data(self):
        return {"evaluation": self.work.evaluation}


class AdjustmentView(DecisionActionView):
    work_class = AdjustmentWork

    heading = _("Adjust or suspend")


def minutes_download(request, pk: int, meeting_pk: int):
    """The minutes of a concluded meeting as .docx (第三十条、第三十三条)."""
    if not request.user.is_authenticated:
        raise Http404
    decision = decision_get_for_user(user=request.user, pk=pk)
    meeting = get_object_or_404(
        Meeting, pk=meeting_pk, decision=decision, status=Meeting.Status.CONCLUDED
    )
    response = HttpResponse(
        meeting_minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="minutes-{decision.pk}-{meeting.pk}.docx"'
    )
    return response


def legality_opinion_download(request, pk: int, review_pk: int):
    """The issued legality review opinion (合法性审查意见书) as .docx (第二十八条), for whoever
    may see the decision."""
    from ..opinion import legality_opinion_docx

    if not request.user.is_authenticated:
        raise Http404
    decision = decision_get_for_user(user=request.user, pk=pk)
    review = get_object_or_404(
        LegalityReview.objects.select_related(
            "decision__lead_unit", "draft_version", "review_office"
        ),
        pk=review_pk,
        decision=decision,
        status=LegalityReview.Status.COMPLETED,
    )
    response = HttpResponse(
        legality_opinion_docx(review),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="legality-opinion-{decision.pk}-{review.pk}.docx"'
    )
    return response


def attachment_download(request, pk: int, attachment_pk: int):
    if not request.user.is_authenticated:
        raise Http404
    decision = decision_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(decision.attachments, pk=attachment_pk)
    return stored_file_response(
        file=attachment.file,
        name=attachment.original_name,
        file_type=attachment.file_type,
        sha256=attachment.sha256,
    )
