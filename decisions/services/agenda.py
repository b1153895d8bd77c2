"""The agenda of a government's sessions: the items (议题) units propose, the legality check of
each before it may go on the agenda, and putting items — a major decision among them — on a
session (《重大行政决策程序暂行条例》第二十五条、第二十八条、第三十条; the seed's
落实政府常务会议议题合法性审核). The session itself (planning, opening, concluding) is in
``session``.

Every function is keyword-only, one transaction (``service_atomic``), and records what it
changed on the item or session (and, for a major decision, on the decision too). Refusals are
``ValidationError`` with a stable ``code``; a person without the role gets ``PermissionDenied``.

Signatures (for the pages and the API built on them):

``agenda_item_propose(*, by, title, lead_unit, materials="", kind="other", presenter=None,
document=None) -> AgendaItem``
    A drafter or unit head of ``lead_unit`` (or the government's meeting secretary) proposes an
    item to the government ``lead_unit`` belongs to; ``kind`` "other" or "normative_document"
    (with ``document``). Major decisions come through ``session_agenda_add_decision``.

``agenda_item_check(*, item, by, outcome, opinion, exploratory_reform=False,
legal_risk_statement="") -> AgendaItem``
    A legal advisor of the government's review office (``review_office_of``) checks the item:
    ``outcome`` lawful / lawful_with_amendments / unlawful; an exploratory reform states its
    legal risk. Never the proposer. Refused for a major decision (its legality review is its
    check) and a normative document (its own review in normdocs is its check).

``agenda_item_add(*, session, item, by) -> AgendaItem``
    The secretary puts a proposed item on a planned or open session; refused
    (``agenda_check_required``) unless its check lets it go (``rules.may_go_on_agenda``; a
    normative document: its own legality review, ``normdocs.rules.deliberation_refusal``).

``session_agenda_add_decision(*, session, decision, by, presenter=None) -> AgendaItem``
    The secretary schedules a major decision: only at stage ``meeting`` and when its legality
    review passes (``decisions.services.review.passes_review``). The item is of kind
    ``major_decision`` and rests on that review (``item.review``, the check copied from it).
    A decision already on an agenda and not yet decided is refused; a deferred one is
    scheduled again onto a later session.
Selectors: ``pending_item_of(decision)`` (the decision's item on a session, not yet decided),
``item_check_passes(item)``.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.composed import composed_rows
from workflows.models import Unit
from workflows.offices import _government, review_office_of
from workflows.permissions import has_role_in_unit
from workflows.record.services import record_append, record_append_several
from workflows.transactions import service_atomic

from ..models import AgendaItem, Decision, Session, Stage
from ..rules import meeting as meeting_rules
from ._common import act_on, act_time, lock, require_not_sealed, require_role, require_stage
from .agenda_documents import document_review_refusal, proposable_document_locked
from .review import latest_review, passes_review, review_passes
from .session import _deliberation_create, _lock_session, _require_secretary, _session_payload

# --- selectors ---------------------------------------------------------------------------------


def item_check_passes(item: AgendaItem) -> bool:
    """May the item go on the agenda: its legality check let it (第二十五条、第二十八条)."""
    if item.kind == AgendaItem.Kind.MAJOR_DECISION:
        return item.decision is not None and passes_review(item.decision)
    if item.kind == AgendaItem.Kind.NORMATIVE_DOCUMENT:
        return item.document is not None and document_review_refusal(item.document) is None
    return meeting_rules.may_go_on_agenda(
        outcome=item.check_outcome,
        exploratory_reform=item.exploratory_reform,
        legal_risk_statement=item.legal_risk_statement,
    )


def pending_item_of(decision: Decision) -> AgendaItem | None:
    """The decision's item on a session that the head has not decided yet."""
    for item in composed_rows(("decision's items on sessions",), _items_on_sessions, decision.pk):
        item.decision = decision  # as ``decision.agenda_items`` leaves it
        if not item.outcome:
            return item
    return None


# --- agenda items ------------------------------------------------------------------------------


def _proposed_document(*, kind: str, document, lead_unit: Unit, government: Unit):
    """The normative document an item of ``kind`` is proposed for, read under its lock and
    proposable (``agenda_documents``), or None for an item of another kind; a major decision
    comes on the agenda from its own procedure (``session_agenda_add_decision``)."""
    if kind == AgendaItem.Kind.MAJOR_DECISION:
        raise ValidationError(
            _("A major decision is put on the agenda from its own procedure."),
            code="decision_item_via_schedule",
        )
    if kind not in AgendaItem.Kind.values:
        raise ValidationError(_("Unknown kind of item."), code="invalid_kind")
    if kind == AgendaItem.Kind.NORMATIVE_DOCUMENT and document is None:
        raise ValidationError(
            _("Name the normative document of this item."), code="document_required"
        )
    if kind != AgendaItem.Kind.NORMATIVE_DOCUMENT:
        return None
    return proposable_document_locked(document=document, lead_unit=lead_unit, government=government)


