"""Publication, entry into force, validity period, renewal and the ways a document ends."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..conf import setting
from ..models import NormativeDocument, Renewal, Status
from ..permissions import is_issuer_head_for, is_publisher_for
from ..rules import RuleRefusal
from . import deadlines
from ._common import record, today
from .lifecycle import _locked, _save_status, move


def expiry_notices_open(*, on: date) -> int:
    """Open the reminders due by ``on``: 6 and 1 months before expiry, each a clocks deadline to the
    drafting body that falls due on its reminder day (令第218号: renewal before it lapses).

    Opened when their day comes rather than at publication, because a working-day calendar is
    only known for the years the State Council has announced. There is one notice per expiry
    date, so a second sweep opens nothing.
    """
    opened = 0
    for rule_key, months in (
        (deadlines.EXPIRY_FIRST, setting("EXPIRY_FIRST_REMINDER_MONTHS")),
        (deadlines.EXPIRY_LAST, setting("EXPIRY_LAST_REMINDER_MONTHS")),
    ):
        documents = NormativeDocument.objects.filter(
            status=Status.IN_FORCE,
            valid_until__gte=on,
            valid_until__lte=rules.add_months(on, months),
        ).select_related("drafting_body__unit")
        for document in documents:
            (day,) = rules.expiry_reminder_dates(
                valid_until=document.valid_until, months_before=(months,)
            )
            # One notice per expiry date: after a renewal the date moves and a new one is due.
            if not deadlines.notice_exists(document, rule_key, on=day):
                with transaction.atomic():
                    deadlines.open_notice(
                        subject=document,
                        rule_key=rule_key,
                        on=day,
                        responsible_unit=document.drafting_body.unit,
                        responsible_role="unit_head",  # normdoc_renew: is_issuer_head_for
                    )
                opened += 1
    return opened


@transaction.atomic
def normdoc_publish(
    *,
    document: NormativeDocument,
    by,
    published_on: date | None = None,
    immediate_reason: str = "",
) -> NormativeDocument:
    """Publish a registered document (三统一: 统一印发; 未经公布的不得作为管理依据).

    Effective 30 days after publication (a setting) unless immediate effect is given a reason;
    valid 5 years from publication, 2 for 暂行/试行 (令第218号). Publication starts the filing
    clock (备案, 30 days) and the two expiry reminders.
    """
    from .filing import filing_open

    document = _locked(document)
    if not is_publisher_for(user=by, document=document):
        raise RuleRefusal(
            _("Only the issuing body's publisher publishes its documents."), code="not_publisher"
        )
    published_on = published_on or today()
    _require_published_after_registration(document, published_on)
    effective_on = rules.effective_date(
        published_on=published_on,
        after_days=setting("EFFECTIVE_AFTER_DAYS"),
        immediate=bool(immediate_reason.strip()),
        immediate_reason=immediate_reason,
    )
    source = move(document, Status.PUBLISHED)
    document.published_on = published_on
    document.effective_on = effective_on
    document.immediate_effect_reason = immediate_reason.strip()
    document.valid_until = rules.validity_end(
        published_on=published_on,
        title=document.title,
        years=setting("VALIDITY_YEARS"),
        provisional_years=setting("PROVISIONAL_VALIDITY_YEARS"),
    )
    _save_status(document, "published_on", "effective_on", "immediate_effect_reason", "valid_until")
    record(
        actor=by,
        action="published",
        subject=document,
        payload={
            "from": source,
            "number": document.number,
            "published_on": published_on,
            "effective_on": effective_on,
            "immediate_effect_reason": document.immediate_effect_reason,
            "valid_until": document.valid_until,
            "provisional": rules.is_provisional(document.title),
        },
    )
    filing_open(document=document)
    if effective_on <= (today()):
        normdoc_enter_into_force(document=document, on=max(effective_on, published_on))
    return document


def _require_published_after_registration(document: NormativeDocument, published_on: date):
    """三统一 (国办发〔2018〕37号 二(六)): a document is registered and numbered, then printed
    and published under that number, so it cannot be published before its registration."""
    if document.registered_at is None:
        return
    registered_on = timezone.localdate(document.registered_at)
    if published_on < registered_on:
        raise RuleRefusal(
            _(
                "The publication date cannot be before the registration date "
                "(registered on %(date)s)."
            ),
            code="published_before_registration",
            params={"date": registered_on.isoformat()},
        )


@transaction.atomic
def normdoc_enter_into_force(*, document: NormativeDocument, on: date | None = None) -> bool:
    """The effective date has come: the document is in force. Harmless when run twice.

    A document that amends another ends the old one on this day (37号 五(十八)).
    """
    document = _locked(document)
    on = on or today()
    if (
        document.status != Status.PUBLISHED
        or document.effective_on is None
        or document.effective_on > on
    ):
        return False
    move(document, Status.IN_FORCE)
    _save_status(document)
    record(actor="system", action="entered_into_force", subject=document, payload={"on": on})
    if document.amends_id:
        _end(
            NormativeDocument.objects.get(pk=document.amends_id),
            Status.AMENDED,
            by="system",
            on=on,
            reason=f"Amended by {document.number} {document.title}",
        )
    return True


# Why a document's running clocks close when it ends (deadlines.clocks_end_with): four ends,
# each named as such (domain.md §2), and the replacement by an amendment.
CLOCKS_END_REASONS = {
    Status.EXPIRED: _("The document lapsed at the end of its validity period"),
    Status.REPEALED: _("The document was repealed"),
    Status.DECLARED_INVALID: _("The document was declared invalid"),
    Status.REVOKED: _("The document was revoked"),
    Status.AMENDED: _("The document was replaced by its amendment"),
}


def _end(
    document: NormativeDocument,
    target: str,
    *,
    by,
    on: date,
    reason: str,
    payload: dict | None = None,
) -> NormativeDocument:
    document = _locked(document)
    source = move(document, target)
    document.ended_on = on
    document.end_reason = reason
    _save_status(document, "ended_on", "end_reason")
    deadlines.clocks_end_with(document, reason=CLOCKS_END_REASONS[target])
    record(
        actor=by,
        action=target,
        subject=document,
        payload={"from": source, "on": on, "reason": reason, **(payload or {})},
    )
    return document


@transaction.atomic
def normdoc_repeal(*, document: NormativeDocument, by, on: date, reason: str) -> NormativeDocument:
    """Repeal (废止): applied by cleanup_close and the filing services, which check who may."""
    if not reason.strip():
        raise RuleRefusal(_("A repeal needs a reason."), code="reason_required")
    return _end(document, Status.REPEALED, by=by, on=on, reason=reason.strip())


@transaction.atomic
def normdoc_declare_invalid(
    *, document: NormativeDocument, by, on: date, reason: str
) -> NormativeDocument:
    """Declared invalid (宣布失效) by a cleanup (国办发〔2018〕37号 五(十八)); the caller
    (cleanup_close) checks who may."""
    if not reason.strip():
        raise RuleRefusal(_("A declaration of invalidity needs a reason."), code="reason_required")
    return _end(document, Status.DECLARED_INVALID, by=by, on=on, reason=reason.strip())


REVOKED_BY = ("issuer", "filing_body")


@transaction.atomic
def normdoc_revoke(
    *,
    document: NormativeDocument,
    by,
    on: date,
    reason: str,
    revoked_by: str,
    body: str,
    reference: str = "",
) -> NormativeDocument:
    """Revoked (撤销) by the issuer correcting it after filing review, or by the filing body
    (国办发〔2018〕37号 五(十八); 自治区人民政府令第218号: 逾期不纠正的，由备案机关依法撤销); the
    callers (filing_issuer_revoke, filing_body_revoke, filing_external_outcome) check who may.
    The record names who revoked it, the body and its decision's reference."""
    if not reason.strip():
        raise RuleRefusal(_("A revocation needs a reason."), code="reason_required")
    if revoked_by not in REVOKED_BY:
        raise ValueError(f"revoked_by must be one of {REVOKED_BY}")
    return _end(
        document,
        Status.REVOKED,
        by=by,
        on=on,
        reason=reason.strip(),
        payload={"revoked_by": revoked_by, "body": body, "reference": reference},
    )


