"""Drill: the PostgreSQL connection is terminated while reminders are delivered, at each point
of a delivery, for every reminder of a busy morning. Every reminder reaches its reader once, in
the app and by e-mail: nothing lost, nothing doubled (mark, then send: workflows/clocks/sweep)."""

import pytest
from django.core import mail
from django.db import DatabaseError, InterfaceError, connection
from django.utils import timezone

from workflows.clocks.models import Notification, Reminder
from workflows.clocks.sweep import reminders_schedule, reminders_sweep

from .conftest import FIRST_DAY_OVERDUE
from .test_connection_dropped import terminate_backend


class DropAfterSend:
    """An e-mail backend wrapper: after the mail server accepted the ``nth`` message, the
    database connection of this process is terminated, before the send can be marked."""

    def __init__(self, nth: int):
        self.nth, self.count = nth, 0

    def __call__(self, send):
        def wrapped(backend, email_messages):
            sent = send(backend, email_messages)
            self.count += 1
            if self.count == self.nth:
                terminate_backend(connection.connection.info.backend_pid)
            return sent

        return wrapped


@pytest.fixture
def locmem_backend(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


@pytest.mark.parametrize("nth", [1, 2, 5])
def test_an_email_whose_mark_hits_a_dropped_connection_is_not_sent_again(
    overdue_reviews, locmem_backend, monkeypatch, nth
):
    overdue_reviews(3)  # three reviewers and their head: six reminders
    reminders_schedule(today=FIRST_DAY_OVERDUE, now=timezone.now())
    assert Reminder.objects.count() == 6
    from django.core.mail.backends import locmem

    drop = DropAfterSend(nth)
    monkeypatch.setattr(
        locmem.EmailBackend, "send_messages", drop(locmem.EmailBackend.send_messages)
    )
    try:
        reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now())
    except (DatabaseError, InterfaceError):
        connection.close()  # a later statement of the sweep met the dead connection
    connection.close()
    # Later sweeps, with the database back, finish whatever is left; none sends anything twice.
    for _ in range(3):
        reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now())

    assert drop.count >= nth
    sent = sorted(m.extra_headers["Message-ID"] for m in mail.outbox)  # one per reminder
    assert len(sent) == len(set(sent)) == 6, sent  # each reminder's e-mail once
    assert Reminder.objects.filter(email_status="sent").count() == 6
    assert Notification.objects.count() == 6
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0


def test_an_email_is_retried_once_when_its_sender_died_before_the_mail_server_took_it(
    overdue_reviews, locmem_backend, settings
):
    """A sender killed mid-send leaves its e-mail "sending"; after the claim timeout the next
    sweep sends it, once (the worker-killed drill does this with a real SIGKILL)."""
    overdue_reviews(1, with_head=False)
    now = timezone.now()
    reminders_schedule(today=FIRST_DAY_OVERDUE, now=now)
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(
        sent_at=now, claimed_at=now, email_status="sending", email_claimed_at=now
    )
    assert reminders_sweep(today=FIRST_DAY_OVERDUE, now=now).emails_retried == 0  # still live
    later = now + timezone.timedelta(seconds=settings.FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS + 1)
    assert reminders_sweep(today=FIRST_DAY_OVERDUE, now=later).emails_retried == 1
    assert reminders_sweep(today=FIRST_DAY_OVERDUE, now=later).emails_retried == 0
    assert len(mail.outbox) == 1