@service_atomic
def agenda_item_propose(
    *,
    by,
    title: str,
    lead_unit: Unit,
    materials: str = "",
    kind: str = AgendaItem.Kind.OTHER,
    presenter=None,
    document=None,
    at: datetime | None = None,
) -> AgendaItem:
    """A unit proposes an item (议题) to its government's meeting; it goes on the agenda only
    after the review office checked it (第二十五条; the seed's 议题合法性审核). ``at``: when it
    was proposed, given when it is entered after the fact."""
    government = _government(lead_unit)
    if not any(
        has_role_in_unit(user=by, role=role, unit=lead_unit) for role in ("drafter", "unit_head")
    ) and not has_role_in_unit(user=by, role="meeting_secretary", unit=government):
        raise PermissionDenied(f"drafter or unit_head for {lead_unit} required")
    document = _proposed_document(
        kind=kind, document=document, lead_unit=lead_unit, government=government
    )
    if not title.strip():
        raise ValidationError(_("Give the item a title."), code="title_required")
    item = AgendaItem.objects.create(
        government=government,
        kind=kind,
        title=title.strip(),
        document=document,
        lead_unit=lead_unit,
        presenter=presenter,
        materials=materials,
        proposed_by=by,
        proposed_at=act_time(at),
    )
    record_append(
        actor=by,
        action="agenda_item.proposed",
        subject=item,
        payload={
            "kind": kind,
            "title": item.title,
            "lead_unit": lead_unit.pk,
            "government": government.pk,
            "document": document.pk if document else None,
            **act_on(item.proposed_at),
        },
    )
    return item


def _require_checkable(
    *,
    item: AgendaItem,
    outcome: str,
    opinion: str,
    exploratory_reform: bool,
    legal_risk_statement: str,
) -> None:
    """The check applies to the item and says what it found (第二十五条、第二十八条): not a
    major decision or a normative document (each checked by its own legality review), not an
    item on the agenda already; a known outcome, a written opinion, and for an exploratory
    reform its legal risk."""
    if item.kind == AgendaItem.Kind.MAJOR_DECISION:
        raise ValidationError(
            _("A major decision is checked by its legality review."), code="decision_item_check"
        )
    if item.kind == AgendaItem.Kind.NORMATIVE_DOCUMENT:
        raise ValidationError(
            _("A normative document is checked by its own legality review."),
            code="document_item_check",
        )
    if item.session_id is not None:
        raise ValidationError(_("The item is on the agenda already."), code="already_on_agenda")
    if outcome not in meeting_rules.CHECK_OUTCOMES:
        raise ValidationError(_("Unknown outcome."), code="invalid_outcome")
    if not opinion.strip():
        raise ValidationError(_("Write the opinion of the check."), code="opinion_required")
    if exploratory_reform and not legal_risk_statement.strip():
        raise ValidationError(
            _("An exploratory reform states its legal risk explicitly."),
            code="legal_risk_statement_required",
        )


@service_atomic
def agenda_item_check(
    *,
    item: AgendaItem,
    by,
    outcome: str,
    opinion: str,
    exploratory_reform: bool = False,
    legal_risk_statement: str = "",
    at: datetime | None = None,
) -> AgendaItem:
    """The review office checks the item's legality before it goes on the agenda (第二十五条、
    第二十八条: an exploratory reform found unlawful goes only with its legal risk stated).
    The one who proposed the item does not check it. ``at`` is when it was checked, given when
    it is entered after the fact (never before it was proposed); the annual report counts the
    checks by it."""
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    office = review_office_of(item.government)
    require_role(user=by, role="legal_advisor", unit=office)
    if by.pk == item.proposed_by_id:
        raise ValidationError(
            _("The one who proposed the item does not check it."), code="checker_is_proposer"
        )
    _require_checkable(
        item=item,
        outcome=outcome,
        opinion=opinion,
        exploratory_reform=exploratory_reform,
        legal_risk_statement=legal_risk_statement,
    )
    item.check_outcome = outcome
    item.check_opinion = opinion
    item.exploratory_reform = exploratory_reform
    item.legal_risk_statement = legal_risk_statement.strip()
    item.checked_by = by
    item.checked_at = act_time(at)
    if item.checked_at < item.proposed_at:
        raise ValidationError(
            _("An item cannot be checked before it was proposed."), code="before_proposal"
        )
    item.save()
    record_append(
        actor=by,
        action="agenda_item.checked",
        subject=item,
        payload={
            "outcome": outcome,
            "opinion": opinion,
            "exploratory_reform": exploratory_reform,
            "legal_risk_statement": item.legal_risk_statement,
            "office": office.pk,
            **act_on(item.checked_at),
        },
    )
    return item


