"""Numbered sessions of the government's meetings, their agendas (议题) and the legality check of
each item (《重大行政决策程序暂行条例》第二十五条、第二十八条、第三十条; the seed's
落实政府常务会议议题合法性审核).

Every function is keyword-only, one transaction (``service_atomic``), and records what it
changed on the session (and, for a major decision, on the decision too). Refusals are
``ValidationError`` with a stable ``code``; a person without the role gets ``PermissionDenied``.

Signatures (for the pages and the API built on them):

``session_plan(*, government, by, kind, held_at, principal) -> Session``
    The meeting secretary (role ``meeting_secretary`` over ``government``) plans the next
    numbered session: ``kind`` is ``Meeting.Kind`` (executive/plenary); the number is gap-free
    per government, kind and year (the year of ``held_at`` in Asia/Shanghai), taken under a
    lock on the government's row. ``principal`` holds the role ``principal``. Status planned.

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

``session_open(*, session, by, present, absent=(), attendees=()) -> Session``
    Attendance and quorum (``rules.is_quorate``, the principal counting as present):
    ``present``/``absent`` are members (role ``meeting_member``); an absent member may be given
    as ``(person, reason)``; ``attendees`` are ``(person, unit)`` attending without a vote (列席).
    Opening creates each item's deliberation ``Meeting`` (``item.deliberation``) with the
    attendance copied; an item added to an open session gets its Meeting when it is added.

Per item, with ``meeting = item.deliberation``: ``meeting_statement_record(meeting=…, by=…,
speaker=…, position=…, text=…)`` and ``meeting_decide(meeting=…, by=…, head_decision=…,
statement=…, reason="", amendments="", at=None)`` (decisions.services.meeting): members first,
the head last, a reason against the majority, ``amendments`` required for adopt_with_amendments.
A major decision moves stage as decided (``rules.MEETING_MOVES``: adopt → party_report,
reject → archiving, defer → meeting, to be scheduled again). For a decision run by a
``DecisionFlow`` process, its statements and the head's decision belong in its ``meeting`` task
(``decisions.steps.meeting.MeetingWork``: actions schedule, statement, decide; the decide
completes the task): a page that calls ``meeting_decide`` on a decision item outside that task
moves the stage but leaves the task open. Scheduling and ``session_open`` may happen anywhere.

``session_conclude(*, session, by) -> Session``
    Only once the head has decided every item (a deferral counts as decided).

Selectors: ``pending_item_of(decision)`` (the decision's item on a session, not yet decided),
``item_check_passes(item)``, ``sessions_to_schedule(government)`` (planned or open sessions).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from normdocs.rules.drafting import deliberation_refusal
from workflows.locks import row_held, row_hold
from workflows.models import Unit
from workflows.offices import _government, review_office_of
from workflows.permissions import has_role_in_unit, role_holders_in_unit
from workflows.record.services import record_append, record_append_several
from workflows.transactions import service_atomic

from ..models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Outcome,
    Session,
    SessionAttendance,
    Stage,
)
from ..rules import meeting as meeting_rules
from ._common import (
    act_on,
    act_time,
    lock,
    quorum,
    require_not_sealed,
    require_role,
    require_stage,
)
from .review import latest_review, passes_review, review_passes


def _require_secretary(*, by, government: Unit) -> None:
    require_role(user=by, role="meeting_secretary", unit=government)


def _lock_session(session: Session) -> Session:
    """The session under a row lock, with its government. A meeting's services lock it one
    after the other in one task action: the copy this transaction holds is used again
    (``workflows.locks.row_held``; every change to a session is made through its instance)."""
    held = row_held(Session, session.pk)
    if held is None:
        held = (
            Session.objects.select_for_update(of=("self",))
            .select_related("government")
            .get(pk=session.pk)
        )
        row_hold(held)
    return held


def _session_payload(session: Session) -> dict:
    return {
        "session": session.pk,
        "kind": session.kind,
        "year": session.year,
        "number": session.number,
    }


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


def document_review_refusal(document):
    """Why the document's own legality review keeps it from the meeting, or None (国办发
    〔2018〕115号 一(三)：未经合法性审核或者经审核不合法的，不得提交集体审议)."""
    review = document.reviews.order_by("-id").first()
    return deliberation_refusal(
        review_outcome=(review.outcome or None) if review else None,
        amendments_recorded=bool(review and review.amendments_recorded_at),
    )


def _require_document_proposable(*, document, lead_unit: Unit, government: Unit) -> None:
    """A normative document goes to the government's meeting as an item of the unit that drafts
    it (the government and its government office issue in the government's name, 国办发〔2018〕
    37号 三(四)), while it awaits deliberation, passed by its own legality review (115号 一(三)),
    and once: not while it is on an agenda undecided or after it was adopted."""
    from normdocs.models import Status as DocumentStatus

    own = document.drafting_body.unit_id
    in_governments_name = {government.pk, government.general_office_id}
    if own != lead_unit.pk and not (
        own in in_governments_name and lead_unit.pk in in_governments_name
    ):
        raise ValidationError(
            _("The document is drafted by another unit than the lead unit."),
            code="document_not_of_unit",
        )
    latest = document.deliberations.order_by("-pk").first()
    if document.status != DocumentStatus.DELIBERATION or (latest is not None and latest.adopted):
        raise ValidationError(
            _("The document is not awaiting deliberation."),
            code="document_not_awaiting_deliberation",
        )
    refusal = document_review_refusal(document)
    if refusal is not None:
        raise refusal
    waiting = AgendaItem.objects.filter(document=document).exclude(
        deliberation__head_decision__in=[Outcome.DEFERRED, Outcome.REJECTED]
    )
    if waiting.exists():
        raise ValidationError(
            _("The document is proposed to the meeting already."), code="document_on_agenda"
        )


def pending_item_of(decision: Decision) -> AgendaItem | None:
    """The decision's item on a session that the head has not decided yet."""
    for item in (
        decision.agenda_items.exclude(session=None).select_related("session").order_by("-pk")
    ):
        if not item.outcome:
            return item
    return None


