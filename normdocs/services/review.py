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
    DocumentVersion,
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
from .versions import version_ensure, version_payload


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


def _comment_account(document: NormativeDocument, given: str) -> str:
    """The account of public comment and its adoption: the drafter's, else the adoption report
    of the document's finished consultation (workflows.consultations)."""
    if given.strip() or not document.touches_public_interest:
        return given.strip()
    from workflows.consultations.models import Consultation
    from workflows.consultations.selectors import consultation_latest

    consultation = consultation_latest(subject=document)
    if consultation is not None and consultation.status == Consultation.Status.FINISHED:
        return str(
            _("Public comment %(title)s finished; its adoption report is on the consultation.")
            % {"title": consultation.title}
        )
    return ""


def _minimum_day(start: date, minimum: int, calendar) -> date | None:
    """The minimum-th working day after submission, or None while the count reaches a year
    whose holiday notice is unknown: the default request is then left open, never guessed and
    never blocking the submission (domain.md §4)."""
    try:
        return add_working_days(start, minimum, calendar=calendar)
    except CalendarRangeError:
        return None


@transaction.atomic
def legality_review_submit(
    *,
    document: NormativeDocument,
    by,
    method: str = "written_review",
    on: date | None = None,
    text: str | None = None,
    drafting_explanation: str = "",
    legal_basis: str | None = None,
    comment_account: str = "",
    opinion_needed_by: date | None = None,
    short_notice_reason: str = "",
) -> LegalityReview:
    """Submit the draft for legality review (国办发〔2018〕115号).

    Comment collection, countersigning or attending deliberation cannot replace it (二(四)). The
    submission carries the draft (its 送审稿 version), the drafting explanation, the legal basis
    and, when the document touches the public interest, the account of public comment; missing
    materials are refused all at once (二(三)). The drafter states when the opinion is needed:
    at least the minimum working days later unless a reason is recorded; by default exactly
    then. The reviewer's limit is the maximum working days, the clock's deadline (三(二)).
    """
    document = _locked(document)
    refuse(rules.review_method_refusal(method))
    if not is_drafter_for(user=by, body=document.drafting_body):
        raise RuleRefusal(
            _("Only a drafter of the drafting body submits its draft for review."),
            code="not_drafter",
        )
    text = document.text if text is None else text
    legal_basis = document.legal_basis if legal_basis is None else legal_basis
    account = _comment_account(document, comment_account)
    _refuse_incomplete_submission(
        document,
        text=text,
        drafting_explanation=drafting_explanation,
        legal_basis=legal_basis,
        comment_account=account,
    )
    start = on or today()
    needed_by = _opinion_needed_by(
        start=start, requested=opinion_needed_by, short_notice_reason=short_notice_reason
    )
    source = move(document, Status.LEGALITY_REVIEW)
    _save_status(document)
    version = _version_for_review(document, by=by, text=text, legal_basis=legal_basis)
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
        version=version,
        drafting_explanation=drafting_explanation.strip(),
        legal_basis=legal_basis.strip(),
        comment_account=account,
        opinion_needed_by=needed_by,
        short_notice_reason=short_notice_reason.strip(),
        due_on=deadline.due,
    )
    _submission_record(document, review, by=by, source=source, method=method, deadline=deadline)
    return review


def _refuse_incomplete_submission(
    document: NormativeDocument,
    *,
    text: str,
    drafting_explanation: str,
    legal_basis: str,
    comment_account: str,
) -> None:
    """Missing materials, refused all at once (115号 二(三)); then a public comment not yet
    finished (令第218号)."""
    refuse(
        rules.review_materials_refusal(
            text=text,
            drafting_explanation=drafting_explanation,
            legal_basis=legal_basis,
            touches_public_interest=document.touches_public_interest,
            comment_account=comment_account,
        )
    )
    refuse(_public_comment_refusal(document))


def _opinion_needed_by(
    *, start: date, requested: date | None, short_notice_reason: str
) -> date | None:
    """When the drafter needs the opinion (115号 三(二)): ``requested``, at least the minimum
    working days after ``start`` unless a reason is recorded; by default exactly then (None
    while that day is in a year whose holiday notice is unknown)."""
    minimum = setting("LEGALITY_REVIEW_MIN_WORKING_DAYS")
    # The maximum is the clocks rule, so a jurisdiction's override is checked against 115号 too.
    maximum = rule_for(deadlines.LEGALITY_REVIEW).amount
    refuse(rules.review_bounds_refusal(min_days=minimum, max_days=maximum))
    calendar = calendar_for()
    minimum_day = _minimum_day(start, minimum, calendar)
    if requested is not None and minimum_day is None and not short_notice_reason.strip():
        # The drafter's date can be checked only on the holiday calendar of its year: refused
        # with CalendarRangeError, whose message names the notice to enter (domain.md §4).
        minimum_day = add_working_days(start, minimum, calendar=calendar)
    needed_by = requested or minimum_day
    if needed_by is not None and minimum_day is not None:
        refuse(
            rules.review_needed_by_refusal(
                submitted_on=start,
                needed_by=needed_by,
                minimum_day=minimum_day,
                reason=short_notice_reason,
            )
        )
    return needed_by


