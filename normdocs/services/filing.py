"""Filing with the receiving government (备案: 有件必备、有备必审、有错必纠, 令第218号)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.models import Unit

from .. import rules
from ..models import Filing, NormativeDocument
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


def filing_open(*, document: NormativeDocument) -> Filing:
    """At publication: the filing is due with the nearest government above the issuer within
    30 days (a clocks rule); the issuer is responsible. Called inside normdoc_publish."""
    receiving_id = rules.filing_receiving_unit(_ancestors(document.drafting_body.unit))
    deadline = deadlines.open_clock(
        subject=document,
        rule_key=deadlines.FILING,
        start=document.published_on,
        responsible_unit=document.drafting_body.unit,
        responsible_role="publisher",  # filing_submit: publisher (or the issuer's heads)
    )
    filing = Filing.objects.create(
        document=document, receiving_unit_id=receiving_id, due_on=deadline.due
    )
    record(
        actor="system",
        action="filing.due",
        subject=document,
        payload={"filing": filing.pk, "receiving_unit": receiving_id, "due_on": filing.due_on},
    )
    return filing


def _locked(filing: Filing) -> Filing:
    return (
        Filing.objects.select_for_update(of=("self",))
        .select_related("document__drafting_body__unit", "receiving_unit")
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
    if filing.receiving_unit is None:
        raise RuleRefusal(
            _("The receiving government is not in this installation; file it there directly."),
            code="receiving_unit_outside",
        )
    source = _move(filing, Filing.Status.RECEIVED)
    received_on = received_on or today()
    deadlines.meet(document, deadlines.FILING, at=act_time(received_on))
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
    if not is_filing_reviewer_for(user=by, unit=filing.receiving_unit):
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
    """The issuer corrects by revoking (废止) the document itself."""
    from .validity import normdoc_repeal

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
    normdoc_repeal(
        document=filing.document, by=by, on=on, reason=f"Revoked after filing review: {reason}"
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
def filing_body_revoke(*, filing: Filing, by, reason: str, on: date | None = None) -> Filing:
    """The filing body revokes the document itself (撤销) when the issuer does not correct it."""
    from .validity import normdoc_declare_invalid

    filing = _locked(filing)
    _require_reviewer(filing, by)
    _move(filing, Filing.Status.REVOKED_BY_FILING_BODY)
    on = _act_date(filing, on)
    # Waived by the reviewer before the document ends, whose end waives the clocks still
    # running in the system's name.
    deadlines.waive(filing, deadlines.FILING_CORRECTION, by=by, reason="Revoked by the filing body")
    normdoc_declare_invalid(
        document=filing.document, by=by, on=on, reason=f"Revoked by the filing body: {reason}"
    )
    filing.closed_at = act_time(on)
    filing.save(update_fields=["status", "closed_at"])
    record(
        actor=by,
        action="filing.revoked_by_filing_body",
        subject=filing.document,
        payload={"filing": filing.pk, "reason": reason},
        on=on,
    )
    return filing
