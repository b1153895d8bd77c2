"""The steps of a decision that are not tasks of the flow (hearing 第十六条、第十七条, expert
opinions 第十九条至第二十一条, execution 第三十四条, post-evaluation 第三十六条, adjustment
第三十七条, attachments): who may act, the forms and the one service each action calls. The
staff pages and the REST API both run them."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from workflows.permissions import has_role_in_unit, units_for_role

from .. import forms, selectors, services
from ..models import PostEvaluation
from .base import DecisionWork, people_with_role


class PageWork(DecisionWork):
    """A step outside the flow: ``may_act()`` says whether the person may act at all (403),
    ``kwargs`` names a sub-object (404 when the decision has none such)."""

    def __init__(self, subject, user, **kwargs):
        super().__init__(subject, user)
        self.kwargs = kwargs

    def may_act(self) -> bool:
        return False

    def run(self, action, data, form):
        return getattr(self, f"do_{action}")(data)


class AttachmentUploadWork(PageWork):
    actions = {"upload": forms.UploadForm}

    def may_act(self):
        return has_role_in_unit(user=self.user, role="drafter", unit=self.decision.lead_unit)

    def do_upload(self, data):
        return services.attachment_add(
            decision=self.decision,
            by=self.user,
            name=data["file"].name,
            data=data["file"].read(),
            kind=data["kind"],
        )


class HearingWork(PageWork):
    """Hearing (第十六条、第十七条): scheduled with materials ≥ 7 days ahead, then recorded."""

    actions = {"schedule": forms.HearingScheduleForm, "record": forms.HearingRecordForm}

    def may_act(self):
        return has_role_in_unit(user=self.user, role="drafter", unit=self.decision.lead_unit)

    def form_kwargs(self, action):
        if action == "record":
            return {"hearings": self.decision.hearings.filter(record_signed=False)}
        return {}

    def do_schedule(self, data):
        services.hearing_schedule(decision=self.decision, by=self.user, **data)

    def do_record(self, data):
        services.hearing_record(
            hearing=data["hearing"],
            by=self.user,
            record=data["record"],
            signed_by_participants=data["signed_by_participants"],
        )


class ExpertOpinionWork(PageWork):
    """An expert of the pool gives a written, signed opinion (第十九条至第二十一条)."""

    actions = {"opinion": forms.ExpertOpinionForm}

    def may_act(self):
        return has_role_in_unit(user=self.user, role="expert", unit=self.decision.government)

    def do_opinion(self, data):
        services.expert_opinion_submit(
            decision=self.decision, by=self.user, text=data["text"], signed=data["signed"]
        )


class ExecutionReportWork(PageWork):
    """The executing unit reports on execution (第三十四条、第三十五条)."""

    actions = {"report": forms.ExecutionReportForm}

    def units(self):
        user = self.user
        return units_for_role(user=user, role="drafter") | units_for_role(
            user=user, role="unit_head"
        )

    def may_act(self):
        return self.units().exists()

    def form_kwargs(self, action):
        return {"units": self.units().distinct()}

    def do_report(self, data):
        services.execution_report_submit(decision=self.decision, by=self.user, **data)


class PostEvaluationStartWork(PageWork):
    """The head starts a post-evaluation on one of its triggers (第三十六条)."""

    actions = {"start": forms.PostEvaluationStartForm}

    def may_act(self):
        return has_role_in_unit(user=self.user, role="principal", unit=self.decision.government)

    def form_kwargs(self, action):
        return {"evaluators": selectors.evaluator_candidates(self.decision)}

    def do_start(self, data):
        services.post_evaluation_start(decision=self.decision, by=self.user, **data)


class PostEvaluationReportWork(PageWork):
    actions = {"report": forms.PostEvaluationReportForm}

    @cached_property
    def evaluation(self) -> PostEvaluation:
        return get_object_or_404(
            PostEvaluation, pk=self.kwargs["evaluation_pk"], decision=self.decision
        )

    def may_act(self):
        return self.evaluation.evaluator_id == self.user.pk

    def do_report(self, data):
        return services.post_evaluation_complete(
            evaluation=self.evaluation, by=self.user, report=data["report"]
        )


class AdjustmentWork(PageWork):
    """Adjustment re-runs the procedure as a new decision; urgent suspension by the head
    (第三十七条)."""

    actions = {"adjust": forms.AdjustmentForm}

    def may_act(self):
        return has_role_in_unit(user=self.user, role="principal", unit=self.decision.government)

    def form_kwargs(self, action):
        return {"drafters": people_with_role("drafter", self.decision.lead_unit)}

    def do_adjust(self, data):
        if data["kind"] == "urgent_suspension":
            services.decision_suspend_urgently(
                decision=self.decision, by=self.user, reason=data["reason"]
            )
        else:
            services.decision_adjust_start(
                decision=self.decision,
                by=self.user,
                reason=data["reason"],
                drafter=data["drafter"],
            )
