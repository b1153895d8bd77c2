"""Filing with the receiving government (备案: 有件必备、有备必审、有错必纠, 令第218号)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.models import Unit

from .. import rules
from ..models import DraftingBody, Filing, FilingBody, NormativeDocument
from ..permissions import is_filing_reviewer_for, is_issuer_head_for, is_publisher_for
from ..rules import RuleRefusal
from . import deadlines
from ._common import act_time, fsm_move, record, today


def _ancestors(unit: Unit) -> list[tuple[int, str]]:
    chain, current = [], unit.parent
    while current is not None:
        chain.append((current.pk, current.kind))
        current = current.parent
    return chain


def filing_receivers(document: NormativeDocument) -> tuple[int | None, list[FilingBody]]:
    """Whom the document is filed with (令第218号): the nearest government above the issuer
    when it is in the installation, and, for a government's own documents, the bodies outside
    the installation it files with (the next-higher government, the same-level people's
    congress standing committee)."""
    unit = document.drafting_body.unit
    receiving_id = rules.filing_receiving_unit(_ancestors(unit))
    bodies = []
    if document.drafting_body.kind == DraftingBody.Kind.GOVERNMENT:
        bodies = list(FilingBody.objects.filter(filer=unit, active=True).order_by("kind", "pk"))
    return receiving_id, bodies


def filing_open(*, document: NormativeDocument) -> list[Filing]:
    """At publication: one filing per receiving body, each due within 30 days (a clocks rule,
    令第218号: 自公布之日起30日内报送备案); the issuer is responsible. Called inside
    normdoc_publish. A document with nobody to file it with is refused (有件必备)."""
    receiving_id, bodies = filing_receivers(document)
    receivers = ([{"receiving_unit_id": receiving_id}] if receiving_id else []) + [
        {"receiving_body": body} for body in bodies
    ]
    if not receivers:
        raise RuleRefusal(
            _(
                "Nobody to file this document with: enter the bodies “%(unit)s” files its "
                "documents with (有件必备, 自治区人民政府令第218号)."
            ),
            code="no_filing_body",
            params={"unit": document.drafting_body.unit.name},
        )
    filings = []
    for receiver in receivers:
        filing = Filing.objects.create(document=document, **receiver)
        deadline = deadlines.open_clock(
            subject=filing,
            rule_key=deadlines.FILING,
            start=document.published_on,
            responsible_unit=document.drafting_body.unit,
            responsible_role="publisher",  # filing_submit: publisher (or the issuer's heads)
        )
        filing.due_on = deadline.due
        filing.save(update_fields=["due_on"])
        record(
            actor="system",
            action="filing.due",
            subject=document,
            payload={
                "filing": filing.pk,
                "receiving_unit": filing.receiving_unit_id,
                "receiving_body": filing.receiving_body.name if filing.is_external else None,
                "due_on": filing.due_on,
            },
        )
        filings.append(filing)
    return filings


def _locked(filing: Filing) -> Filing:
    return (
        Filing.objects.select_for_update(of=("self",))
        .select_related("document__drafting_body__unit", "receiving_unit", "receiving_body")
        .get(pk=filing.pk)
    )


def _move(filing: Filing, target: str) -> str:
    """The filing's FSM transition to ``target`` (rules.FILING_LIFECYCLE); returns the source."""
    return fsm_move(
        filing,
        target,
        wrong_state=lambda source: rules.filing_transition_refusal(
            source=source, target=str(target), labels=dict(Filing.Status.choices)
        ),
    )


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


def _act_date(filing: Filing, on: date | None) -> date:
    """The day of a review act: today unless entered after the fact, then never before receipt."""
    if on is None:
        return today()
    if filing.received_on is not None and on < filing.received_on:
        raise RuleRefusal(
            _("A filing cannot be acted on before it was received."), code="before_receipt"
        )
    return on


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
    from .lifecycle import normdoc_create

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
    from .validity import normdoc_revoke

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
    from .validity import normdoc_revoke

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


# --- filings with a body outside the installation: the clerk records what happens there --------
#
# The clerk is the issuing body's publisher (or its heads): the people who submit its filings
# (有件必备 is the issuer's duty). The filing clock is met by the submission; the 30 days of
# review after receipt are the outside body's, kept here with the clerk responsible, so that an
# overdue outcome reminds the clerk to chase it.

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
    from workflows.clocks.services import deadline_open

    from .validity import normdoc_revoke

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
    source = _move(filing, EXTERNAL_OUTCOMES[outcome])
    at = act_time(on)
    fields = ["status", "opinion", "outcome_on", "outcome_reference"]
    filing.opinion, filing.outcome_on, filing.outcome_reference = opinion, on, reference
    if outcome == "returned":
        deadlines.waive(filing, deadlines.FILING_REVIEW, by=by, reason="Returned for completion")
    else:
        deadlines.meet(filing, deadlines.FILING_REVIEW, at=at)
    if outcome == "correction_requested":
        deadline_open(
            subject=filing,
            rule_key=deadlines.FILING_CORRECTION,
            start=on,
            due=correction_due_on,
            responsible_unit=filing.document.drafting_body.unit,
            responsible_role="drafter",  # filing_issuer_amend (or the issuer's heads revoke)
        )
        filing.correction_due_on = correction_due_on
        fields.append("correction_due_on")
    if outcome in ("accepted", "changed", "revoked"):
        filing.closed_at = at
        fields.append("closed_at")
    if outcome == "revoked":
        deadlines.waive(
            filing, deadlines.FILING_CORRECTION, by=by, reason="Revoked by the filing body"
        )
        normdoc_revoke(
            document=filing.document,
            by=by,
            on=on,
            reason=f"Revoked by the filing body: {opinion or reference}",
            revoked_by="filing_body",
            body=filing.receiving_body.name,
            reference=reference,
        )
    elif source == Filing.Status.CORRECTION_REQUESTED:
        deadlines.meet(filing, deadlines.FILING_CORRECTION, at=at)
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