@transaction.atomic
def normdoc_renew(
    *, document: NormativeDocument, by, decision_reference: str, reason: str, on: date | None = None
) -> Renewal:
    """Keep a document in force for another period by a recorded decision (令第218号).

    Only before it lapses: after expiry a new document must be issued.
    """
    document = _locked(document)
    on = on or today()
    _refuse_renewal(document, by=by, on=on, decision_reference=decision_reference, reason=reason)
    previous = document.valid_until
    years = (
        setting("PROVISIONAL_VALIDITY_YEARS")
        if rules.is_provisional(document.title)
        else setting("VALIDITY_YEARS")
    )
    document.valid_until = rules.add_years(previous, years)
    document.save(update_fields=["valid_until"])
    renewal = Renewal.objects.create(
        document=document,
        decision_reference=decision_reference.strip(),
        reason=reason.strip(),
        previous_valid_until=previous,
        new_valid_until=document.valid_until,
        decided_by=by,
        decided_at=timezone.now(),
    )
    for rule_key in (deadlines.EXPIRY_FIRST, deadlines.EXPIRY_LAST):
        deadlines.meet(document, rule_key)
    record(
        actor=by,
        action="renewed",
        subject=document,
        payload={
            "decision": renewal.decision_reference,
            "reason": renewal.reason,
            "previous_valid_until": previous,
            "valid_until": document.valid_until,
        },
    )
    return renewal


