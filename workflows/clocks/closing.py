"""Closing legal clocks: met (``deadline_meet``), waived (``deadline_waive``), and marked
overdue by the sweep (``deadlines_mark_overdue``).

Each change is written to the full-process record in the same transaction
(《重大行政决策程序暂行条例》第三十三条).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.record.services import ACTOR_SYSTEM, record_append, record_append_many

from ..composed import composed_get
from ..transactions import service_atomic
from .models import Deadline
from .opening import _subject_key, _subject_key_of


class DeadlineClosed(ValidationError):
    """The deadline was already met or waived."""


def _lock(deadline: Deadline | int) -> Deadline:
    pk = deadline if isinstance(deadline, int) else deadline.pk
    return composed_get(("clock locked",), _locked, pk)


def _locked(pk: int) -> QuerySet:
    return Deadline.objects.select_for_update().filter(pk=pk)


@service_atomic
def deadline_meet(*, deadline: Deadline | int, at: datetime | None = None, by=None) -> Deadline:
    """The step was done: stop the clock (late if it was overdue) and cancel unsent reminders.

    ``deadline`` is the clock or its id: it is read again under its row lock either way.
    Meeting a met deadline again changes nothing; a waived one cannot be met.
    """
    return _meet_locked(_lock(deadline), at=at, by=by)


@service_atomic
def deadlines_meet_running(
    *, deadlines: QuerySet[Deadline], at: datetime | None = None, by=None
) -> list[Deadline]:
    """``deadline_meet`` for each running clock of ``deadlines`` (``selectors.deadlines_for``
    of an item), read and locked in one statement rather than read, then locked one by one."""
    running = deadlines.filter(status__in=Deadline.RUNNING).select_for_update(of=("self",))
    return [_meet_locked(row, at=at, by=by) for row in running]


def _meet_locked(row: Deadline, *, at: datetime | None, by) -> Deadline:
    """``deadline_meet`` of ``row``, read under its lock in this transaction."""
    if row.status == Deadline.Status.MET:
        return row
    if row.status == Deadline.Status.WAIVED:
        raise DeadlineClosed(_("This deadline was waived."), code="waived")
    at = at or timezone.now()
    was = row.status
    row.status = Deadline.Status.MET
    row.met_at = at
    row.save(update_fields=["status", "met_at"])
    row.reminders.filter(sent_at=None, cancelled_at=None).update(cancelled_at=at)
    record_append(
        actor=by or ACTOR_SYSTEM,
        action="deadline.met",
        subject=_subject_key(row),
        payload={
            "deadline": row.pk,
            "rule": row.rule_key,
            "due": row.due,
            "met_at": at,
            # A clock still awaiting its holiday notice cannot be late yet; its computation
            # says whether it was ("deadline.computed").
            "late": was == Deadline.Status.OVERDUE
            or (row.due is not None and timezone.localdate(at) > row.due),
        },
    )
    return row


@service_atomic
def deadline_waive(*, deadline: Deadline, by, reason: str) -> Deadline:
    """Stop the clock without the step being done; the reason is required and recorded.

    ``by`` is the person who decided, or ``"system"`` (ACTOR_SYSTEM) when a process closes
    a clock it no longer needs (e.g. a document withdrawn); the reason is required either way.
    """
    if by != ACTOR_SYSTEM and getattr(by, "pk", None) is None:
        # Checked first: the public or a missing person never waives a legal clock.
        raise TypeError(f"by is a saved User or {ACTOR_SYSTEM!r}, not {by!r}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("A reason is required to waive a deadline."), code="waiver_reason_required"
        )
    row = _lock(deadline)
    if not row.is_running:
        raise DeadlineClosed(_("This deadline is already closed."), code="closed")
    at = timezone.now()
    row.status = Deadline.Status.WAIVED
    row.waived_at = at
    row.waived_by = None if by == ACTOR_SYSTEM else by
    row.waived_reason = reason
    row.save(update_fields=["status", "waived_at", "waived_by", "waived_reason"])
    row.reminders.filter(sent_at=None, cancelled_at=None).update(cancelled_at=at)
    record_append(
        actor=by,
        action="deadline.waived",
        subject=_subject_key(row),
        payload={"deadline": row.pk, "rule": row.rule_key, "due": row.due, "reason": reason},
    )
    return row


@service_atomic
def deadlines_mark_overdue(*, today: date) -> list[int]:
    """Mark running clocks whose due date has passed as overdue, recording each one.

    The due day itself is still in time. Rows another sweep is marking are skipped. One
    event per clock, about the clock's subject, all appended together (``record_append_many``):
    a sweep after a holiday may mark hundreds at once.
    """
    rows = list(
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(status=Deadline.Status.OPEN, due__lt=today)
        .values_list("id", "content_type_id", "object_id", "rule_key", "due")
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    Deadline.objects.filter(pk__in=ids, status=Deadline.Status.OPEN).update(
        status=Deadline.Status.OVERDUE
    )
    record_append_many(
        actor=ACTOR_SYSTEM,
        action="deadline.overdue",
        entries=[
            (
                _subject_key_of(content_type_id, object_id),
                {"deadline": pk, "rule": rule_key, "due": due, "on": today},
            )
            for pk, content_type_id, object_id, rule_key, due in rows
        ],
    )
    return ids
