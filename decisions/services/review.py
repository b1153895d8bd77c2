"""Legality review (合法性审查, 第二十五条至第二十八条)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.services import deadline_meet, deadline_open
from workflows.models import Unit
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Decision, LegalityReview, Stage
from ._common import lock, missing_error, require_role, require_stage

RULE_KEY = "decision.legality_review"


def legality_review_actors(decision: Decision) -> tuple[str, Unit]:
    """(role, unit) that acts on the legality review: whom its clock reminds and shows to —
    read from the step's declaration (``decisions.steps``), as the task's offer is."""
    from ..steps import step_of_node  # the steps call these services

    return step_of_node("legality_review").offered_units(decision)[0]


def review_copy_computed_due(*, deadline, **_kwargs) -> None:
    """The review clock awaited its holiday notice and now has its date: the review shows it
    (``workflows.clocks.signals.deadline_computed``, in the same transaction)."""
    if deadline.rule_key == RULE_KEY:
        LegalityReview.objects.filter(deadline_id=deadline.pk, due_on=None).update(
            due_on=deadline.due
        )


def latest_review(decision: Decision) -> LegalityReview | None:
    return decision.legality_reviews.order_by("-submitted_at", "-pk").first()


def passes_review(decision: Decision) -> bool:
    """The latest completed review lets the draft go to the meeting (第二十五条)."""
    review = latest_review(decision)
    return review is not None and rules.may_go_to_meeting(
        reviewed=review.status == LegalityReview.Status.COMPLETED,
        outcome=review.outcome,
        exploratory_reform=review.exploratory_reform,
        legal_risk_statement=review.legal_risk_statement,
    )


@service_atomic
def legality_review_submit(*, decision: Decision, by, procedures_account: str) -> LegalityReview:
    """Send the draft to the legality review. The submission carries the draft, its legal basis
    and the account of the procedures done; an incomplete one is refused with the list of what
    is missing (第二十六条). The reviewer gets at least 7 working days (第二十六条), a clock
    opened now."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    missing = rules.legality_submission_missing(
        draft_text=decision.draft_text,
        legal_basis=decision.legal_basis,
        procedures_account=procedures_account,
    )
    if missing:
        raise missing_error(
            _("The submission is incomplete and is returned: %(missing)s."),
            missing,
            "legality_submission_incomplete",
        )
    running = latest_review(decision)
    if running is not None and running.status == LegalityReview.Status.SUBMITTED:
        raise ValidationError(_("A review is already under way."), code="review_running")
    now = timezone.now()
    review = LegalityReview.objects.create(
        decision=decision,
        draft_version=decision.versions.order_by("-number").first(),
        legal_basis=decision.legal_basis,
        procedures_account=procedures_account.strip(),
        submitted_by=by,
        submitted_at=now,
        due_on=now.date(),  # replaced by the clock's due date just below
    )
    role, unit = legality_review_actors(decision)
    deadline = deadline_open(
        subject=review,
        rule_key=RULE_KEY,
        start=timezone.localdate(now),
        responsible_unit=unit,
        responsible_role=role,
    )
    review.due_on = deadline.due
    review.deadline_id = deadline.pk
    review.save(update_fields=["due_on", "deadline_id"])
    record_append(
        actor=by,
        action="decision.legality_review_submitted",
        subject=decision,
        payload={
            "review": review.pk,
            "draft_version": review.draft_version.number,
            "draft_sha256": review.draft_version.sha256,
            "due_on": review.due_on,
            "legal_source": deadline.legal_source,
        },
    )
    return review


@service_atomic
def legality_review_complete(
    *,
    review: LegalityReview,
    by,
    outcome: str,
    opinion: str,
    amendments: str = "",
    exploratory_reform: bool = False,
    legal_risk_statement: str = "",
    at: datetime | None = None,
) -> LegalityReview:
    """``at`` is when the review concluded, given when it is entered after the fact.

    The legal advisor concludes lawful / lawful with amendments / unlawful (第二十八条). An
    unlawful draft goes back to drafting (第二十五条), unless it is an exploratory reform whose
    legal risk is stated explicitly."""
    decision = lock(review.decision_id)
    require_role(user=by, role="legal_advisor", unit=decision.lead_unit)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = LegalityReview.objects.select_for_update().get(pk=review.pk)
    if review.status != LegalityReview.Status.SUBMITTED:
        raise ValidationError(_("This review is already completed."), code="review_completed")
    problem = rules.legality_outcome_problem(
        outcome=outcome,
        exploratory_reform=exploratory_reform,
        legal_risk_statement=legal_risk_statement,
        opinion=opinion,
    )
    if problem == "legal_risk_statement_required":
        raise ValidationError(
            _("An exploratory reform may proceed only with its legal risk stated explicitly."),
            code=problem,
        )
    if problem:
        raise ValidationError(_("Give an outcome and a written opinion."), code=problem)
    if outcome == "lawful_with_amendments" and not amendments.strip():
        raise ValidationError(_("List the amendments required."), code="amendments_required")
    review.status = LegalityReview.Status.COMPLETED
    review.reviewer = by
    review.outcome = outcome
    review.opinion = opinion.strip()
    review.amendments = amendments.strip()
    review.exploratory_reform = exploratory_reform
    review.legal_risk_statement = legal_risk_statement.strip()
    review.completed_at = at or timezone.now()
    if review.completed_at < review.submitted_at:
        raise ValidationError(_("A review cannot end before it began."), code="before_submission")
    review.save()
    if review.deadline_id:
        from workflows.clocks.models import Deadline

        deadline_meet(
            deadline=Deadline.objects.get(pk=review.deadline_id), at=review.completed_at, by=by
        )
    passes = rules.may_go_to_meeting(
        reviewed=True,
        outcome=outcome,
        exploratory_reform=exploratory_reform,
        legal_risk_statement=legal_risk_statement,
    )
    decision_stage_move(
        decision=decision, move="pass_legality_review" if passes else "fail_legality_review"
    )
    record_append(
        actor=by,
        action="decision.legality_reviewed",
        subject=decision,
        payload={
            "review": review.pk,
            "outcome": outcome,
            "exploratory_reform": exploratory_reform,
            "legal_risk_statement": review.legal_risk_statement,
            "stage": decision.stage,
            "on": timezone.localdate(review.completed_at),
        },
    )
    return review