def _require_schedulable(session: Session) -> None:
    if session.status == Session.Status.CONCLUDED:
        raise ValidationError(_("The session is concluded."), code="session_concluded")


def _place(item: AgendaItem, session: Session, by) -> AgendaItem:
    last = session.items.aggregate(last=Max("order"))["last"]
    item.session = session
    item.order = (last or 0) + 1
    if item.pk is None:
        item.save()
    else:
        item.save(update_fields=["session", "order"])
    if session.status == Session.Status.OPEN:
        _deliberation_create(item, session, by)
    return item


@service_atomic
def agenda_item_add(
    *, session: Session, item: AgendaItem, by, at: datetime | None = None
) -> AgendaItem:
    """Put a proposed item on the session's agenda: only after its legality check concluded it
    may go (第二十五条、第二十八条)."""
    session = _lock_session(session)
    _require_secretary(by=by, government=session.government)
    _require_schedulable(session)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.session_id is not None:
        raise ValidationError(_("The item is on the agenda already."), code="already_on_agenda")
    if item.government_id != session.government_id:
        raise ValidationError(
            _("The item is proposed to another government."), code="other_government"
        )
    if not item_check_passes(item):
        raise ValidationError(
            _(
                "The item has no legality check letting it go to the meeting: it may not be "
                "put on the agenda."
            ),
            code="agenda_check_required",
        )
    _place(item, session, by)
    record_append(
        actor=by,
        action="session.item_added",
        subject=session,
        payload={
            **_session_payload(session),
            "item": item.pk,
            "order": item.order,
            **act_on(act_time(at)),
        },
    )
    return item


@service_atomic
def session_agenda_add_decision(
    *, session: Session, decision: Decision, by, presenter=None, at: datetime | None = None
) -> AgendaItem:
    """Schedule a major decision onto a session: only at the meeting stage (the package checked,
    第二十九条) and when its legality review lets it go (第二十五条、第二十八条)."""
    decision = lock(decision)
    session = _lock_session(session)
    _require_secretary(by=by, government=session.government)
    _require_schedulable(session)
    if decision.government_id != session.government_id:
        raise ValidationError(_("The decision is for another government."), code="other_government")
    require_not_sealed(decision)
    review = latest_review(decision)
    if not review_passes(review):
        raise ValidationError(
            _("A draft not reviewed, or found unlawful, may not go to the meeting."),
            code="legality_review_required",
        )
    require_stage(decision, Stage.MEETING)
    if pending_item_of(decision) is not None:
        raise ValidationError(
            _("The decision is on an agenda already and not decided yet."),
            code="already_on_agenda",
        )
    item = AgendaItem(
        government=session.government,
        kind=AgendaItem.Kind.MAJOR_DECISION,
        title=decision.title,
        decision=decision,
        lead_unit=decision.lead_unit,
        presenter=presenter,
        materials=decision.draft_text,
        proposed_by=by,
        proposed_at=act_time(at),
        check_outcome=review.outcome,
        check_opinion=review.opinion,
        exploratory_reform=review.exploratory_reform,
        legal_risk_statement=review.legal_risk_statement,
        checked_by_id=review.reviewer_id,
        checked_at=getattr(review, "concluded_at", None) or review.completed_at,
        review=review,
    )
    _place(item, session, by)
    payload = {
        **_session_payload(session),
        "item": item.pk,
        "order": item.order,
        **act_on(item.proposed_at),
    }
    record_append_several(  # both in one statement
        actor=by,
        events=[
            ("session.item_added", session, {**payload, "decision": decision.pk}),
            ("decision.scheduled", decision, payload),
        ],
    )
    return item


def _items_on_sessions(decision_id: int) -> QuerySet:
    """``pending_item_of``'s read, composed once (``workflows.composed``)."""
    return (
        AgendaItem.objects.filter(decision_id=decision_id)
        .exclude(session=None)
        .select_related("session")
        .order_by("-pk")
    )