def sessions_to_schedule(government: Unit):
    """Sessions of ``government`` an item may still be put on: planned or open."""
    return Session.objects.filter(
        government=government, status__in=[Session.Status.PLANNED, Session.Status.OPEN]
    ).order_by("held_at", "pk")


# --- the session -------------------------------------------------------------------------------


@service_atomic
def session_plan(
    *, government: Unit, by, kind: str, held_at: datetime, principal, at: datetime | None = None
) -> Session:
    """Plan the next numbered session of ``government`` (县政府第N次常务会议, 第三十条). Numbers
    run 1, 2, … per government, kind and year without gaps: the government's row is locked
    while the next number is taken. ``held_at`` may be past (a session entered after the
    fact); ``at`` is when it was planned, given when it is entered after the fact."""
    _require_secretary(by=by, government=government)
    if kind not in Meeting.Kind.values:
        raise ValidationError(_("Unknown meeting kind."), code="invalid_kind")
    if not has_role_in_unit(user=principal, role="principal", unit=government):
        raise ValidationError(_("The chair must be the administrative head."), code="not_principal")
    government = Unit.objects.select_for_update().get(pk=government.pk)
    year = timezone.localtime(held_at).year
    last = Session.objects.filter(government=government, kind=kind, year=year).aggregate(
        last=Max("number")
    )["last"]
    session = Session.objects.create(
        government=government,
        kind=kind,
        year=year,
        number=(last or 0) + 1,
        held_at=held_at,
        secretary=by,
        principal=principal,
    )
    record_append(
        actor=by,
        action="session.planned",
        subject=session,
        payload={
            **_session_payload(session),
            "held_at": held_at,
            "principal": principal.pk,
            **act_on(act_time(at)),
        },
    )
    return session


# --- agenda items ------------------------------------------------------------------------------


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
        document = None
    if document is not None:
        from normdocs.selectors import document_locked

        # Under the document's lock: two proposals of one document do not both pass.
        document = document_locked(document)
        _require_document_proposable(document=document, lead_unit=lead_unit, government=government)
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


def _deliberation_create(item: AgendaItem, session: Session, by) -> Meeting:
    """The item's own meeting, with the session's members' attendance copied (第三十条)."""
    meeting = Meeting.objects.create(
        decision=item.decision,
        item=item,
        kind=session.kind,
        held_at=session.held_at,
        secretary=by,
        principal_id=session.principal_id,
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            person_id=a.person_id,
            role=Attendance.Role.PRINCIPAL
            if a.role == SessionAttendance.Role.PRINCIPAL
            else Attendance.Role.MEMBER,
            present=a.present,
            absence_reason=a.absence_reason,
        )
        for a in session.attendance.exclude(role=SessionAttendance.Role.ATTENDEE).order_by("pk")
    )
    return meeting


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


def _person_and_reason(entry) -> tuple:
    if isinstance(entry, tuple | list):
        person, reason = entry
        return person, reason or ""
    return entry, ""


