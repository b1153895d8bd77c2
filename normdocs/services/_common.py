"""What every normdocs service shares: refusals, the record, deadlines, today's date."""

from collections.abc import Callable
from datetime import date, datetime, time

from django.utils import timezone
from viewflow.fsm import NoTransition, TransitionConditionsUnmet

from workflows.record.services import record_append

from ..rules import RuleRefusal


def refuse(refusal: RuleRefusal | None) -> None:
    """Raise the refusal a rule returned (rules return None when all is well)."""
    if refusal is not None:
        raise refusal


def fsm_move(
    subject,
    target: str,
    *,
    wrong_state: Callable[[str], RuleRefusal],
    unmet: Callable[[str], RuleRefusal] | None = None,
) -> str:
    """Run ``subject.to_<target>()``, the FSM transition its model declares (from a lifecycle
    table in rules.py): the only writer of a document's, a filing's or a cleanup's status. A
    transition the table does not allow is refused with ``wrong_state(source)``; a condition
    built on a rule carries that rule's refusal, a bare one ``unmet(source)`` (by default
    ``wrong_state``). Returns the state it came from; the caller saves and records.
    """
    source = str(subject.status)
    try:
        getattr(subject, f"to_{str(target)}")()
    except NoTransition:
        raise wrong_state(source) from None
    except TransitionConditionsUnmet as unmet_conditions:
        if isinstance(unmet_conditions.unmet_message, RuleRefusal):
            raise unmet_conditions.unmet_message from None
        raise (unmet or wrong_state)(source) from None
    return source


def today() -> date:
    return timezone.localdate()


def act_time(on: date | None) -> datetime:
    """When an act done on ``on`` happened: now when it is done today (or no date is given),
    noon of that day when it is entered after the fact. The annual report counts by this date,
    never by the time of entry (which the record event keeps as ``created_at``)."""
    if on is None or on == today():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12)))


def record(*, actor, action: str, subject, payload: dict | None = None, on: date | None = None):
    """Append to the full-process record; called inside the caller's transaction.

    ``on`` is the date of the act (the event's ``created_at`` is the time it was entered): it is
    kept in the payload as ``"on"``, today's date when the act is done live.
    """
    payload = dict(payload or {})
    if on is not None or "on" not in payload:
        payload["on"] = on or today()
    return record_append(actor=actor, action=f"normdoc.{action}", subject=subject, payload=payload)
