"""Staff pages around the process: the register of decisions, one decision's page, and the
steps that are not tasks of the flow (hearing, expert opinions, execution, post-evaluation,
adjustment). Whatever a person may not see is a 404; what they see but may not do is a 403."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.clocks.models import Deadline
from workflows.consultations.selectors import consultations_for_subject
from workflows.files import stored_file_response
from workflows.inbox import may_act_on_task
from workflows.paging import CappedPaginator
from workflows.permissions import has_role, has_role_in_unit, units_for_role
from workflows.uploads import upload_files

from .. import forms, selectors, services
from ..documents import meeting_minutes_docx
from ..models import Decision, DecisionProcess, LegalityReview, Meeting, PostEvaluation, Stage
from ..selectors import catalogue_visible_to, decision_get_for_user, decisions_visible_to
from .tasks import people_with_role


class DecisionListView(LoginRequiredMixin, generic.ListView):
    template_name = "decisions/decision_list.html"
    context_object_name = "decisions"
    paginate_by = 50
    # Never a COUNT(*) over every visible decision: "page 1 of 20+" past COUNT_CAP.
    paginator_class = CappedPaginator

    def get_queryset(self):
        qs = decisions_visible_to(user=self.request.user).select_related("lead_unit")
        stage = self.request.GET.get("stage")
        if stage in Stage.values:
            qs = qs.filter(stage=stage)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = Stage.choices
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
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("decisions:register:detail", pk=decision.pk)


def open_tasks(decision: Decision):
    return Task.objects.filter(
        process_id__in=DecisionProcess.objects.filter(decision=decision).values("pk"),
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).select_related("owner", "offer__unit")


class DecisionDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "decisions/decision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        decision = decision_get_for_user(user=user, pk=kwargs["pk"])
        tasks = []
        for task in open_tasks(decision):
            tasks.append(
                {
                    "task": task,
                    "name": task.flow_task.name,
                    "mine": may_act_on_task(user=user, task=task),
                    "url": task.flow_task.reverse("index", args=[task.process_id, task.pk]),
                }
            )
        reviews = list(decision.legality_reviews.all())
        deadlines = Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(LegalityReview),
            object_id__in=[str(r.pk) for r in reviews],
        ).order_by("due")
        from django.apps import apps

        context.update(
            {
                "decision": decision,
                "tasks": tasks,
                "versions": decision.versions.all(),
                "attachments": decision.attachments.all(),
                "consultations": consultations_for_subject(subject=decision),
                "hearings": decision.hearings.all(),
                "opinions": decision.expert_opinions.select_related("expert__user"),
                "risk": decision.risk_assessments.prefetch_related("dimensions").last(),
                "reviews": reviews,
                "deadlines": deadlines,
                "meetings": decision.meetings.all(),
                "execution_reports": decision.execution_reports.select_related("executing_unit"),
                "post_evaluations": decision.post_evaluations.select_related("evaluator"),
                "adjustments": decision.adjustments.select_related("new_decision"),
                "timeline_url": f"/record/decisions.decision/{decision.pk}/"
                if apps.is_installed("workflows.record")
                else "",
                "in_force": decision.stage == Stage.ARCHIVED
                and decision.outcome in ("adopt", "adopt_with_amendments"),
                "is_drafter": has_role_in_unit(user=user, role="drafter", unit=decision.lead_unit),
                # Only an expert the lead unit chose may give an opinion (第十九条).
                "is_expert": has_role_in_unit(user=user, role="expert", unit=decision.government)
                and decision.expert_selections.filter(
                    expert__user=user, withdrawn_at=None
                ).exists(),
                "is_principal": has_role_in_unit(
                    user=user, role="principal", unit=decision.government
                ),
            }
        )
        return context


class DecisionActionView(LoginRequiredMixin, generic.TemplateView):
    """A page of forms on one decision. Subclasses name their ``actions`` and who may act."""

    template_name = "decisions/page.html"
    actions: dict = {}
    heading = ""

    @cached_property
    def decision(self) -> Decision:
        return decision_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def may_act(self) -> bool:
        return False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.decision  # noqa: B018 - 404 first for what the person may not see
            if not self.may_act():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self, action):
        return {}

    def build(self, action, data=None, files=None):
        form = self.actions[action](
            data=data, files=files, prefix=action, **self.form_kwargs(action)
        )
        form.action = action
        return form

    def extra_context_data(self):
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        context["forms"] = [
            bound if bound is not None and bound.action == a else self.build(a)
            for a in self.actions
        ]
        context["decision"] = self.decision
        context["heading"] = self.heading
        context.update(self.extra_context_data())
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.actions:
            return redirect(request.get_full_path())
        form = self.build(action, data=request.POST, files=upload_files(request))
        if form.is_valid():
            try:
                with transaction.atomic():
                    getattr(self, f"do_{action}")(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("decisions:register:detail", pk=self.decision.pk)
        return self.render_to_response(self.get_context_data(bound=form))


class AttachmentUploadView(DecisionActionView):
    heading = _("Add an attachment")
    actions = {"upload": forms.UploadForm}

    def may_act(self):
        return has_role_in_unit(
            user=self.request.user, role="drafter", unit=self.decision.lead_unit
        )

    def do_upload(self, data):
        return services.attachment_add(
            decision=self.decision,
            by=self.request.user,
            name=data["file"].name,
            data=data["file"].read(),
            kind=data["kind"],
        )


class HearingView(DecisionActionView):
    """Hearing (第十六条、第十七条): scheduled with materials ≥ 7 days ahead, then recorded."""

    heading = _("Hearing")
    actions = {"schedule": forms.HearingScheduleForm, "record": forms.HearingRecordForm}

    def may_act(self):
        return has_role_in_unit(
            user=self.request.user, role="drafter", unit=self.decision.lead_unit
        )

    def form_kwargs(self, action):
        if action == "record":
            return {"hearings": self.decision.hearings.filter(record_signed=False)}
        return {}

    def extra_context_data(self):
        return {"hearings": self.decision.hearings.all()}

    def do_schedule(self, data):
        services.hearing_schedule(decision=self.decision, by=self.request.user, **data)

    def do_record(self, data):
        services.hearing_record(
            hearing=data["hearing"],
            by=self.request.user,
            record=data["record"],
            signed_by_participants=data["signed_by_participants"],
        )


class ExpertOpinionView(DecisionActionView):
    """An expert of the pool gives a written, signed opinion (第十九条至第二十一条)."""

    heading = _("Expert opinion")
    actions = {"opinion": forms.ExpertOpinionForm}

    def may_act(self):
        return has_role_in_unit(
            user=self.request.user, role="expert", unit=self.decision.government
        )

    def do_opinion(self, data):
        services.expert_opinion_submit(
            decision=self.decision, by=self.request.user, text=data["text"], signed=data["signed"]
        )


class ExecutionReportView(DecisionActionView):
    """The executing unit reports on execution (第三十四条、第三十五条)."""

    heading = _("Execution report")
    actions = {"report": forms.ExecutionReportForm}

    def units(self):
        user = self.request.user
        return units_for_role(user=user, role="drafter") | units_for_role(
            user=user, role="unit_head"
        )

    def may_act(self):
        return self.units().exists()

    def form_kwargs(self, action):
        return {"units": self.units().distinct()}

    def extra_context_data(self):
        return {"reports": self.decision.execution_reports.select_related("executing_unit")}

    def do_report(self, data):
        services.execution_report_submit(decision=self.decision, by=self.request.user, **data)


class PostEvaluationStartView(DecisionActionView):
    """The head starts a post-evaluation on one of its triggers (第三十六条)."""

    heading = _("Post-evaluation")
    actions = {"start": forms.PostEvaluationStartForm}

    def may_act(self):
        return has_role_in_unit(
            user=self.request.user, role="principal", unit=self.decision.government
        )

    def form_kwargs(self, action):
        return {"evaluators": selectors.evaluator_candidates(self.decision)}

    def do_start(self, data):
        services.post_evaluation_start(decision=self.decision, by=self.request.user, **data)


class PostEvaluationReportView(DecisionActionView):
    heading = _("Post-evaluation report")
    actions = {"report": forms.PostEvaluationReportForm}

    @cached_property
    def evaluation(self) -> PostEvaluation:
        return get_object_or_404(
            PostEvaluation, pk=self.kwargs["evaluation_pk"], decision=self.decision
        )

    def may_act(self):
        return self.evaluation.evaluator_id == self.request.user.pk

    def extra_context_data(self):
        return {"evaluation": self.evaluation}

    def do_report(self, data):
        return services.post_evaluation_complete(
            evaluation=self.evaluation, by=self.request.user, report=data["report"]
        )


class AdjustmentView(DecisionActionView):
    """Adjustment re-runs the procedure as a new decision; urgent suspension by the head
    (第三十七条)."""

    heading = _("Adjust or suspend")
    actions = {"adjust": forms.AdjustmentForm}

    def may_act(self):
        return has_role_in_unit(
            user=self.request.user, role="principal", unit=self.decision.government
        )

    def form_kwargs(self, action):
        return {"drafters": people_with_role("drafter", self.decision.lead_unit)}

    def do_adjust(self, data):
        if data["kind"] == "urgent_suspension":
            services.decision_suspend_urgently(
                decision=self.decision, by=self.request.user, reason=data["reason"]
            )
        else:
            services.decision_adjust_start(
                decision=self.decision,
                by=self.request.user,
                reason=data["reason"],
                drafter=data["drafter"],
            )


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