@service_atomic
def session_open(
    *,
    session: Session,
    by,
    present: Iterable,
    absent: Iterable = (),
    attendees: Iterable = (),
    at: datetime | None = None,
) -> Session:
    """Open the session with its attendance: the head chairs, members present or absent (with
    the reason), 列席 attendees without a vote; refused below quorum (第三十条). Each item on
    the agenda gets its deliberation with this attendance. ``at`` is when it opened, given
    when the session is entered after the fact."""
    session = _lock_session(session)
    government = session.government
    _require_secretary(by=by, government=government)
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("The session is open or concluded already."), code="session_open")
    # The agenda, read once: its emptiness refuses, each item gets its deliberation, and each
    # decision on it its event.
    items = list(session.items.select_related("decision").order_by("order"))
    if not items:
        raise ValidationError(_("The agenda is empty."), code="agenda_empty")
    present = list(present)
    absent = [_person_and_reason(entry) for entry in absent]
    attendees = list(attendees)
    members = present + [person for person, _reason in absent]
    member_ids = role_holders_in_unit(users=members, role="meeting_member", unit=government)
    seen = set()
    for person in members:
        if person.pk == session.principal_id or person.pk not in member_ids or person.pk in seen:
            raise ValidationError(
                _("%(person)s is not a member of this meeting."),
                code="not_a_member",
                params={"person": person},
            )
        seen.add(person.pk)
    total = len(members) + 1
    count = len(present) + 1
    if not meeting_rules.is_quorate(present=count, members=total, quorum=quorum()):
        raise ValidationError(
            _("Below quorum: %(present)s of %(total)s present."),
            code="below_quorum",
            params={"present": count, "total": total},
        )
    rows = [
        SessionAttendance(
            session=session,
            person_id=session.principal_id,
            role=SessionAttendance.Role.PRINCIPAL,
            present=True,
        )
    ]
    rows += [
        SessionAttendance(
            session=session, person=p, role=SessionAttendance.Role.MEMBER, present=True
        )
        for p in present
    ]
    rows += [
        SessionAttendance(
            session=session,
            person=p,
            role=SessionAttendance.Role.MEMBER,
            present=False,
            absence_reason=reason,
        )
        for p, reason in absent
    ]
    for person, unit in attendees:
        if person.pk in seen or person.pk == session.principal_id:
            raise ValidationError(
                _("%(person)s attends as a member already."),
                code="attendee_is_member",
                params={"person": person},
            )
        seen.add(person.pk)
        rows.append(
            SessionAttendance(
                session=session,
                person=person,
                role=SessionAttendance.Role.ATTENDEE,
                unit=unit,
                present=True,
            )
        )
    SessionAttendance.objects.bulk_create(rows)
    session.status = Session.Status.OPEN
    session.opened_at = act_time(at)
    session.save(update_fields=["status", "opened_at"])
    for item in items:
        _deliberation_create(item, session, by)
    payload = {
        **_session_payload(session),
        "principal": session.principal_id,
        "present": sorted(p.pk for p in present),
        "absent": sorted(p.pk for p, _reason in absent),
        "attendees": sorted(p.pk for p, _unit in attendees),
        "quorum": quorum(),
        **act_on(session.opened_at),
    }
    record_append_several(  # the session's event and each decision's, in one statement
        actor=by,
        events=[
            ("session.opened", session, payload),
            *(
                ("decision.meeting_opened", item.decision, {**payload, "item": item.pk})
                for item in items
                if item.decision_id is not None
            ),
        ],
    )
    return session


@service_atomic
def session_conclude(*, session: Session, by, at: datetime | None = None) -> Session:
    """Close the session once the head has decided every item on its agenda (第三十条).
    ``at``: when, given when the session is entered after the fact."""
    session = _lock_session(session)
    _require_secretary(by=by, government=session.government)
    if session.status != Session.Status.OPEN:
        raise ValidationError(_("The session is not in session."), code="session_not_open")
    outcomes = [item.outcome for item in session.items.select_related("deliberation")]
    if not meeting_rules.all_items_decided(outcomes):
        raise ValidationError(
            _("%(count)s item(s) on the agenda are not decided yet."),
            code="items_undecided",
            params={"count": sum(1 for outcome in outcomes if not outcome)},
        )
    session.status = Session.Status.CONCLUDED
    session.concluded_at = act_time(at)
    session.save(update_fields=["status", "concluded_at"])
    record_append(
        actor=by,
        action="session.concluded",
        subject=session,
        payload={**_session_payload(session), "outcomes": outcomes, **act_on(session.concluded_at)},
    )
    return session
