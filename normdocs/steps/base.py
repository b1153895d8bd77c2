"""What the steps of a document read: the units they are offered over, the document's filings
and current legality review they act on, and when the steps whose state is more than the
document's status apply (with the public comment one of them opens)."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import Filing, LegalityReview, Status
from ..rules import RuleRefusal

# --- the units a step is offered over -----------------------------------------------------------


def issuing_unit(document):
    """The unit of the document's drafting body (制定主体)."""
    return document.drafting_body.unit


def government_meeting_unit(document):
    """The government whose executive or plenary meeting deliberates the document of its
    government office (国办发〔2018〕37号 三(四)；``services.drafting_body_meeting_unit``), or
    None for every other body, whose own unit deliberates (``issuing_unit``)."""
    from ..services.bodies import drafting_body_meeting_unit

    body = document.drafting_body
    unit = drafting_body_meeting_unit(body)
    return None if unit.pk == body.unit_id else unit


def filings(document) -> list[Filing]:
    """The document's filings, one per receiving body (令第218号), read once per document: a
    page that reads the document with ``prefetch_related("filings__receiving_unit",
    "filings__receiving_body")`` asks the database nothing more."""
    return list(document.filings.all())


def filing(document) -> Filing | None:
    """The document's filing with a government of the installation, reviewed here by its
    filing reviewers (the county for its departments and townships), or None."""
    return next((f for f in filings(document) if not f.is_external), None)


def receiving_unit(document):
    """The government the document is filed with (备案审查机关), when it is in the system."""
    found = filing(document)
    return found.receiving_unit if found is not None else None


def _filing_where(document, *states, external: bool | None = None) -> Filing | None:
    """The first of the document's filings in one of ``states`` (inside or outside the
    installation when ``external`` says which)."""
    return next(
        (
            f
            for f in filings(document)
            if f.status in states and (external is None or f.is_external == external)
        ),
        None,
    )


def external_filing(document, body) -> Filing:
    """The document's filing with the body outside the installation the form named."""
    found = next((f for f in filings(document) if f.receiving_body_id == body.pk), None)
    if found is None:
        raise RuleRefusal(
            _("This document is not filed with “%(body)s”."),
            code="not_filed_with_body",
            params={"body": body.name},
        )
    return found


def current_review(document) -> LegalityReview | None:
    return document.reviews.order_by("-id").first()


def _filing_in(document, *states) -> bool:
    found = filing(document)
    return found is not None and found.status in states


def _issuer_filing(document) -> Filing | None:
    """The filing whose receiving body asked the issuer to correct the document."""
    return _filing_where(document, Filing.Status.CORRECTION_REQUESTED)


# --- what each step does ----------------------------------------------------------------------


def _may_open_consultation(document) -> bool:
    from workflows.consultations.selectors import consultation_latest

    return (
        document.status == Status.DRAFT
        and document.touches_public_interest
        and consultation_latest(subject=document) is None
    )


def _open_consultation(document, user, data) -> None:
    """Public comment on a document touching the public interest (令第218号), through the shared
    consultations app: comments, dispositions and the adoption report live there."""
    from workflows.consultations.services import consultation_open

    closes_at = timezone.make_aware(datetime.combine(data["closes_on"], time(23, 59)))
    consultation_open(
        subject=document,
        by=user,
        title=document.title,
        draft_text=document.text,
        opens_at=timezone.now(),
        closes_at=closes_at,
        short_period_reason=data["short_period_reason"],
    )


def _review_open(document) -> bool:
    review = current_review(document)
    return document.status == Status.LEGALITY_REVIEW and review is not None and not review.outcome


def _amendments_owed(document) -> bool:
    review = current_review(document)
    return (
        document.status == Status.LEGALITY_REVIEW
        and review is not None
        and review.outcome == LegalityReview.Outcome.NEEDS_AMENDMENT
        and not review.amendments_recorded_at
    )


def _may_revise(document) -> bool:
    """After a review asking for amendments, or once the draft came back (rules.revision_refusal)."""
    review = current_review(document)
    return (
        rules.revision_refusal(
            status=str(document.status),
            returned=review is not None,
            review_outcome=review.outcome or None if review else None,
        )
        is None
    )


def _deliberation_open(document) -> bool:
    return (
        document.status == Status.DELIBERATION
        and not document.deliberations.filter(adopted=True).exists()
    )
