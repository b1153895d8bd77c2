"""Sending the draft to legality review and returning an incomplete submission (合法性审查,
第二十六条).

The lead unit's drafter sends the draft to the review office with the account of the
procedures done, stating the date by which the opinion is needed: no earlier than the 7th
working day unless a reason is recorded (第二十六条, a minimum owed to the reviewer). A legal
advisor of the office who did not draft it may return the submission for supplement (退回补充);
the opinion itself is in ``review_opinion``, what both read in ``review``.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.clocks.services import deadline_open, deadline_waive
from workflows.offices import review_office_of
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..models import Decision, DraftVersion, LegalityReview, Stage
from ..rules import preparation
from ._common import (
    act_on,
    act_time,
    decision_first,
    held_forget,
    held_written,
    lock,
    missing_error,
    require_role,
    require_stage,
)
from .review import (
    LATEST,
    RULE_KEY,
    _require_reviewer,
    _review_deadline,
    _review_locked,
    latest_review,
    legality_review_actors,
)

RUNNING = (LegalityReview.Status.SUBMITTED, LegalityReview.Status.AWAITING_APPROVAL)


@service_atomic
def legality_review_submit(
    *,
    decision: Decision,
    by,
    procedures_account: str,
    opinion_needed_by: date | None = None,
    short_time_reason: str = "",
    at: datetime | None = None,
) -> LegalityReview:
    """Send the draft to the review office. The submission carries the draft, its legal basis
    and the account of the procedures done; an incomplete one is refused with the list of what
    is missing (第二十六条).

    ``opinion_needed_by`` is when the opinion is needed: at least 7 working days after today
    (the setting ``decision.legality_review``, 第二十六条), earlier only with
    ``short_time_reason``; not given, the reviewer gets exactly the minimum. The review clock
    runs to that date, so the reviewer is not overdue before it. When the 7th working day falls
    in a year whose holiday notice is not entered yet, the submission goes ahead and the review
    records that the minimum could not be checked (never guessed, domain.md §4).

    ``at`` is when it was submitted, given when it is entered after the fact: the minimum, the
    clock and the review's working days count from that day."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    office = review_office_of(decision.government)  # refused when the government names none
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
    if running is not None and running.status in RUNNING:
        raise ValidationError(_("A review is already under way."), code="review_running")
    now = act_time(at)
    submitted_on = timezone.localdate(now)
    earliest, unchecked_year, short_time_reason = _needed_by_checked(
        submitted_on=submitted_on,
        opinion_needed_by=opinion_needed_by,
        short_time_reason=short_time_reason,
    )
    review = LegalityReview.objects.create(
        decision=decision,
        draft_version=decision_first("latest version", _latest_version_of, decision),
        review_office=office,
        government_id=decision.government_id,
        legal_basis=decision.legal_basis,
        procedures_account=procedures_account.strip(),
        submitted_by=by,
        submitted_at=now,
        opinion_needed_by=opinion_needed_by or earliest,
        minimum_on=earliest,
        short_time_reason=short_time_reason,
        minimum_unchecked_year=unchecked_year,
    )
    held_forget(LATEST, decision)  # a new review: which is the latest is asked again
    # The date the submission gave; else the rule computes the minimum (or awaits).
    deadline = _review_clock_open(
        review=review, decision=decision, start=submitted_on, due=opinion_needed_by
    )
    record_append(
        actor=by,
        action="decision.legality_review_submitted",
        subject=decision,
        payload={
            "review": review.pk,
            "review_office": office.name,
            "draft_version": review.draft_version.number,
            "draft_sha256": review.draft_version.sha256,
            "opinion_needed_by": review.opinion_needed_by,
            "minimum_on": earliest,
            **({"short_time_reason": short_time_reason} if short_time_reason else {}),
            **({"minimum_unchecked_awaiting_year": unchecked_year} if unchecked_year else {}),
            "due_on": review.due_on,
            "legal_source": deadline.legal_source,
            **act_on(now),
        },
    )
    return review


