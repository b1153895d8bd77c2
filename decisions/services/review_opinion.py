"""The legality review's opinion (合法性审查意见, 第二十八条): a legal advisor of the review
office prepares it, the office's head approves it — only then is it numbered, issued in the
office's name (合法性审查意见书) and the decision moved on — or sends it back to be reconsidered.
The submission it answers is in ``review_submission``, what both read in ``review``.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.services import deadline_meet
from workflows.models import Unit
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import LegalityOpinionRegister, LegalityReview, Stage
from ._common import held_written, lock, require_stage
from .review import LATEST, _require_reviewer, _review_locked


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
    """``at`` is when the opinion was prepared, given when it is entered after the fact.

    A legal advisor of the review office, who did not draft the decision, prepares the opinion:
    lawful / lawful with amendments / unlawful (第二十八条), at any time before the date it is
    needed by. Nothing moves yet: the opinion is issued when the office's head approves it
    (``legality_review_approve``)."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="legal_advisor")
    if review.status != LegalityReview.Status.SUBMITTED:
        raise ValidationError(_("This review is already completed."), code="review_completed")
    _require_opinion_complete(
        outcome=outcome,
        opinion=opinion,
        amendments=amendments,
        exploratory_reform=exploratory_reform,
        legal_risk_statement=legal_risk_statement,
    )
    review.status = LegalityReview.Status.AWAITING_APPROVAL
    review.reviewer = by
    review.outcome = outcome
    review.opinion = opinion.strip()
    review.amendments = amendments.strip()
    review.exploratory_reform = exploratory_reform
    review.legal_risk_statement = legal_risk_statement.strip()
    review.concluded_at = at or timezone.now()
    if review.concluded_at < review.submitted_at:
        raise ValidationError(_("A review cannot end before it began."), code="before_submission")
    review.save()
    held_written(decision, LATEST, review)
    record_append(
        actor=by,
        action="decision.legality_opinion_prepared",
        subject=decision,
        payload={
            "review": review.pk,
            "outcome": outcome,
            "exploratory_reform": exploratory_reform,
            "on": timezone.localdate(review.concluded_at),
        },
    )
    return review


def _require_opinion_complete(
    *,
    outcome: str,
    opinion: str,
    amendments: str,
    exploratory_reform: bool,
    legal_risk_statement: str,
) -> None:
    """An opinion states its outcome in writing (第二十八条); an exploratory reform found
    unlawful goes on only with its legal risk stated; lawful with amendments lists them."""
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


def _opinion_number_allocate(*, office: Unit, year: int) -> int:
    """The next serial of ``office``'s opinions in ``year``: the register row is created if
    missing (a concurrent creator loses quietly) and locked, so concurrent approvals queue on
    it and each takes exactly the next number; a rolled-back approval gives its number back.

    On PostgreSQL in one statement: an INSERT that, when the row exists, moves it on instead
    (``ON CONFLICT … DO UPDATE`` locks the row and, under READ COMMITTED, moves it on from the
    last committed number, as the lock-then-read below does)."""
    if connection.vendor == "postgresql":
        q = connection.ops.quote_name
        meta = LegalityOpinionRegister._meta
        office_column = q(meta.get_field("office").column)
        year_column = q(meta.get_field("year").column)
        serial_column = q(meta.get_field("last_serial").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(meta.db_table)} AS r ({office_column}, {year_column}, "
                f"{serial_column}) VALUES (%s, %s, 1) ON CONFLICT ({office_column}, "
                f"{year_column}) DO UPDATE SET {serial_column} = r.{serial_column} + 1 "
                f"RETURNING {serial_column}",
                [office.pk, year],
            )
            return cursor.fetchone()[0]
    LegalityOpinionRegister.objects.bulk_create(
        [LegalityOpinionRegister(office=office, year=year)], ignore_conflicts=True
    )
    register = LegalityOpinionRegister.objects.select_for_update().get(office=office, year=year)
    register.last_serial += 1
    register.save(update_fields=["last_serial"])
    return register.last_serial


def opinion_number(*, office: Unit, year: int, serial: int) -> str:
    """合法性审查意见书's number: the office's issuer code, 审, 〔year〕, serial, 号 (GB/T 9704)."""
    return f"{office.issuer_code or office.name}审〔{year}〕{serial}号"


@service_atomic
def legality_review_approve(
    *, review: LegalityReview, by, at: datetime | None = None
) -> LegalityReview:
    """The head of the review office approves the prepared opinion; it is issued in the
    office's name under the next number of the office's year (合法性审查意见书, 第二十八条), the
    review clock is met, and the decision goes on to the meeting — or back to drafting when
    unlawful (第二十五条), unless an exploratory reform states its legal risk explicitly."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    office = _require_reviewer(review=review, decision=decision, by=by, role="unit_head")
    if review.status != LegalityReview.Status.AWAITING_APPROVAL:
        raise ValidationError(
            _("There is no prepared opinion to approve."), code="opinion_not_prepared"
        )
    completed_at = at or timezone.now()
    if completed_at < review.concluded_at:
        raise ValidationError(
            _("An opinion cannot be approved before it was prepared."), code="before_conclusion"
        )
    _opinion_number_assign(review=review, office=office, completed_at=completed_at)
    review.approved_by = by
    review.completed_at = completed_at
    review.status = LegalityReview.Status.COMPLETED
    review.save()
    held_written(decision, LATEST, review)
    if review.deadline_id is not None:  # read under its lock by deadline_meet
        deadline_meet(deadline=review.deadline_id, at=completed_at, by=by)
    passes = rules.may_go_to_meeting(
        reviewed=True,
        outcome=review.outcome,
        exploratory_reform=review.exploratory_reform,
        legal_risk_statement=review.legal_risk_statement,
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
            "opinion_number": review.opinion_number,
            "review_office": office.name,
            "reviewer": review.reviewer_id,
            "draft_version": review.draft_version.number,
            "draft_sha256": review.draft_version.sha256,
            "outcome": review.outcome,
            "exploratory_reform": review.exploratory_reform,
            "legal_risk_statement": review.legal_risk_statement,
            "stage": decision.stage,
            "on": timezone.localdate(completed_at),
        },
    )
    return review


def _opinion_number_assign(*, review: LegalityReview, office: Unit, completed_at: datetime):
    """Number the approved opinion in ``office``'s name under the next serial of the year it
    was approved in (合法性审查意见书, 第二十八条)."""
    year = timezone.localdate(completed_at).year
    serial = _opinion_number_allocate(office=office, year=year)
    review.review_office = office
    review.opinion_year = year
    review.opinion_serial = serial
    review.opinion_number = opinion_number(office=office, year=year, serial=serial)


@service_atomic
def legality_opinion_send_back(*, review: LegalityReview, by, note: str) -> LegalityReview:
    """The head of the review office does not approve the prepared opinion and sends it back
    to the office's legal advisors, saying what to reconsider; the review is under way again
    and its clock keeps running (第二十八条: the opinion is the office's)."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="unit_head")
    if review.status != LegalityReview.Status.AWAITING_APPROVAL:
        raise ValidationError(
            _("There is no prepared opinion to approve."), code="opinion_not_prepared"
        )
    if not note.strip():
        raise ValidationError(
            _("Say what the legal advisors should reconsider."), code="send_back_note_required"
        )
    review.status = LegalityReview.Status.SUBMITTED
    review.save(update_fields=["status"])
    held_written(decision, LATEST, review)
    record_append(
        actor=by,
        action="decision.legality_opinion_sent_back",
        subject=decision,
        payload={"review": review.pk, "outcome": review.outcome, "note": note.strip()},
    )
    return review
