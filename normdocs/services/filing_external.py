"""Filings with a body outside the installation: the clerk records what happens there.

The clerk is the issuing body's publisher (or its heads): the people who submit its filings
(有件必备 is the issuer's duty). The filing clock is met by the submission; the 30 days of
review after receipt are the outside body's, kept here with the clerk responsible, so that an
overdue outcome reminds the clerk to chase it.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.clocks.services import deadline_open

from ..models import Filing
from ..permissions import is_issuer_head_for, is_publisher_for
from ..rules import RuleRefusal
from . import deadlines
from ._common import act_time, record, today
from .filing import _act_date, _locked, _move
from .validity import normdoc_revoke

EXTERNAL_OUTCOMES = {
    "accepted": Filing.Status.ACCEPTED,
    "returned": Filing.Status.RETURNED,
    "correction_requested": Filing.Status.CORRECTION_REQUESTED,
    "revoked": Filing.Status.REVOKED_BY_FILING_BODY,
    "changed": Filing.Status.CHANGED_BY_FILING_BODY,
}


def _require_clerk(filing: Filing, by) -> None:
    if not filing.is_external:
        raise RuleRefusal(
            _("This filing is reviewed in the installation by its receiving government."),
            code="receiving_unit_inside",
        )
    document = filing.document
    if not (
        is_publisher_for(user=by, document=document)
        or is_issuer_head_for(user=by, document=document)
    ):
        raise RuleRefusal(
            _("Only the issuing body records its filings outside the installation."),
            code="not_issuing_body",
        )


def _receive_external(filing: Filing, by, received_on: date) -> Filing:
    if filing.submitted_on is not None and received_on < filing.submitted_on:
        raise RuleRefusal(
            _("A filing cannot be received before it was submitted."), code="before_submission"
        )
    source = _move(filing, Filing.Status.RECEIVED)
    review = deadlines.open_clock(
        subject=filing,
        rule_key=deadlines.FILING_REVIEW,
        start=received_on,
        responsible_unit=filing.document.drafting_body.unit,
        responsible_role="publisher",  # the clerk chases the outcome when it is overdue
    )
    filing.received_on, filing.review_due_on = received_on, review.due
    filing.save(update_fields=["status", "received_on", "review_due_on"])
    record(
        actor=by,
        action="filing.received",
        subject=filing.document,
        payload={
            "filing": filing.pk,
            "from": source,
            "body": filing.receiving_body.name,
            "received_on": received_on,
            "review_due_on": review.due,
        },
        on=received_on,
    )
    return filing


@transaction.atomic
def filing_external_submit(
    *,
    filing: Filing,
    by,
    reference: str,
    materials: str,
    submitted_on: date | None = None,
    received_on: date | None = None,
) -> Filing:
    """The clerk records the submission to a body outside the installation (报备: the date, the
    reference 报备文号 and the materials); it meets the 30-day filing clock (令第218号). The
    receipt the body acknowledged may be entered with it or later (filing_external_receipt)."""
    filing = _locked(filing)
    _require_clerk(filing, by)
    if not (reference.strip() and materials.strip()):
        raise RuleRefusal(
            _("Enter the filing reference and the materials submitted."),
            code="submission_incomplete",
        )
    submitted_on = submitted_on or today()
    if submitted_on < filing.document.published_on:
        raise RuleRefusal(
            _("A filing cannot be submitted before the document was published."),
            code="before_publication",
        )
    source = _move(filing, Filing.Status.SUBMITTED)
    deadlines.meet(filing, deadlines.FILING, at=act_time(submitted_on))
    filing.submitted_on = submitted_on
    filing.reference, filing.materials = reference.strip(), materials.strip()
    filing.save(update_fields=["status", "submitted_on", "reference", "materials"])
    record(
        actor=by,
        action="filing.submitted",
        subject=filing.document,
        payload={
            "filing": filing.pk,
            "from": source,
            "body": filing.receiving_body.name,
            "submitted_on": submitted_on,
            "reference": filing.reference,
            "materials": filing.materials,
        },
        on=submitted_on,
    )
    if received_on is not None:
        _receive_external(filing, by, received_on)
    return filing


@transaction.atomic
def filing_external_receipt(*, filing: Filing, by, received_on: date) -> Filing:
    """The body outside the installation acknowledged receipt on ``received_on``: its 30 days
    of review start (令第218号: 自收到之日起30日内完成审查)."""
    filing = _locked(filing)
    _require_clerk(filing, by)
    return _receive_external(filing, by, received_on)


@transaction.atomic
def filing_external_outcome(
    *,
    filing: Filing,
    by,
    outcome: str,
    on: date,
    reference: str = "",
    opinion: str = "",
    correction_due_on: date | None = None,
) -> Filing:
    """The clerk records the outcome a body outside the installation sent back (令第218号):
    accepted; returned for completion (补正, submitted again); correction requested by a
    deadline (the issuer amends or revokes); revoked (撤销, the document ends); changed."""
    filing = _locked(filing)
    _require_clerk(filing, by)
    if outcome not in EXTERNAL_OUTCOMES:
        raise RuleRefusal(
            _("Unknown filing outcome “%(outcome)s”."),
            code="unknown_outcome",
            params={"outcome": outcome},
        )
    on = _act_date(filing, on)
    reference, opinion = reference.strip(), opinion.strip()
    _require_outcome_details(
        outcome, on=on, reference=reference, opinion=opinion, correction_due_on=correction_due_on
    )
    source = _move(filing, EXTERNAL_OUTCOMES[outcome])
    at = act_time(on)
    fields = ["status", "opinion", "outcome_on", "outcome_reference"]
    filing.opinion, filing.outcome_on, filing.outcome_reference = opinion, on, reference
    fields += _outcome_review_clocks(
        filing, by, outcome=outcome, on=on, at=at, correction_due_on=correction_due_on
    )
    if outcome in ("accepted", "changed", "revoked"):
        filing.closed_at = at
        fields.append("closed_at")
    _outcome_correction_end(filing, by, outcome=outcome, source=source, on=on, at=at)
    filing.save(update_fields=fields)
    record(
        actor=by,
        action=f"filing.{filing.status}",
        subject=filing.document,
        payload={
            "filing": filing.pk,
            "from": source,
            "body": filing.receiving_body.name,
            "reference": reference,
            "opinion": opinion,
            "correction_due_on": correction_due_on if outcome == "correction_requested" else None,
        },
        on=on,
    )
    return filing


def _require_outcome_details(
    outcome: str, *, on: date, reference: str, opinion: str, correction_due_on: date | None
) -> None:
    """What an outcome must carry: what the body found or asked for, the reference of its
    decision, and for a correction the deadline it set (not before the outcome's day)."""
    if outcome in ("returned", "correction_requested", "changed") and not opinion:
        raise RuleRefusal(
            _("Enter what the filing body found or asked for."), code="outcome_opinion_required"
        )
    if outcome in ("correction_requested", "revoked", "changed") and not reference:
        raise RuleRefusal(
            _("Enter the reference of the filing body's decision."),
            code="outcome_reference_required",
        )
    if outcome == "correction_requested" and (correction_due_on is None or correction_due_on < on):
        raise RuleRefusal(
            _("Enter the deadline the filing body set for the correction."),
            code="correction_deadline_required",
        )


def _outcome_review_clocks(
    filing: Filing, by, *, outcome: str, on: date, at: datetime, correction_due_on: date | None
) -> list[str]:
    """The outside body's review clock ends with its outcome (waived when it returns the
    filing for completion); a correction it requests starts the issuer's clock with the
    deadline it set. Returns the filing's fields this changed."""
    if outcome == "returned":
        deadlines.waive(filing, deadlines.FILING_REVIEW, by=by, reason="Returned for completion")
    else:
        deadlines.meet(filing, deadlines.FILING_REVIEW, at=at)
    if outcome != "correction_requested":
        return []
    deadline_open(
        subject=filing,
        rule_key=deadlines.FILING_CORRECTION,
        start=on,
        due=correction_due_on,
        responsible_unit=filing.document.drafting_body.unit,
        responsible_role="drafter",  # filing_issuer_amend (or the issuer's heads revoke)
    )
    filing.correction_due_on = correction_due_on
    return ["correction_due_on"]


def _outcome_correction_end(
    filing: Filing, by, *, outcome: str, source: str, on: date, at: datetime
) -> None:
    """A revocation (撤销) by the outside body ends the document and waives the issuer's
    correction clock; any other outcome after a correction was requested meets that clock."""
    if outcome == "revoked":
        deadlines.waive(
            filing, deadlines.FILING_CORRECTION, by=by, reason="Revoked by the filing body"
        )
        normdoc_revoke(
            document=filing.document,
            by=by,
            on=on,
            reason=f"Revoked by the filing body: {filing.opinion or filing.outcome_reference}",
            revoked_by="filing_body",
            body=filing.receiving_body.name,
            reference=filing.outcome_reference,
        )
    elif source == Filing.Status.CORRECTION_REQUESTED:
        deadlines.meet(filing, deadlines.FILING_CORRECTION, at=at)