def _needed_by_checked(
    *, submitted_on: date, opinion_needed_by: date | None, short_time_reason: str
) -> tuple[date | None, int | None, str]:
    """``legality_review_submit``'s dates: the minimum (the 7th working day after
    ``submitted_on``, the setting ``decision.legality_review``, 第二十六条) or, when that day
    falls in a year whose holiday notice is not entered yet, None and that year; and the reason
    for a shorter time as kept. A date needed by earlier than the minimum is refused without a
    reason; the reason is dropped when the minimum is left."""
    period = rule_for(RULE_KEY)
    unchecked_year = None
    try:
        earliest = preparation.legality_review_earliest(
            submitted_on=submitted_on, period=period, calendar=calendar_for()
        )
    except CalendarRangeError as unknown:
        earliest, unchecked_year = None, unknown.year
    short_time_reason = (short_time_reason or "").strip()
    if opinion_needed_by is not None:
        problem = preparation.legality_review_time_problem(
            submitted_on=submitted_on,
            needed_by=opinion_needed_by,
            earliest=earliest,
            short_time_reason=short_time_reason,
        )
        if problem == "needed_by_before_submission":
            raise ValidationError(
                _("The opinion cannot be needed before the draft is submitted."), code=problem
            )
        if problem:
            raise ValidationError(
                _(
                    "The review office must be left at least %(days)s working days, until "
                    "%(earliest)s; give the reason for a shorter time."
                ),
                code=problem,
                params={"days": period.amount, "earliest": earliest},
            )
    if earliest is not None and (opinion_needed_by is None or opinion_needed_by >= earliest):
        short_time_reason = ""  # the minimum is left: nothing to explain
    return earliest, unchecked_year, short_time_reason


def _review_clock_open(*, review: LegalityReview, decision: Decision, start: date, due):
    """Open the review's clock, reminding those who act on the review, running to ``due`` (or
    the rule's own date when None), and show its date on the review."""
    role, unit = legality_review_actors(decision)
    deadline = deadline_open(
        subject=review,
        rule_key=RULE_KEY,
        start=start,
        responsible_unit=unit,
        responsible_role=role,
        due=due,
    )
    review.due_on = deadline.due
    review.deadline_id = deadline.pk
    review.save(update_fields=["due_on", "deadline_id"])
    return deadline


@service_atomic
def legality_review_return(
    *, review: LegalityReview, by, missing: list[str], note: str = "", at: datetime | None = None
) -> LegalityReview:
    """A legal advisor of the review office returns an incomplete submission for supplement,
    naming what is missing (第二十六条). The review clock stops (waived, with the list as its
    reason) and the drafter submits again, which opens a new review with a new clock."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="legal_advisor")
    if review.status != LegalityReview.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submission under review can be returned."), code="review_not_running"
        )
    missing = list(dict.fromkeys(missing))
    problem = preparation.legality_return_problem(missing=missing, note=note)
    if problem == "return_other_unexplained":
        raise ValidationError(_("Describe what else is missing."), code=problem)
    if problem:
        raise ValidationError(_("Name what is missing from the submission."), code=problem)
    now = act_time(at)
    if now < review.submitted_at:
        raise ValidationError(_("A review cannot end before it began."), code="before_submission")
    review.status = LegalityReview.Status.RETURNED
    review.returned_missing = missing
    review.return_note = note.strip()
    review.returned_by = by
    review.returned_at = now
    review.save(
        update_fields=["status", "returned_missing", "return_note", "returned_by", "returned_at"]
    )
    held_written(decision, LATEST, review)
    deadline = _review_deadline(review)
    if deadline is not None and deadline.is_running:
        labels = "、".join(str(LegalityReview.Missing(m).label) for m in missing)
        deadline_waive(deadline=deadline, by=by, reason=f"退回补充（第二十六条）：{labels}")
    record_append(
        actor=by,
        action="decision.legality_review_returned",
        subject=decision,
        payload={
            "review": review.pk,
            "missing": missing,
            "note": review.return_note,
            **act_on(now),
        },
    )
    return review


def _latest_version_of(pk: int) -> QuerySet:
    """The decision's latest draft version, as ``decision.versions.order_by("-number")
    .first()`` reads it (``_common.decision_first``)."""
    return DraftVersion.objects.filter(decision_id=pk).order_by("-number")[:1]
