"""Risk assessment (风险评估, 第二十二至二十四条) and the end of the assessments, once it and
expert argumentation (``experts``, 第十九至二十一条) are done.

Each act takes ``at``, when it was done, given when it is entered after the fact (the annual
report counts risk assessments by it, domain.md §5)."""

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from workflows.composed import composed_first
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Decision, RiskAssessment, RiskDimension, Stage
from ._common import act_on, act_time, lock, missing_error, require_any_role, require_stage
from .experts import expert_argumentation_missing


@service_atomic
def risk_assessment_submit(
    *,
    decision: Decision,
    by,
    dimensions: dict[str, dict],
    contingency_plan: str,
    overall_level: str,
    third_party: str = "",
    at: datetime | None = None,
) -> RiskAssessment:
    """The risk report: four dimensions with level, risk points and mitigations, a contingency
    plan and the overall level (第二十二条、第二十三条). ``dimensions`` maps each of
    social_stability, public_safety, ecological_environment, economy to
    {"level": low|medium|high, "risk_points": str, "mitigations": str}."""
    decision = lock(decision)
    require_stage(decision, Stage.ASSESSMENT)
    # The lead unit assesses, or a third party it commissions: a risk assessor for the lead
    # unit (第二十二条). The same people the flow offers the risk-assessment task to.
    require_any_role(user=by, roles=("drafter", "risk_assessor"), unit=decision.lead_unit)
    levels = {name: (row or {}).get("level", "") for name, row in dimensions.items()}
    _require_risk_report_complete(
        dimensions=dimensions,
        levels=levels,
        contingency_plan=contingency_plan,
        overall_level=overall_level,
    )
    assessment = RiskAssessment.objects.create(
        decision=decision,
        assessor=by,
        third_party=third_party.strip(),
        contingency_plan=contingency_plan.strip(),
        overall_level=overall_level,
        submitted_at=act_time(at),
    )
    RiskDimension.objects.bulk_create(  # one statement for the four
        RiskDimension(
            assessment=assessment,
            dimension=name,
            level=dimensions[name]["level"],
            risk_points=dimensions[name]["risk_points"].strip(),
            mitigations=dimensions[name]["mitigations"].strip(),
        )
        for name in rules.RISK_DIMENSIONS
    )
    record_append(
        actor=by,
        action="decision.risk_assessed",
        subject=decision,
        payload={
            "assessment": assessment.pk,
            "overall_level": overall_level,
            "levels": levels,
            **act_on(assessment.submitted_at),
        },
    )
    return assessment


def _require_risk_report_complete(
    *, dimensions: dict[str, dict], levels: dict, contingency_plan: str, overall_level: str
) -> None:
    """Each of the four dimensions with its level, risk points and mitigations, the contingency
    plan and the overall level (第二十二条、第二十三条): refused with the list of what is
    missing."""
    missing = rules.risk_assessment_missing(dimensions=levels, contingency_plan=contingency_plan)
    for name in rules.RISK_DIMENSIONS:
        row = dimensions.get(name) or {}
        if (
            not str(row.get("risk_points", "")).strip()
            or not str(row.get("mitigations", "")).strip()
        ):
            if name not in missing:
                missing.append(name)
    if overall_level not in rules.OVERALL_LEVELS:
        missing.append("overall_level")
    if missing:
        raise missing_error(
            _("The risk assessment is incomplete: %(missing)s."),
            missing,
            "risk_assessment_incomplete",
        )


LATEST_FIRST = ("-submitted_at", "-pk")  # which risk assessment is a decision's latest


def latest_risk_assessment(decision: Decision) -> RiskAssessment | None:
    latest = composed_first(("latest risk assessment",), _latest_risk_assessment, decision.pk)
    if latest is not None:
        latest.decision = decision  # as ``decision.risk_assessments`` leaves it
    return latest


def _latest_risk_assessment(decision_id: int) -> QuerySet:
    """What ``decision.risk_assessments.order_by(*LATEST_FIRST).first()`` reads, composed once
    (``workflows.composed``)."""
    return RiskAssessment.objects.filter(decision_id=decision_id).order_by(*LATEST_FIRST)[:1]


def latest_risk_level_column() -> Subquery:
    """The overall level of the latest risk assessment of the decision a query is on
    (``OuterRef("pk")``), as one of its columns; None when it has none."""
    latest = RiskAssessment.objects.filter(decision=OuterRef("pk")).order_by(*LATEST_FIRST)
    return Subquery(latest.values("overall_level")[:1])


@service_atomic
def decision_assessments_complete(*, decision: Decision, by="system") -> Decision:
    """Both branches are done. An uncontrollable risk sends the draft back for revision
    (第二十四条); otherwise the draft goes to the legality review."""
    decision = lock(decision)
    require_stage(decision, Stage.ASSESSMENT)
    assessment = latest_risk_assessment(decision)
    missing = []
    if assessment is None:
        missing.append("risk_assessment")
    if decision.expert_argumentation_needed:
        missing += expert_argumentation_missing(decision)
    if missing:
        raise missing_error(_("Still missing: %(missing)s."), missing, "assessments_incomplete")
    if rules.is_risk_uncontrollable(overall_level=assessment.overall_level):
        decision_stage_move(decision=decision, move="return_for_risk")
        action = "decision.returned_for_risk"
    else:
        decision_stage_move(decision=decision, move="send_to_legality_review")
        action = "decision.assessments_completed"
    record_append(
        actor=by,
        action=action,
        subject=decision,
        payload={"risk_assessment": assessment.pk, "stage": decision.stage},
    )
    return decision
