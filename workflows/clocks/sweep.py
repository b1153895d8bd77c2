"""The reminder sweep: make due reminders, mark overdue clocks, deliver each reminder once.

Run every minute by Celery beat (``tasks.sweep``) and by ``manage.py reminders_sweep``.
Safe however often and however concurrently it runs:

* a reminder is a row unique per (deadline, kind, recipient, occurrence), inserted with
  ``ON CONFLICT DO NOTHING``, so a second sweep cannot make a second copy;
* a reminder is sent only by whoever wins a conditional UPDATE of ``claimed_at``, and marked
  sent in the same transaction that creates its notification; the notification is also unique
  per reminder in the database;
* nothing is lost when Redis or a worker is down: an unsent reminder stays in the table and the
  next sweep queues (or delivers) it again; a claim older than
  ``FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS`` belongs to a dead worker and is taken over.

E-mail is the one step outside the database: it is sent last, just before the commit that
marks the reminder sent, so a crash in between can at worst repeat one e-mail, never lose one.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q

from workflows.calendar import (
    CalendarRangeError,
    WorkCalendar,
    add_working_days,
    working_days_before,
)

from .messages import recipient_language, reminder_message
from .models import Deadline, Jurisdiction, Reminder
from .selectors import (
    calendar_for,
    claim_timeout,
    reminders_pending,
    reminders_to_queue,
    unit_heads,
)
from .services import deadlines_mark_overdue, notification_create

logger = logging.getLogger(__name__)

# Upper bound of reminders handled by one sweep; the rest wait for the next minute.
BATCH = 5000
# Warn this long before the national holiday data runs out.
CALENDAR_WARNING = timedelta(days=60)


@dataclass
class SweepReport:
    today: date
    marked_overdue: int = 0
    created: int = 0
    delivered: int = 0
    skipped: int = 0
    queued: int = 0
    queue_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "marked_overdue": self.marked_overdue,
            "created": self.created,
            "delivered": self.delivered,
            "skipped": self.skipped,
            "queued": self.queued,
            "queue_errors": list(self.queue_errors),
        }


def reminder_windows() -> list[int]:
    """Working days before the due date at which people are reminded (default 3 and 1)."""
    return sorted({int(w) for w in settings.FAZHI_REMINDER_WINDOWS if int(w) >= 1})


# --- making reminders -----------------------------------------------------------------------


def _threshold(today: date, n: int, calendar: WorkCalendar) -> date:
    """The latest due date that is at most ``n`` working days after ``today``.

    Near the end of the known years the count may run past the data; every stored due date
    was computed within it, so the last known day is then an exact bound, not a guess.
    """
    try:
        return add_working_days(today, n, calendar=calendar)
    except CalendarRangeError:
        return date(calendar.last_year, 12, 31)


_warned_on: set[date] = set()


def _warn_if_calendar_ends_soon(today: date, calendar: WorkCalendar) -> None:
    """Once a day per process: next year's national schedule must be known before the year
    runs out, or clocks reaching into it will refuse to compute."""
    if date(calendar.last_year, 12, 31) - today < CALENDAR_WARNING and today not in _warned_on:
        _warned_on.add(today)
        logger.warning(
            "The working-day calendar ends on %s-12-31: once the State Council publishes its "
            "holiday notice for %s, an administrator enters it in the admin (Deadlines and "
            "reminders → National holiday notices), or chinesecalendar is upgraded.",
            calendar.last_year,
            calendar.last_year + 1,
        )


class _People:
    """Recipients, with each unit's heads looked up once per sweep."""

    def __init__(self):
        self._heads: dict[int, list] = {}

    def heads(self, deadline: Deadline) -> list:
        unit_id = deadline.responsible_unit_id
        if unit_id not in self._heads:
            self._heads[unit_id] = list(unit_heads(deadline.responsible_unit))
        return self._heads[unit_id]

    @staticmethod
    def responsible(deadline: Deadline) -> list:
        return [p for p in deadline.responsible_people.all() if p.is_active]


