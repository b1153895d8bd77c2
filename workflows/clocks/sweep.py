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

E-mail is the one step outside the database: mark, then send. The commit that marks the
reminder sent also marks its e-mail "sending"; the e-mail goes out after it and is then marked
sent, retrying the mark on a new connection when the old one dropped. A failed send is marked
for a retry; a "sending" mark older than the claim timeout means its sender died and is sent
again. Only a sender that dies, or a database that stays away for half the claim timeout,
between the mail server's acceptance and the mark can repeat an e-mail; every attempt carries
the same Message-ID.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from .delivery import _email_owed, reminder_deliver, reminder_email_retry, reminder_message_id
from .messages import notice_reminder_message, recipient_language
from .models import CalendarNoticeReminder, Deadline, Reminder
from .schedule import reminder_windows, reminders_schedule
from .selectors import reminders_pending, reminders_to_queue
from .services import deadlines_compute_awaiting, notification_create

logger = logging.getLogger(__name__)

# Upper bound of reminders handled by one sweep; the rest wait for the next minute.
BATCH = 5000
# Reminders per delivery message: one publish costs about as much as one delivery's SQL, so a
# message per reminder made a 1,500-reminder morning cost 1,500 broker round trips (2.3 s of
# beat time in ``make bench``); 50 keep a 2-worker pool busy while costing 30.
QUEUE_CHUNK = 50


@dataclass
class SweepReport:
    today: date
    marked_overdue: int = 0
    created: int = 0
    delivered: int = 0
    skipped: int = 0
    queued: int = 0
    queue_errors: list[str] = field(default_factory=list)
    # Clocks computed because their holiday notice became known; clocks still waiting by year.
    computed: int = 0
    awaiting: dict[int, int] = field(default_factory=dict)
    notice_reminders: int = 0
    emails_retried: int = 0

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "computed": self.computed,
            "awaiting": {str(year): n for year, n in sorted(self.awaiting.items())},
            "notice_reminders": self.notice_reminders,
            "emails_retried": self.emails_retried,
            "marked_overdue": self.marked_overdue,
            "created": self.created,
            "delivered": self.delivered,
            "skipped": self.skipped,
            "queued": self.queued,
            "queue_errors": list(self.queue_errors),
        }


# --- clocks awaiting a holiday notice -------------------------------------------------------


def awaiting_by_year() -> dict[int, int]:
    """{year: number of clocks waiting for its holiday notice} (the partial index)."""
    return dict(
        Deadline.objects.filter(due=None)
        .values("awaiting_year")
        .annotate(n=Count("pk"))
        .values_list("awaiting_year", "n")
    )


def _administrators():
    """Who enters a holiday notice: active superusers and members of "administrator"."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name="administrator"))
        .distinct()
        .order_by("pk")
    )


def notice_reminders_send(*, today: date, now: datetime, awaiting: dict[int, int]) -> int:
    """Remind every administrator, once a day, of each year whose notice clocks wait for.

    Every day until the notice is entered (domain.md §4: the clock waits visibly). One row per
    (year, person, day), unique in the database and created in the transaction that creates
    its notification and sends its e-mail: a second sweep the same day sends nothing.
    """
    sent = 0
    for year, waiting in sorted(awaiting.items()):
        for person in _administrators():
            try:
                with transaction.atomic():
                    row, created = CalendarNoticeReminder.objects.get_or_create(
                        year=year,
                        recipient=person,
                        occurrence=today,
                        defaults={"waiting": waiting, "created_at": now},
                    )
                    if not created:
                        continue
                    message = notice_reminder_message(
                        year=year, waiting=waiting, language=recipient_language(person)
                    )
                    row.notification = notification_create(
                        recipient=person, title=message.title, body=message.body, url=message.url
                    )
                    row.save(update_fields=["notification"])
                    if person.email:
                        send_mail(
                            subject=message.title,
                            message=message.body,
                            from_email=None,
                            recipient_list=[person.email],
                        )
                sent += 1
            except IntegrityError:  # a concurrent sweep made it first
                continue
            except Exception:  # noqa: BLE001 - tomorrow's sweep (or the next) tries again
                logger.exception("Holiday notice reminder to %s failed", person.pk)
    return sent


# --- delivering them ------------------------------------------------------------------------


def _emails_retry(*, now: datetime, report: SweepReport) -> None:
    """E-mails owed for reminders delivered in the app: failed sends and dead senders."""
    ids = list(
        Reminder.objects.filter(sent_at__isnull=False, cancelled_at=None)
        .filter(_email_owed(now))
        .order_by("email_claimed_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for reminder_id in ids:
        if reminder_email_retry(reminder_id=reminder_id, now=now):
            report.emails_retried += 1


def _enqueue(ids: list[int], now: datetime, report: SweepReport) -> None:
    """Publish the reminders in messages of ``QUEUE_CHUNK``; on a broker failure, stop and
    un-mark the rest so that the next sweep queues them again.

    A message that reaches the broker and is then lost (Redis restarted empty) leaves its
    reminders marked queued: the next sweep after the claim timeout queues them again.
    """
    from .tasks import deliver_reminders

    for start in range(0, len(ids), QUEUE_CHUNK):
        chunk = ids[start : start + QUEUE_CHUNK]
        try:
            deliver_reminders.apply_async(
                args=[chunk],
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
            )
        except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds when down
            left = ids[start:]
            Reminder.objects.filter(pk__in=left, queued_at=now, sent_at=None).update(queued_at=None)
            report.queue_errors.append(repr(error)[:500])
            logger.warning(
                "Broker unreachable, %s reminder(s) stay pending for the next sweep: %r",
                len(left),
                error,
            )
            return
        report.queued += len(chunk)


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
    tests); ``deliver="queue"`` publishes ``deliver_reminders`` tasks of up to ``QUEUE_CHUNK``
    reminders after commit (beat).
    Never raises because the broker is down.
    """
    if deliver not in ("inline", "queue"):
        raise ValueError(f"deliver must be 'inline' or 'queue', not {deliver!r}")
    report = SweepReport(today=today)
    # A notice entered since (or a chinesecalendar upgrade) releases waiting clocks first, so
    # that their reminders are made in this very sweep.
    report.computed = len(deadlines_compute_awaiting().computed)
    report.awaiting = awaiting_by_year()
    report.notice_reminders = notice_reminders_send(today=today, now=now, awaiting=report.awaiting)
    report.marked_overdue, report.created = reminders_schedule(today=today, now=now)
    # Rare (a mail server down, a sender killed mid-send): retried here in either mode.
    _emails_retry(now=now, report=report)
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


# The sweep's parts, imported from here by tasks, commands, tests and the bench.
__all__ = [
    "BATCH",
    "QUEUE_CHUNK",
    "SweepReport",
    "awaiting_by_year",
    "notice_reminders_send",
    "reminder_deliver",
    "reminder_email_retry",
    "reminder_message_id",
    "reminder_windows",
    "reminders_schedule",
    "reminders_sweep",
]
