"""Legality review of a draft (合法性审核, 国办发〔2018〕115号): submission, conclusion and the
amendments it asks for."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError, add_working_days
from workflows.clocks.selectors import calendar_for, rule_for

from .. import rules
from ..conf import setting
from ..models import (
    LegalityReview,
    NormativeDocument,
    Status,
)
from ..permissions import (
    is_drafter_for,
    is_legality_reviewer_for,
)
from ..rules import RuleRefusal
from . import deadlines
from ._common import act_time, record, refuse, today
from .lifecycle import _locked, _save_status, move


def _public_comment_refusal(document: NormativeDocument) -> RuleRefusal | None:
    """A document touching the public interest goes out for comment before review (令第218号)."""
    if not document.touches_public_interest:
        return None
    from workflows.consultations.models import Consultation
    from workflows.consultations.selectors import consultation_latest

    consultation = consultation_latest(subject=document)
    if consultation is None or consultation.status != Consultation.Status.FINISHED:
        return RuleRefusal(
            _(
                "A document touching the public interest must finish public comment (every "
                "comment disposed of) before legality review: 自治区人民政府令第218号 / "
                "国办发〔2018〕37号 三(二)"
            ),
            code="public_comment_unfinished",
        )
    return None


def _earliest_conclusion(start: date, minimum: int, calendar) -> date | None:
    """The earliest day the review may conclude (115号 三(二)), or None while the count
    reaches a year whose holiday notice is unknown: it is worked out when the conclusion
    comes (``legality_review_conclude``), never guessed and never blocking the submission."""
    try:
        return add_working_days(start, minimum, calendar=calendar)
    except CalendarRangeError:
        return None


@transaction.atomic
def legality_review_submit(
    *, document: NormativeDocument, by, method: str = "written_review", on: date | None = None
) -> LegalityReview:
    """Submit the draft for legality review (国办发〔2018〕115号).

    Comment collection, countersigning or attending deliberation cannot replace it (二(四)). The
    review runs at least the minimum and at most the maximum working days (三(二)); the maximum is
    the clocks deadline, the minimum the earliest day a conclusion is accepted.
    """
    document = _locked(document)
    refuse(rules.review_method_refusal(method))
    if not is_drafter_for(user=by, body=document.drafting_body):
        raise RuleRefusal(
            _("Only a drafter of the drafting body submits its draft for review."),
            code="not_drafter",
        )
    refuse(_public_comment_refusal(document))
    minimum = setting("LEGALITY_REVIEW_MIN_WORKING_DAYS")
    # The maximum is the clocks rule, so a jurisdiction's override is checked against 115号 too.
    maximum = rule_for(deadlines.LEGALITY_REVIEW).amount
    refuse(rules.review_bounds_refusal(min_days=minimum, max_days=maximum))
    source = move(document, Status.LEGALITY_REVIEW)
    _save_status(document)
    start = on or today()
    calendar = calendar_for()
    deadline = deadlines.open_clock(
        subject=document,
        rule_key=deadlines.LEGALITY_REVIEW,
        start=start,
        responsible_unit=document.drafting_body.unit,
        responsible_role="legal_advisor",  # permissions.is_legality_reviewer_for
    )
    review = LegalityReview.objects.create(
        document=document,
        submitted_by=by,
        submitted_on=start,
        earliest_conclusion_on=_earliest_conclusion(start, minimum, calendar),
        due_on=deadline.due,
    )
    record(
        actor=by,
        action="legality_review.submitted",
        subject=document,
        payload={
            "from": source,
            "method": method,
            "review": review.pk,
            "earliest_conclusion_on": review.earliest_conclusion_on,
            "due_on": review.due_on,
            "legal_source": deadline.legal_source,
        },
    )
    return review


@transaction.atomic
def legality_review_conclude(
    *, review: LegalityReview, by, outcome: str, opinion: str, on: date | None = None
) -> LegalityReview:
    """Record the review's conclusion: lawful, needs amendment or unlawful (115号 三(三)).

    An unlawful draft goes back to drafting and must be reviewed again before deliberation.
    """
    document = _locked(review.document)
    review = LegalityReview.objects.select_for_update().get(pk=review.pk)
    if review.outcome:
        raise RuleRefusal(_("This review is already concluded."), code="review_concluded")
    if not (
        document.status == Status.LEGALITY_REVIEW and document.reviews.order_by("-id")[0] == review
    ):
        raise RuleRefusal(
            _("Only the current review of a draft under review can be concluded."),
            code="review_not_current",
        )
    if not is_legality_reviewer_for(user=by, document=document):
        raise RuleRefusal(
            _(
                "Only a legal advisor of the reviewing body may conclude a legality review: "
                "国办发〔2018〕115号 二(二)"
            ),
            code="not_legality_reviewer",
        )
    if outcome not in LegalityReview.Outcome.values:
        raise RuleRefusal(
            _("Unknown review outcome “%(outcome)s”."),
            code="unknown_review_outcome",
            params={"outcome": outcome},
        )
    if not opinion.strip():
        raise RuleRefusal(
            _("A review conclusion needs a written opinion."), code="opinion_required"
        )
    earliest = review.earliest_conclusion_on
    if earliest is None:
        # Not computable at submission (its year's holiday notice was unknown): this check
        # needs the date itself, so it is computed now or refused with CalendarRangeError,
        # whose message names the notice to enter (domain.md §4).
        earliest = add_working_days(
            review.submitted_on,
            setting("LEGALITY_REVIEW_MIN_WORKING_DAYS"),
            calendar=calendar_for(),
        )
        review.earliest_conclusion_on = earliest
        review.save(update_fields=["earliest_conclusion_on"])
    on = on or today()
    refuse(rules.review_conclusion_refusal(today=on, earliest=earliest))
    if on < review.submitted_on:
        raise RuleRefusal(
            _("A review cannot conclude before it was submitted."), code="before_submission"
        )
    review.reviewer = by
    review.outcome = outcome
    review.opinion = opinion.strip()
    # The day the review concluded, which the caller gives when entering it after the fact.
    review.concluded_at = act_time(on)
    review.save(update_fields=["reviewer", "outcome", "opinion", "concluded_at"])
    deadlines.meet(document, deadlines.LEGALITY_REVIEW, at=review.concluded_at)
    if outcome == LegalityReview.Outcome.UNLAWFUL:
        move(document, Status.DRAFT)
        _save_status(document)
    record(
        actor=by,
        action="legality_review.concluded",
        subject=document,
        payload={"review": review.pk, "outcome": outcome, "opinion": review.opinion},
        on=on,
    )
    return review


@transaction.atomic
def legality_review_amendments_record(*, review: LegalityReview, by, note: str) -> LegalityReview:
    """The drafter states how the draft was amended as the review asked (115号 三(四))."""
    document = _locked(review.document)
    review = LegalityReview.objects.select_for_update().get(pk=review.pk)
    if not is_drafter_for(user=by, body=document.drafting_body):
        raise RuleRefusal(
            _("Only a drafter of the drafting body records the amendments."), code="not_drafter"
        )
    if review.outcome != LegalityReview.Outcome.NEEDS_AMENDMENT:
        raise RuleRefusal(
            _("Amendments are recorded only for a review that asked for them."),
            code="amendments_not_asked",
        )
    if not note.strip():
        raise RuleRefusal(_("State the amendments made."), code="amendments_note_required")
    review.amendments_note = note.strip()
    review.amendments_recorded_at = timezone.now()
    review.save(update_fields=["amendments_note", "amendments_recorded_at"])
    record(
        actor=by,
        action="legality_review.amendments_recorded",
        subject=document,
        payload={"review": review.pk, "note": review.amendments_note},
    )
    return review
