"""The submission package for the meeting (第二十九条): what it holds, read in one statement,
and the drafter's check that it is complete, after which the decision goes on the agenda. The
meeting itself is in ``meeting``."""

from datetime import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Consultation
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Decision, DraftVersion, ExpertOpinion, Hearing, Stage
from ._common import (
    act_on,
    act_time,
    count_of,
    decision_row,
    lock,
    missing_error,
    require_role,
    require_stage,
)
from .assessment import latest_risk_level_column
from .participation import latest_consultation_column
from .review import latest_review_column, review_passes_column


def package_facts(decision: Decision) -> rules.PackageFacts:
    (
        has_version,
        expert_opinions,
        expert_opinions_unhandled,
        hearings_recorded,
        consultation_status,
        consultation_reported,
        risk_level,
        review,
    ) = decision_row("package_facts", _package_facts_of, decision)
    return rules.PackageFacts(
        has_draft=bool(decision.draft_text.strip()) and has_version,
        affects_market_actors=decision.affects_market_actors,
        has_fair_competition_review=bool(decision.fair_competition_review.strip()),
        consultation_required=rules.is_consultation_required(
            not_disclosable=decision.not_disclosable
        ),
        has_adoption_report=consultation_status == Consultation.Status.FINISHED
        and bool(consultation_reported),
        expert_argumentation_needed=decision.expert_argumentation_needed,
        expert_opinions=expert_opinions,
        expert_opinions_unhandled=expert_opinions_unhandled,
        hearing_needed=decision.hearing_needed,
        hearings_recorded=hearings_recorded,
        has_risk_report=risk_level is not None,
        risk_uncontrollable=risk_level is not None
        and rules.is_risk_uncontrollable(overall_level=risk_level),
        may_go_to_meeting=review_passes_column(review),
    )


def _package_facts_of(pk: int):
    opinions = ExpertOpinion.objects.filter(decision=OuterRef("pk"))
    # What the package counts, and what it reads of the latest consultation, risk assessment
    # and legality review, in one statement rather than one each.
    return Decision.objects.filter(pk=pk).values_list(
        Exists(DraftVersion.objects.filter(decision=OuterRef("pk"))),
        count_of(opinions),
        count_of(opinions.filter(handling="")),
        count_of(Hearing.objects.filter(decision=OuterRef("pk"), record_signed=True)),
        latest_consultation_column("status"),
        latest_consultation_column(
            ExpressionWrapper(~Q(adoption_report=""), output_field=BooleanField())
        ),
        latest_risk_level_column(),
        latest_review_column(),
    )


@service_atomic
def decision_package_check(*, decision: Decision, by, at: datetime | None = None) -> Decision:
    """Check the package for the meeting is complete (第二十九条), then it goes on the agenda.
    ``at``: when, given when it is entered after the fact."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.PACKAGE)
    missing = rules.package_missing(package_facts(decision))
    if missing:
        raise missing_error(
            _("The package is incomplete: %(missing)s."), missing, "package_incomplete"
        )
    decision_stage_move(decision=decision, move="put_on_agenda")
    record_append(
        actor=by,
        action="decision.package_checked",
        subject=decision,
        payload={"stage": decision.stage, **act_on(act_time(at))},
    )
    return decision
