"""Filing review inside the installation (有备必审、有错必纠, 令第218号).

The issuer submits its filing to the receiving government in the installation, whose filing
reviewer accepts it, returns it for completion or asks for a correction; the issuer then
corrects by amending or revoking its document (after a body outside the installation asked for
it, too), or the filing body revokes the document when the issuer does not.
"""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import Filing, NormativeDocument
from ..permissions import is_filing_reviewer_for, is_issuer_head_for, is_publisher_for
from ..rules import RuleRefusal
from . import deadlines
from ._common import act_time, record, today
from .filing import _act_date, _locked, _move
from .lifecycle import normdoc_create
from .validity import normdoc_revoke


@transaction.atomic
def filing_submit(*, filing: Filing, by, received_on: date | None = None) -> Filing:
    """The issuer submits the filing; the receiving body's 30-day review clock starts on receipt."""
    filing = _locked(filing)
    document = filing.document
    if not (
        is_publisher_for(user=by, document=document)
        or is_issuer_head_for(user=by, document=document)
    ):
        raise RuleRefusal(_("Only the issuing body submits its filing."), code="not_issuing_body")
    if filing.is_external:
        raise RuleRefusal(
            _(
                "“%(body)s” is outside this installation: record the submission, its receipt "
                "and the outcome it sends back."
            ),
            code="receiving_body_outside",
            params={"body": filing.receiving_body.name},
        )
    received_on = received_on or today()
    published_on = document.published_on
    if published_on is not None and received_on < published_on:
        # 令第218号: a document is filed after it is published (within 30 days of it).
        raise RuleRefusal(
            _(
                "A filing cannot be received before the document was published "
                "(published on %(date)s)."
            ),
            code="received_before_publication",
            params={"date": published_on.isoformat()},
        )
    source = _move(filing, Filing.Status.RECEIVED)
    deadlines.meet(filing, deadlines.FILING, at=act_time(received_on))
    review = deadlines.open_clock(
        subject=filing,
        rule_key=deadlines.FILING_REVIEW,
        start=received_on,
        responsible_unit=filing.receiving_unit,
        responsible_role="filing_reviewer",  # is_filing_reviewer_for the receiving unit
    )
    filing.received_on = received_on
    filing.review_due_on = review.due
    filing.save(update_fields=["status", "received_on", "review_due_on"])
    record(
        actor=by,
        action="filing.submitted",
        subject=document,
        payload={
            "filing": filing.pk,
            "from": source,
            "received_on": received_on,
            "review_due_on": review.due,
        },
        on=received_on,
    )
    return filing


def _require_reviewer(filing: Filing, by) -> None:
    if filing.is_external or not is_filing_reviewer_for(user=by, unit=filing.receiving_unit):
        raise RuleRefusal(
            _("Only a filing reviewer of the receiving government reviews this filing."),
            code="not_filing_reviewer",
        )


@transaction.atomic
def filing_accept(*, filing: Filing, by, opinion: str = "", on: date | None = None) -> Filing:
    """Accepted on ``on`` (today unless entered after the fact)."""
    filing = _locked(filing)
    _require_reviewer(filing, by)
    on = _act_date(filing, on)
    _move(filing, Filing.Status.ACCEPTED)
    filing.reviewer, filing.opinion, filing.closed_at = by, opinion.strip(), act_time(on)
    filing.save(update_fields=["status", "reviewer", "opinion", "closed_at"])
    deadlines.meet(filing, deadlines.FILING_REVIEW, at=filing.closed_at)
    record(
        actor=by,
        action="filing.accepted",
        subject=filing.document,
        payload={"filing": filing.pk, "opinion": filing.opinion},
        on=on,
    )
    return filing


@transaction.atomic
def filing_return(*, filing: Filing, by, missing: str, on: date | None = None) -> Filing:
    """Returned for completion (补正): materials missing; the issuer submits again."""
    filing = _locked(filing)
    _require_reviewer(filing, by)
    on = _act_date(filing, on)
    if not missing.strip():
        raise RuleRefusal(_("Say which materials are missing."), code="missing_materials_required")
    _move(filing, Filing.Status.RETURNED)
    filing.reviewer, filing.opinion = by, missing.strip()
    filing.save(update_fields=["status", "reviewer", "opinion"])
    deadlines.waive(filing, deadlines.FILING_REVIEW, by=by, reason="Returned for completion (补正)")
    record(
        actor=by,
        action="filing.returned",
        subject=filing.document,
        payload={"filing": filing.pk, "missing": filing.opinion},
        on=on,
    )
    return filing


