"""After the decision is taken and archived: execution reports (第三十四条、第三十五条),
post-evaluation (第三十六条), urgent suspension and adjustment (第三十七条)."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.clocks.messages import recipient_language
from workflows.clocks.services import notification_create
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..models import Adjustment, Decision, ExecutionReport, Outcome, PostEvaluation, Stage
from ..rules import aftermath as aftermath_rules
from ..selectors import pre_decision_assessing_unit_ids, pre_decision_assessor_ids
from ._common import lock, require_any_role, require_role


def _require_in_force(decision: Decision) -> None:
    if decision.stage != Stage.ARCHIVED or decision.outcome not in (
        Outcome.ADOPTED,
        Outcome.ADOPTED_WITH_AMENDMENTS,
    ):
        raise ValidationError(
            _("Only an adopted, archived decision is executed."), code="not_in_force"
        )


@service_atomic
def execution_report_submit(
    *, decision: Decision, by, executing_unit, period: str, text: str
) -> ExecutionReport:
    """The executing unit reports on execution (第三十四条、第三十五条)."""
    decision = lock(decision)
    require_any_role(user=by, roles=("drafter", "unit_head"), unit=executing_unit)
    _require_in_force(decision)
    if not text.strip() or not period.strip():
        raise ValidationError(_("Give the period and the report."), code="report_required")
    report = ExecutionReport.objects.create(
        decision=decision,
        executing_unit=executing_unit,
        period=period.strip(),
        text=text.strip(),
        submitted_by=by,
    )
    record_append(
        actor=by,
        action="decision.execution_reported",
        subject=decision,
        payload={"report": report.pk, "period": report.period},
    )
    return report


@service_atomic
def post_evaluation_start(
    *, decision: Decision, by, trigger: str, evaluator, evaluator_organisation: str = ""
) -> PostEvaluation:
    """Start a post-evaluation on one of its three triggers; the evaluator is not one of those
    who assessed the decision before it was taken, nor of a unit that did the main
    argumentation or assessment (第三十六条: 决策作出前承担主要论证评估工作的单位除外)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if not rules.is_valid_post_evaluation_trigger(trigger):
        raise ValidationError(_("Unknown trigger."), code="invalid_trigger")
    if rules.evaluator_conflict(
        evaluator_id=evaluator.pk, pre_decision_assessor_ids=pre_decision_assessor_ids(decision)
    ):
        raise ValidationError(
            _("The evaluator took part in the assessment before the decision."),
            code="evaluator_not_independent",
        )
    evaluator_profile = getattr(evaluator, "profile", None)
    if aftermath_rules.evaluator_unit_conflict(
        evaluator_unit_id=evaluator_profile.unit_id if evaluator_profile else None,
        assessing_unit_ids=pre_decision_assessing_unit_ids(decision),
    ):
        raise ValidationError(
            _(
                "The evaluator's unit did the main argumentation or assessment before the "
                "decision; entrust another unit."
            ),
            code="evaluator_unit_not_independent",
        )
    evaluation = PostEvaluation.objects.create(
        decision=decision,
        trigger=trigger,
        evaluator=evaluator,
        evaluator_organisation=evaluator_organisation,
        started_by=by,
    )
    record_append(
        actor=by,
        action="decision.post_evaluation_started",
        subject=decision,
        payload={"evaluation": evaluation.pk, "trigger": trigger, "evaluator": evaluator.pk},
    )
    _tell_the_evaluator(evaluation)
    return evaluation


def _tell_the_evaluator(evaluation: PostEvaluation) -> None:
    """The evaluator, often outside the government, learns of the task in their own language
    (their notifications and e-mail-less bell), with the link to the report page."""
    evaluator, decision = evaluation.evaluator, evaluation.decision
    with translation.override(recipient_language(evaluator)):
        notification_create(
            recipient=evaluator,
            title=gettext("You are asked to evaluate “%(title)s”") % {"title": decision.title},
            body=gettext(
                "Post-evaluation of a major administrative decision (Art. 36 of the Interim "
                "Regulations): assess how it was implemented and what it achieved, then write "
                "the evaluation report."
            ),
            url=reverse(
                "decisions:register:evaluation_report",
                kwargs={"pk": decision.pk, "evaluation_pk": evaluation.pk},
            ),
        )


@service_atomic
def post_evaluation_complete(*, evaluation: PostEvaluation, by, report: str) -> PostEvaluation:
    evaluation = PostEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if by.pk != evaluation.evaluator_id:
        raise PermissionDenied("only the evaluator reports")
    if evaluation.completed_at:
        raise ValidationError(_("Already completed."), code="completed")
    if not report.strip():
        raise ValidationError(_("Write the report."), code="report_required")
    evaluation.report = report.strip()
    evaluation.completed_at = timezone.now()
    evaluation.save(update_fields=["report", "completed_at"])
    record_append(
        actor=by,
        action="decision.post_evaluation_completed",
        subject=evaluation.decision,
        payload={
            "evaluation": evaluation.pk,
            "sha256": hashlib.sha256(evaluation.report.encode()).hexdigest(),
        },
    )
    return evaluation


@service_atomic
def decision_suspend_urgently(*, decision: Decision, by, reason: str) -> Adjustment:
    """In an emergency the head suspends execution at once; it is recorded with its reason
    (第三十七条)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if decision.suspended_at:
        raise ValidationError(_("Execution is already suspended."), code="already_suspended")
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    now = timezone.now()
    decision.suspended_at = now
    decision.save(update_fields=["suspended_at", "updated_at"])
    adjustment = Adjustment.objects.create(
        decision=decision,
        kind=Adjustment.Kind.URGENT_SUSPENSION,
        reason=reason.strip(),
        decided_by=by,
        decided_at=now,
    )
    record_append(
        actor=by,
        action="decision.suspended",
        subject=decision,
        payload={"reason": adjustment.reason},
    )
    return adjustment


@service_atomic
def decision_adjust(*, decision: Decision, by, reason: str, drafter) -> Adjustment:
    """A major adjustment re-runs the statutory procedure: a new decision, linked to the old one,
    starts at drafting in the same lead unit (第三十七条)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    require_role(user=drafter, role="drafter", unit=decision.lead_unit)
    new = Decision.objects.create(
        government=decision.government,
        lead_unit=decision.lead_unit,
        catalogue_item=decision.catalogue_item,
        out_of_catalogue_reason=decision.out_of_catalogue_reason or reason.strip(),
        title=decision.title,
        problem=reason.strip(),
        necessity=decision.necessity,
        legal_basis=decision.legal_basis,
        draft_text=decision.draft_text,
        options=decision.options,
        supersedes=decision,
        created_by=drafter,
    )
    adjustment = Adjustment.objects.create(
        decision=decision,
        kind=Adjustment.Kind.ADJUST,
        new_decision=new,
        reason=reason.strip(),
        decided_by=by,
        decided_at=timezone.now(),
    )
    record_append(
        actor=by,
        action="decision.adjustment_started",
        subject=new,
        payload={"adjusts": decision.pk, "reason": adjustment.reason},
    )
    record_append(
        actor=by,
        action="decision.adjusted",
        subject=decision,
        payload={"new_decision": new.pk, "reason": adjustment.reason},
    )
    return adjustment