def _before_rows(*, today: date, now: datetime, people: _People) -> list[Reminder]:
    """ "Before" reminders: to the responsible people (their unit heads when nobody is named).

    A deadline gets the tightest window it has reached: a clock opened two working days
    before its due date gets the 3-day reminder at once, and the 1-day one when its day comes;
    a sweep that missed the 3-day day and wakes up on the 1-day day sends only the 1-day one.
    """
    windows = reminder_windows()
    if not windows:
        return []
    rows = []
    for jurisdiction in Jurisdiction.objects.all():
        calendar = calendar_for(jurisdiction)
        _warn_if_calendar_ends_soon(today, calendar)
        thresholds = [(w, _threshold(today, w, calendar)) for w in windows]
        candidates = (
            Deadline.objects.filter(
                jurisdiction=jurisdiction,
                status=Deadline.Status.OPEN,
                due__gte=today,
                due__lte=thresholds[-1][1],
            )
            .select_related("responsible_unit")
            .prefetch_related("responsible_people")
        )
        for deadline in candidates:
            window = next(w for w, latest in thresholds if deadline.due <= latest)
            occurrence = working_days_before(deadline.due, window, calendar=calendar)
            recipients = people.responsible(deadline) or people.heads(deadline)
            rows += [
                Reminder(
                    deadline=deadline,
                    kind=Reminder.Kind.BEFORE,
                    recipient=person,
                    occurrence=occurrence,
                    window=window,
                    created_at=now,
                )
                for person in recipients
            ]
    return rows


def _overdue_rows(*, today: date, now: datetime, people: _People) -> list[Reminder]:
    """Overdue reminders, once a day until met or waived: the responsible people and the
    heads of the responsible unit (the escalation)."""
    reminded_today = Reminder.objects.filter(
        deadline=OuterRef("pk"), kind=Reminder.Kind.OVERDUE, occurrence=today
    )
    overdue = (
        Deadline.objects.filter(status=Deadline.Status.OVERDUE)
        .exclude(Exists(reminded_today))
        .select_related("responsible_unit")
        .prefetch_related("responsible_people")
    )
    rows = []
    for deadline in overdue:
        recipients = {p.pk: p for p in people.responsible(deadline) + people.heads(deadline)}
        rows += [
            Reminder(
                deadline=deadline,
                kind=Reminder.Kind.OVERDUE,
                recipient=person,
                occurrence=today,
                created_at=now,
            )
            for person in recipients.values()
        ]
    return rows


def reminders_schedule(*, today: date, now: datetime) -> tuple[int, int]:
    """Mark overdue clocks and insert every reminder now due; returns (overdue, inserted).

    ``inserted`` counts rows offered to the database: a concurrent sweep's copies are
    dropped by the unique constraint.
    """
    marked = deadlines_mark_overdue(today=today)
    people = _People()
    rows = _before_rows(today=today, now=now, people=people)
    rows += _overdue_rows(today=today, now=now, people=people)
    if rows:
        existing = set(
            Reminder.objects.filter(
                deadline__in={r.deadline_id for r in rows},
                occurrence__in={r.occurrence for r in rows},
            ).values_list("deadline_id", "kind", "recipient_id", "occurrence")
        )
        rows = [
            r for r in rows if (r.deadline_id, r.kind, r.recipient_id, r.occurrence) not in existing
        ]
        with transaction.atomic():
            Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(marked), len(rows)


# --- delivering them ------------------------------------------------------------------------


class _ClaimLost(Exception):
    """Our claim was taken over (we were presumed dead): the other deliverer sends it."""