@transaction.atomic
def filing_request_correction(
    *, filing: Filing, by, problem: str, on: date | None = None
) -> Filing:
    """A problem was found (有错必纠): the issuer must amend or revoke by a deadline."""
    filing = _locked(filing)
    _require_reviewer(filing, by)
    if not problem.strip():
        raise RuleRefusal(_("State the problem found."), code="problem_required")
    on = _act_date(filing, on)
    _move(filing, Filing.Status.CORRECTION_REQUESTED)
    deadlines.meet(filing, deadlines.FILING_REVIEW, at=act_time(on))
    correction = deadlines.open_clock(
        subject=filing,
        rule_key=deadlines.FILING_CORRECTION,
        start=on,
        responsible_unit=filing.document.drafting_body.unit,
        responsible_role="drafter",  # filing_issuer_amend (or the issuer's heads revoke)
    )
    filing.reviewer, filing.opinion, filing.correction_due_on = by, problem.strip(), correction.due
    filing.save(update_fields=["status", "reviewer", "opinion", "correction_due_on"])
    record(
        actor=by,
        action="filing.correction_requested",
        subject=filing.document,
        payload={
            "filing": filing.pk,
            "problem": filing.opinion,
            "correction_due_on": correction.due,
        },
        on=on,
    )
    return filing


@transaction.atomic
def filing_issuer_amend(
    *, filing: Filing, by, title: str | None = None, on: date | None = None
) -> NormativeDocument:
    """The issuer corrects by amendment: a new drafting cycle linked to the old document."""
    filing = _locked(filing)
    _move(filing, Filing.Status.AMENDED_BY_ISSUER)
    old = filing.document
    successor = normdoc_create(
        by=by,
        drafting_body=old.drafting_body,
        title=title or old.title,
        issuer_code=old.issuer_code,
        doc_type=old.doc_type,
        text=old.text,
        legal_basis=old.legal_basis,
        cited_laws=old.cited_laws,
        touches_public_interest=old.touches_public_interest,
        amends=old,
    )
    on = _act_date(filing, on)
    filing.closed_at = act_time(on)
    filing.save(update_fields=["status", "closed_at"])
    deadlines.meet(filing, deadlines.FILING_CORRECTION, at=filing.closed_at)
    record(
        actor=by,
        action="filing.amended_by_issuer",
        subject=old,
        payload={"filing": filing.pk, "successor": successor.pk},
        on=on,
    )
    return successor


@transaction.atomic
def filing_issuer_revoke(*, filing: Filing, by, reason: str, on: date | None = None) -> Filing:
    """The issuer corrects by revoking (撤销) the document itself (令第218号: 限期自行纠正)."""
    filing = _locked(filing)
    if not is_issuer_head_for(user=by, document=filing.document):
        raise RuleRefusal(
            _("Only the head of the issuing body revokes its document."), code="not_issuer_head"
        )
    _move(filing, Filing.Status.REVOKED_BY_ISSUER)
    on = _act_date(filing, on)
    filing.closed_at = act_time(on)
    # Met before the document ends: its end waives every clock still running.
    deadlines.meet(filing, deadlines.FILING_CORRECTION, at=filing.closed_at)
    normdoc_revoke(
        document=filing.document,
        by=by,
        on=on,
        reason=f"Revoked after filing review: {reason}",
        revoked_by="issuer",
        body=filing.document.drafting_body.unit.name,
    )
    filing.save(update_fields=["status", "closed_at"])
    record(
        actor=by,
        action="filing.revoked_by_issuer",
        subject=filing.document,
        payload={"filing": filing.pk, "reason": reason},
        on=on,
    )
    return filing


@transaction.atomic
def filing_body_revoke(
    *, filing: Filing, by, reason: str, reference: str = "", on: date | None = None
) -> Filing:
    """The filing body in the installation revokes the document itself (撤销) when the issuer
    does not correct it (令第218号: 逾期不纠正的，由备案机关依法撤销)."""
    filing = _locked(filing)
    _require_reviewer(filing, by)
    _move(filing, Filing.Status.REVOKED_BY_FILING_BODY)
    on = _act_date(filing, on)
    # Waived by the reviewer before the document ends, whose end waives the clocks still
    # running in the system's name.
    deadlines.waive(filing, deadlines.FILING_CORRECTION, by=by, reason="Revoked by the filing body")
    normdoc_revoke(
        document=filing.document,
        by=by,
        on=on,
        reason=f"Revoked by the filing body: {reason}",
        revoked_by="filing_body",
        body=filing.receiving_unit.name,
        reference=reference.strip(),
    )
    filing.closed_at = act_time(on)
    filing.outcome_on, filing.outcome_reference = on, reference.strip()
    filing.save(update_fields=["status", "closed_at", "outcome_on", "outcome_reference"])
    record(
        actor=by,
        action="filing.revoked_by_filing_body",
        subject=filing.document,
        payload={"filing": filing.pk, "reason": reason, "reference": filing.outcome_reference},
        on=on,
    )
    return filing