def _version_for_review(
    document: NormativeDocument, *, by, text: str, legal_basis: str
) -> DocumentVersion:
    """The 送审稿: the current version when it already is this text (a draft or a revision made
    for review), else a new one; the legal basis as submitted is kept on the document."""
    version = version_ensure(
        document=document,
        kind=DocumentVersion.Kind.FOR_REVIEW,
        by=by,
        text=text,
        reuse=(DocumentVersion.Kind.FOR_REVIEW, DocumentVersion.Kind.REVISED),
    )
    if legal_basis != document.legal_basis:
        document.legal_basis = legal_basis
        document.save(update_fields=["legal_basis"])
    return version


def _submission_record(
    document: NormativeDocument, review: LegalityReview, *, by, source: str, method: str, deadline
) -> None:
    """The submission in the full-process record, with the clock's due date and legal source."""
    record(
        actor=by,
        action="legality_review.submitted",
        subject=document,
        payload={
            "from": source,
            "method": method,
            "review": review.pk,
            "version": version_payload(review.version),
            "opinion_needed_by": review.opinion_needed_by,
            "short_notice_reason": review.short_notice_reason,
            "due_on": review.due_on,
            "legal_source": deadline.legal_source,
        },
    )


@transaction.atomic
def legality_review_conclude(
    *,
    review: LegalityReview,
    by,
    outcome: str,
    opinion: str,
    checklist: dict | None = None,
    on: date | None = None,
) -> LegalityReview:
    """Record the review's conclusion: lawful, needs amendment or unlawful (115号 三(三)),
    with the content-limit checklist answered item by item (rules.CONTENT_LIMITS).

    The reviewer may conclude any day within the maximum (三(二): the minimum binds the
    drafter's request, not the reviewer). An unlawful draft goes back to drafting and must be
    reviewed again before deliberation.
    """
    document = _locked(review.document)
    review = LegalityReview.objects.select_for_update().get(pk=review.pk)
    _refuse_conclusion(document, review, by=by, outcome=outcome, opinion=opinion)
    checklist = _checklist_answers(checklist)
    refuse(rules.content_checklist_refusal(outcome=outcome, checklist=checklist))
    on = on or today()
    if on < review.submitted_on:
        raise RuleRefusal(
            _("A review cannot conclude before it was submitted."), code="before_submission"
        )
    review.reviewer = by
    review.outcome = outcome
    review.opinion = opinion.strip()
    review.content_checklist = {key: checklist[key] for key in rules.CONTENT_LIMITS}
    # The day the review concluded, which the caller gives when entering it after the fact.
    review.concluded_at = act_time(on)
    review.save(
        update_fields=["reviewer", "outcome", "opinion", "content_checklist", "concluded_at"]
    )
    deadlines.meet(document, deadlines.LEGALITY_REVIEW, at=review.concluded_at)
    if outcome == LegalityReview.Outcome.UNLAWFUL:
        move(document, Status.DRAFT)
        _save_status(document)
    record(
        actor=by,
        action="legality_review.concluded",
        subject=document,
        payload={
            "review": review.pk,
            "outcome": outcome,
            "opinion": review.opinion,
            "checklist": review.content_checklist,
            "version": version_payload(review.version),
        },
        on=on,
    )
    return review


def _refuse_conclusion(
    document: NormativeDocument, review: LegalityReview, *, by, outcome: str, opinion: str
) -> None:
    """Only the current review of a draft under review, not yet concluded, by a legal advisor
    of the reviewing body (115号 二(二)), with a known outcome and a written opinion."""
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


def _checklist_answers(checklist: dict | None) -> dict:
    """The content-limit checklist as answered: known items only (rules.CONTENT_LIMITS), each
    ``{"ok": bool, "note": str}``; an item without an ``ok`` is left unanswered."""
    return {
        key: {"ok": bool(answer.get("ok")), "note": str(answer.get("note", "")).strip()}
        for key, answer in (checklist or {}).items()
        if key in rules.CONTENT_LIMITS and isinstance(answer, dict) and "ok" in answer
    }


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