def reminder_deliver(*, reminder_id: int, now: datetime) -> bool:
    """Send one reminder if nobody else has or is: returns True when this call sent it.

    Claim (its own committed UPDATE, so rivals see it), then in one transaction: mark it sent
    (only if our claim still holds), create the notification, send the e-mail. A failure rolls
    the transaction back and releases the claim for a later sweep (in queue mode, once the
    claim timeout has passed since it was queued: a back-off while the mail server is down).
    An address the mail server refuses for good does not hold back the in-app notification:
    the refusal is noted on the reminder and the reminder counts as sent.
    """
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at=None, cancelled_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()))
        .update(claimed_at=now)
    )
    if claimed != 1:
        return False
    try:
        with transaction.atomic():
            mine = Reminder.objects.filter(
                pk=reminder_id, sent_at=None, cancelled_at=None, claimed_at=now
            )
            # Locks the row until commit: a rival's take-over or a cancellation waits for us.
            if mine.update(sent_at=now) != 1:
                raise _ClaimLost
            reminder = Reminder.objects.select_related(
                "recipient", "deadline__responsible_unit", "deadline__content_type"
            ).get(pk=reminder_id)
            recipient = reminder.recipient
            message = reminder_message(reminder, language=recipient_language(recipient))
            notification_create(
                recipient=recipient,
                title=message.title,
                body=message.body,
                url=message.url,
                reminder=reminder,
            )
            if recipient.email:
                try:
                    send_mail(
                        subject=message.title,
                        message=message.body,
                        from_email=None,
                        recipient_list=[recipient.email],
                    )
                except smtplib.SMTPRecipientsRefused as refused:
                    logger.warning("Reminder %s: e-mail refused: %r", reminder_id, refused)
                    Reminder.objects.filter(pk=reminder_id).update(
                        last_error=f"e-mail refused: {refused!r}"[:2000]
                    )
        return True
    except _ClaimLost:
        return False
    except Exception as error:  # noqa: BLE001 - whatever broke, the reminder must be retried
        logger.exception("Reminder %s could not be sent; it will be retried", reminder_id)
        Reminder.objects.filter(pk=reminder_id, sent_at=None, claimed_at=now).update(
            claimed_at=None, failures=F("failures") + 1, last_error=repr(error)[:2000]
        )
        return False


def _enqueue(ids: list[int], now: datetime, report: SweepReport) -> None:
    """Publish one delivery task per reminder; on a broker failure, stop and un-mark the rest
    so that the next sweep queues them again."""
    from .tasks import deliver_reminder

    for position, reminder_id in enumerate(ids):
        try:
            deliver_reminder.apply_async(
                args=[reminder_id],
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
            )
        except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds when down
            left = ids[position:]
            Reminder.objects.filter(pk__in=left, queued_at=now, sent_at=None).update(queued_at=None)
            report.queue_errors.append(repr(error)[:500])
            logger.warning(
                "Broker unreachable, %s reminder(s) stay pending for the next sweep: %r",
                len(left),
                error,
            )
            return
        report.queued += 1


def _queue_pending(*, now: datetime, report: SweepReport) -> None:
    ids = list(
        reminders_to_queue(now=now).order_by("created_at").values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return
    # Mark them queued with our own timestamp; what we marked is what we publish.
    reminders_to_queue(now=now).filter(pk__in=ids).update(queued_at=now)
    mine = list(Reminder.objects.filter(pk__in=ids, queued_at=now).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(mine, now, report))


def reminders_sweep(*, today: date, now: datetime, deliver: str = "inline") -> SweepReport:
    """One sweep: schedule due reminders and mark overdue clocks, then deliver.

    ``deliver="inline"`` sends every pending reminder in this process (the management command,
    tests); ``deliver="queue"`` publishes one ``deliver_reminder`` task each after commit (beat).
    Never raises because the broker is down.
    """
    if deliver not in ("inline", "queue"):
        raise ValueError(f"deliver must be 'inline' or 'queue', not {deliver!r}")
    report = SweepReport(today=today)
    report.marked_overdue, report.created = reminders_schedule(today=today, now=now)
    if deliver == "queue":
        _queue_pending(now=now, report=report)
        return report
    ids = list(
        reminders_pending(now=now).order_by("created_at").values_list("pk", flat=True)[:BATCH]
    )
    for reminder_id in ids:
        if reminder_deliver(reminder_id=reminder_id, now=now):
            report.delivered += 1
        else:
            report.skipped += 1
    return report
