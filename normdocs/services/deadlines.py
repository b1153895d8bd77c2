"""The legal clocks of normative documents, on workflows.clocks.

Rule keys and their defaults are in normdocs/clockrules.py, registered at start-up; a
jurisdiction changes a length with a DeadlineRuleOverride, not a code change.
"""

from datetime import timedelta

from workflows.clocks.models import Deadline
from workflows.clocks.selectors import deadlines_for
from workflows.clocks.services import deadline_meet, deadline_open, deadline_waive

from ..clockrules import (  # noqa: F401 (re-exported for the services)
    CLEANUP_ITEM,
    EXPIRY_FIRST,
    EXPIRY_LAST,
    FILING,
    FILING_CORRECTION,
    FILING_REVIEW,
    LEGALITY_REVIEW,
)


def running(subject, rule_key: str) -> Deadline | None:
    return deadlines_for(subject).filter(rule_key=rule_key, status__in=Deadline.RUNNING).first()


def meet(subject, rule_key: str) -> None:
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_meet(deadline=deadline)


def waive(subject, rule_key: str, *, by, reason: str) -> None:
    # clocks.deadline_waive names a person (waived_by) and cannot be called for the system yet:
    # a clock the system would close stays running and shows as overdue. See the issue note.
    if by == "system":
        return
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_waive(deadline=deadline, by=by, reason=reason)


def open_clock(*, subject, rule_key: str, start, responsible_unit, responsible_people=()):
    return deadline_open(
        subject=subject,
        rule_key=rule_key,
        start=start,
        responsible_unit=responsible_unit,
        responsible_people=responsible_people,
    )


def open_notice(*, subject, rule_key: str, on, responsible_unit):
    """A one-day clock (see EXPIRY_FIRST) that falls due on ``on``."""
    return open_clock(
        subject=subject,
        rule_key=rule_key,
        start=on - timedelta(days=1),
        responsible_unit=responsible_unit,
    )


def notice_exists(subject, rule_key: str, *, on) -> bool:
    return deadlines_for(subject).filter(rule_key=rule_key, start=on - timedelta(days=1)).exists()
