"""Filing with the receiving government (备案: 有件必备、有备必审、有错必纠, 令第218号).

This module: whom a document is filed with, the filings opened when it is published, and what
every filing step shares (the row lock, the status move, the day of an act). The steps are in
``filing_review`` (a receiving government inside the installation, and the issuer's
correction) and ``filing_external`` (a body outside it, whose acts the clerk records).
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from workflows.models import Unit

from .. import rules
from ..models import DraftingBody, Filing, FilingBody, NormativeDocument
from ..rules import RuleRefusal
from . import deadlines
from ._common import fsm_move, record, today


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


def _act_date(filing: Filing, on: date | None) -> date:
    """The day of a review act: today unless entered after the fact, then never before receipt."""
    if on is None:
        return today()
    if filing.received_on is not None and on < filing.received_on:
        raise RuleRefusal(
            _("A filing cannot be acted on before it was received."), code="before_receipt"
        )
    return on
