"""Numbered sessions of the government's meetings: planning them, opening them with attendance
and quorum, and concluding them (《重大行政决策程序暂行条例》第三十条). Their agendas (议题)
and the legality check of each item (第二十五条、第二十八条) are in ``agenda``.

Every function is keyword-only, one transaction (``service_atomic``), and records what it
changed on the session (and, for a major decision, on the decision too). Refusals are
``ValidationError`` with a stable ``code``; a person without the role gets ``PermissionDenied``.

Signatures (for the pages and the API built on them):

``session_plan(*, government, by, kind, held_at, principal) -> Session``
    The meeting secretary (role ``meeting_secretary`` over ``government``) plans the next
    numbered session: ``kind`` is ``Meeting.Kind`` (executive/plenary); the number is gap-free
    per government, kind and year (the year of ``held_at`` in Asia/Shanghai), taken under a
    lock on the government's row. ``principal`` holds the role ``principal``. Status planned.

The agenda: ``agenda_item_propose``, ``agenda_item_check``, ``agenda_item_add`` and
``session_agenda_add_decision`` (``decisions.services.agenda``).

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
Selectors: ``sessions_to_schedule(government)`` (planned or open sessions); ``pending_item_of``
and ``item_check_passes`` are in ``agenda``.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.composed import composed_get, composed_rows
from workflows.locks import row_held, row_hold
from workflows.models import Unit
from workflows.permissions import has_role_in_unit, role_holders_in_unit
from workflows.record.services import record_append, record_append_several
from workflows.transactions import service_atomic

from ..models import AgendaItem, Attendance, Meeting, Session, SessionAttendance
from ..rules import meeting as meeting_rules
from ._common import act_on, act_time, quorum, require_role


def _require_secretary(*, by, government: Unit) -> None:
    require_role(user=by, role="meeting_secretary", unit=government)


def _lock_session(session: Session) -> Session:
    """The session under a row lock, with its government. A meeting's services lock it one
    after the other in one task action: the copy this transaction holds is used again
    (``workflows.locks.row_held``; every change to a session is made through its instance)."""
    held = row_held(Session, session.pk)
    if held is None:
        held = composed_get(("session locked",), _session_locked, session.pk)
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


def _person_and_reason(entry) -> tuple:
    if isinstance(entry, tuple | list):
        person, reason = entry
        return person, reason or ""
    return entry, ""


def _members_checked(*, session: Session, members: list) -> set[int]:
    """The ids of ``members``, each a member of the government's meeting (role
    ``meeting_member``; the principal chairs, not counted among them) and given once."""
    member_ids = role_holders_in_unit(users=members, role="meeting_member", unit=session.government)
    seen = set()
    for person in members:
        if person.pk == session.principal_id or person.pk not in member_ids or person.pk in seen:
            raise ValidationError(
                _("%(person)s is not a member of this meeting."),
                code="not_a_member",
                params={"person": person},
            )
        seen.add(person.pk)
    return seen


def _attendance_rows(
    *, session: Session, present: list, absent: list, attendees: list, seen: set[int]
) -> list[SessionAttendance]:
    """The session's attendance (第三十条): the principal chairing, members present, members
    absent with the reason, and 列席 attendees, none of whom attends as a member already
    (``seen``: the members' ids)."""
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
    return rows


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
    items = composed_rows(("session's agenda",), _agenda_with_decisions, session.pk)
    for item in items:
        item.session = session  # as ``session.items`` leaves it
    if not items:
        raise ValidationError(_("The agenda is empty."), code="agenda_empty")
    present = list(present)
    absent = [_person_and_reason(entry) for entry in absent]
    attendees = list(attendees)
    members = present + [person for person, _reason in absent]
    seen = _members_checked(session=session, members=members)
    total = len(members) + 1
    count = len(present) + 1
    if not meeting_rules.is_quorate(present=count, members=total, quorum=quorum()):
        raise ValidationError(
            _("Below quorum: %(present)s of %(total)s present."),
            code="below_quorum",
            params={"present": count, "total": total},
        )
    rows = _attendance_rows(
        session=session, present=present, absent=absent, attendees=attendees, seen=seen
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
    outcomes = [
        item.outcome for item in composed_rows(("session's items",), _items_deliberated, session.pk)
    ]
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


# --- reads composed once (``workflows.composed``): each session asks them --------------------


def _session_locked(pk: int) -> QuerySet:
    return (
        Session.objects.select_for_update(of=("self",)).select_related("government").filter(pk=pk)
    )


def _agenda_with_decisions(session_id: int) -> QuerySet:
    return (
        AgendaItem.objects.filter(session_id=session_id)
        .select_related("decision")
        .order_by("order")
    )


def _items_deliberated(session_id: int) -> QuerySet:
    return AgendaItem.objects.filter(session_id=session_id).select_related("deliberation")