def _refuse_renewal(
    document: NormativeDocument, *, by, on: date, decision_reference: str, reason: str
) -> None:
    """Decided by the head of the issuing body, for a document in force whose validity has
    not ended yet (令第218号), with its decision and reason."""
    if not is_issuer_head_for(user=by, document=document):
        raise RuleRefusal(
            _("Only the head of the issuing body decides a renewal."), code="not_issuer_head"
        )
    if document.status not in (Status.PUBLISHED, Status.IN_FORCE):
        raise RuleRefusal(
            _("Only a document in force can be renewed; this one is “%(status)s”."),
            code="not_in_force",
            params={"status": Status(document.status).label},
        )
    if rules.is_expired(valid_until=document.valid_until, today=on):
        raise RuleRefusal(
            _(
                "The validity period has already ended; renewal must be decided before it "
                "lapses (自治区人民政府令第218号)."
            ),
            code="validity_ended",
        )
    if not (decision_reference.strip() and reason.strip()):
        raise RuleRefusal(
            _("A renewal needs its decision and reason."), code="renewal_decision_required"
        )


@transaction.atomic
def normdoc_expire(*, document: NormativeDocument, on: date | None = None) -> bool:
    """The validity period ended without renewal: the document is expired. Harmless twice."""
    document = _locked(document)
    on = on or today()
    if document.status != Status.IN_FORCE or not rules.is_expired(
        valid_until=document.valid_until, today=on
    ):
        return False
    _end(
        document,
        Status.EXPIRED,
        by="system",
        on=on,
        reason=f"Validity period ended on {document.valid_until.isoformat()} without renewal",
    )
    return True


def validity_sweep(*, on: date | None = None) -> dict[str, int]:
    """Bring due documents into force, open expiry reminders and expire lapsed documents
    (the daily beat task).

    One transaction per document, so one failure does not hold back the others.
    """
    on = on or today()
    entered = expired = 0
    for pk in NormativeDocument.objects.filter(
        status=Status.PUBLISHED, effective_on__lte=on
    ).values_list("pk", flat=True):
        entered += normdoc_enter_into_force(document=NormativeDocument(pk=pk), on=on)
    for pk in NormativeDocument.objects.filter(
        status=Status.IN_FORCE, valid_until__lt=on
    ).values_list("pk", flat=True):
        expired += normdoc_expire(document=NormativeDocument(pk=pk), on=on)
    reminders = expiry_notices_open(on=on)
    return {"entered_into_force": entered, "expired": expired, "expiry_reminders_opened": reminders}
