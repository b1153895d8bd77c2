"""The collective decision at the meeting (第三十条); the submission package it receives
(第二十九条) is checked in ``package``.

A meeting is the deliberation of one agenda item of a numbered session
(``decisions.services.session``: ``session_open`` creates it); ``meeting_statement_record``
and ``meeting_decide`` work on it, for a major decision and for any other item alike."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Value
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows.composed import composed_get
from workflows.locks import row_held, row_hold
from workflows.record.services import record_append_several
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Attendance, Decision, Meeting, Outcome, Statement
from ._common import act_on, act_time, held_read, lock, require_not_sealed, require_role


def _require_secretary(*, by, government) -> None:
    require_role(user=by, role="meeting_secretary", unit=government)


def _lock_meeting(meeting: Meeting) -> tuple[Decision | None, Meeting]:
    """The meeting (and its decision, when the item is a major decision) under a row lock.
    The numbered session replaced ``meeting_open``: a meeting is the deliberation of one agenda
    item (``decisions.services.session``), created when the session opens."""
    decision = lock(meeting.decision_id) if meeting.decision_id else None
    held = row_held(Meeting, meeting.pk)  # each statement of one sitting locks it again
    if held is None:
        held = composed_get(("meeting locked",), _meeting_locked, meeting.pk)
        row_hold(held)
    meeting = held
    if decision is not None:
        require_not_sealed(decision)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("The meeting is concluded."), code="meeting_concluded")
    return decision, meeting


SITTING = "sitting"  # what ``_sitting`` keeps while the meeting is held


def _sitting(meeting: Meeting) -> tuple[set[int], list[tuple[int, str]]]:
    """The members present at the held ``meeting``, and what was said so far in speaking order
    as (speaker's id, position): read in one statement once while this transaction holds the
    meeting (``_common.held_read``), then answered from there for each member's statement and
    the head's decision. The attendance is written when the meeting is created; statements only
    by the two services below, under the meeting's lock, each adding its own to what is kept."""

    def read():
        present = meeting.attendance.filter(present=True, role=Attendance.Role.MEMBER).values_list(
            "person_id", Value(0), Value("")
        )  # order 0: a member present
        said = meeting.statements.order_by().values_list("speaker_id", "order", "position")
        members, statements = set(), []
        for person_id, order, position in present.union(said, all=True):
            if order == 0:
                members.add(person_id)
            else:
                statements.append((order, person_id, position))
        return members, [(speaker, position) for _order, speaker, position in sorted(statements)]

    return held_read(meeting, SITTING, read)


def _government_of(meeting: Meeting, decision: Decision | None):
    if meeting.item_id is not None:
        return meeting.item.government
    return decision.government


def _record(*, by, action: str, meeting: Meeting, decision: Decision | None, payload: dict):
    """On the session (when the meeting is an agenda item's) and on the decision (if any)."""
    events = []
    if meeting.item_id is not None and meeting.item.session_id is not None:
        events.append(
            (
                action.replace("decision.", "session.", 1),
                meeting.item.session,
                {**payload, "item": meeting.item_id},
            )
        )
    if decision is not None:
        events.append((action, decision, payload))
    record_append_several(actor=by, events=events)  # both in one statement


@service_atomic
def meeting_statement_record(
    *, meeting: Meeting, by, speaker, position: str, text: str, at: datetime | None = None
) -> Statement:
    """Record a member's view verbatim, in speaking order; dissent is kept as stated (第三十条).
    The head does not speak here: the head speaks last, with the decision. ``at`` is when the
    member spoke, given when the meeting is entered after the fact (never before it)."""
    decision, meeting = _lock_meeting(meeting)
    _require_secretary(by=by, government=_government_of(meeting, decision))
    if speaker.pk == meeting.principal_id:
        raise ValidationError(
            _("The administrative head speaks last, when deciding."), code="head_speaks_last"
        )
    members, said = _sitting(meeting)
    if speaker.pk not in members:
        raise ValidationError(_("Only a member present may speak."), code="not_present")
    if position not in Statement.Position.values:
        raise ValidationError(_("Unknown position."), code="invalid_position")
    if not text.strip():
        raise ValidationError(_("Record what was said."), code="text_required")
    spoken = [speaker_id for speaker_id, _position in said]
    if speaker.pk in spoken:
        raise ValidationError(
            _("This member's statement is already recorded."), code="already_spoken"
        )
    order = len(spoken) + 1
    spoke_at = act_time(at)
    if at is not None and spoke_at < meeting.held_at:
        raise ValidationError(_("A member cannot speak before the meeting."), code="before_meeting")
    statement = Statement.objects.create(
        meeting=meeting,
        speaker=speaker,
        order=order,
        position=position,
        text=text,  # verbatim: not stripped, not edited
        recorded_at=spoke_at,
        recorded_by=by,
    )
    said.append((speaker.pk, position))
    _record(
        by=by,
        action="decision.meeting_statement",
        meeting=meeting,
        decision=decision,
        payload={
            "meeting": meeting.pk,
            "order": order,
            "speaker": speaker.pk,
            "position": position,
            "text": text,
            **act_on(spoke_at),
        },
    )
    return statement


# The government's meetings as normdocs names them (国办发〔2018〕37号 三(四)).
DOCUMENT_MEETING_KIND = {
    Meeting.Kind.EXECUTIVE: "executive_meeting",
    Meeting.Kind.PLENARY: "plenary_meeting",
}


def _document_deliberation_record(*, meeting: Meeting, by) -> None:
    """The head's decision on a normative-document item is the document's collective
    deliberation (国办发〔2018〕37号 三(四)): recorded through normdocs' own service, which moves
    the document (a rejected draft goes back to its drafter) and refuses a meeting that may not
    deliberate it. Adopted (with amendments: the amendments are its note) or not adopted; a
    deferral records nothing, the document waits for a later session.

    The session's secretary records it, as for every item: when the head decides, the record is
    the secretary's (the meeting secretary records the government's deliberations,
    ``normdocs.permissions.is_deliberation_recorder_for``)."""
    if meeting.head_decision == Outcome.DEFERRED:
        return
    from normdocs.services import normdoc_deliberate

    item = meeting.item
    session = item.session
    recorder = session.secretary if by.pk == meeting.principal_id else by
    with translation.override(settings.LANGUAGE_CODE):
        note = str(
            _("Deliberated at %(session)s, item %(order)s.")
            % {"session": session, "order": item.order}
        )
        if meeting.amendments:
            note += "\n" + str(
                _("Amendments decided: %(amendments)s") % {"amendments": meeting.amendments}
            )
    normdoc_deliberate(
        document=item.document,
        by=recorder,
        meeting_kind=DOCUMENT_MEETING_KIND[session.kind],
        meeting_on=timezone.localdate(session.held_at),
        adopted=meeting.head_decision in (Outcome.ADOPTED, Outcome.ADOPTED_WITH_AMENDMENTS),
        note=note,
    )


HEAD_POSITION = {
    "adopt": Statement.Position.SUPPORT,
    "adopt_with_amendments": Statement.Position.CONDITIONAL,
    "reject": Statement.Position.OPPOSE,
    "defer": Statement.Position.ABSTAIN,
}


@service_atomic
def meeting_decide(
    *,
    meeting: Meeting,
    by,
    head_decision: str,
    statement: str,
    reason: str = "",
    amendments: str = "",
    at: datetime | None = None,
) -> Meeting:
    """The head speaks last and decides: adopt, adopt with amendments, reject or defer. Refused
    before every other present member has spoken, without a reason when the decision goes
    against the majority, and, adopted with amendments, without the amendments decided
    (第三十条). A major decision moves on as decided; another agenda item has no stage."""
    decision, meeting = _lock_meeting(meeting)
    if by.pk != meeting.principal_id:
        _require_secretary(by=by, government=_government_of(meeting, decision))
    if head_decision not in HEAD_POSITION:
        raise ValidationError(_("Unknown decision."), code="invalid_decision")
    present_members, said = _sitting(meeting)
    majority = _head_decision_majority(
        present_members=present_members,
        said=said,
        head_decision=head_decision,
        statement=statement,
        reason=reason,
        amendments=amendments,
    )
    # When the head spoke, given when the meeting is entered after the fact (never before it).
    now = at or timezone.now()
    if now < meeting.held_at:
        raise ValidationError(
            _("The head cannot decide before the meeting."), code="before_meeting"
        )
    Statement.objects.create(
        meeting=meeting,
        speaker_id=meeting.principal_id,
        order=len(said) + 1,
        position=HEAD_POSITION[head_decision],
        text=statement,
        recorded_at=now,
        recorded_by=by,
    )
    said.append((meeting.principal_id, HEAD_POSITION[head_decision]))
    meeting.head_decision = head_decision
    meeting.head_statement = statement
    meeting.head_reason = reason.strip()
    meeting.majority_view = majority
    meeting.amendments = amendments.strip() if head_decision == "adopt_with_amendments" else ""
    meeting.decided_at = now
    meeting.status = Meeting.Status.CONCLUDED
    meeting.save()
    if decision is not None:
        decision.outcome = head_decision
        # Adopted: to the Party report; rejected: to the archive; deferred: to a later meeting.
        decision_stage_move(
            decision=decision, move=rules.MEETING_MOVES[head_decision], also=("outcome",)
        )
    if meeting.item_id is not None and meeting.item.document_id is not None:
        _document_deliberation_record(meeting=meeting, by=by)
    _record(
        by=by,
        action="decision.meeting_decided",
        meeting=meeting,
        decision=decision,
        payload={
            "meeting": meeting.pk,
            "head_decision": head_decision,
            "majority": majority,
            "reason": meeting.head_reason,
            "amendments": meeting.amendments,
            "statement": statement,
            "stage": decision.stage if decision is not None else "",
            "on": timezone.localdate(now),
        },
    )
    return meeting


def _head_decision_majority(
    *,
    present_members,
    said: list[tuple[int, str]],
    head_decision: str,
    statement: str,
    reason: str,
    amendments: str,
) -> str:
    """The majority view of the members who spoke (``said``), once the head may decide
    (第三十条): refused before every present member has spoken, without the head's words,
    without a reason when the decision goes against the majority, and, adopted with amendments,
    without the amendments decided."""
    spoken = [speaker_id for speaker_id, _position in said]
    if not rules.head_may_speak(present_member_ids=present_members, spoken_ids=spoken):
        raise ValidationError(
            _("The administrative head speaks last: %(count)s member(s) present have not spoken."),
            code="head_speaks_last",
            params={"count": len(set(present_members) - set(spoken))},
        )
    if not statement.strip():
        raise ValidationError(_("Record what the head said."), code="text_required")
    majority = rules.majority_view([position for _speaker_id, position in said])
    if (
        rules.is_reason_required(head_decision=head_decision, majority=majority)
        and not reason.strip()
    ):
        raise ValidationError(
            _(
                "The decision differs from the majority of the members: the reason must be given at the meeting."
            ),
            code="reason_required_against_majority",
        )
    if head_decision == "adopt_with_amendments" and not amendments.strip():
        raise ValidationError(
            _("Adopted with amendments: record the amendments the meeting decided."),
            code="amendments_required",
        )
    return majority


def _meeting_locked(pk: int) -> QuerySet:
    """The meeting with its item's government and session (composed once: each member's
    statement locks it, ``workflows.composed``)."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("item__government", "item__session__government")
        .filter(pk=pk)
    )
