"""Drill: Redis stops in the middle of a sweep and comes back; every due reminder is delivered
exactly once (one notification, one e-mail), nothing lost and nothing doubled."""

import pytest
from celery.signals import after_task_publish
from django.utils import timezone

from tests.support import broker, wait_until
from workflows.clocks import sweep
from workflows.clocks.models import Notification, Reminder
from workflows.clocks.sweep import reminders_sweep

from .conftest import FIRST_DAY_OVERDUE, worker_on

pytestmark = pytest.mark.worker

DEADLINES = 6  # each overdue: its reviewer and the unit head are told, 12 reminders
PUBLISHED_BEFORE_THE_CRASH = 4  # messages, of CHUNK reminders each
CHUNK = 2


def test_every_due_reminder_is_delivered_once_when_redis_stops_during_a_sweep(
    overdue_reviews, own_redis, tmp_path, monkeypatch
):
    monkeypatch.setattr(sweep, "QUEUE_CHUNK", CHUNK)  # six messages: the crash cuts them 4 + 2
    overdue_reviews(DEADLINES)
    published = []

    def crash_redis_after_some(sender=None, **kwargs):
        published.append(sender)
        if len(published) == PUBLISHED_BEFORE_THE_CRASH:
            own_redis.stop()  # mid-sweep: the rest of this sweep's messages cannot be sent

    after_task_publish.connect(crash_redis_after_some, weak=False)
    try:
        with (
            broker(own_redis.url),
            worker_on(
                own_redis.url,
                gate=tmp_path,
                email_backend="django.core.mail.backends.filebased.EmailBackend",
                log_name="test-faults-redis-worker.log",
            ) as worker,
        ):
            during = reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now(), deliver="queue")
            assert during.created == 2 * DEADLINES
            assert during.queued == PUBLISHED_BEFORE_THE_CRASH * CHUNK and during.queue_errors
            after_task_publish.disconnect(crash_redis_after_some)

            own_redis.start()  # empty: the messages published before the crash are gone too

            def all_sent() -> bool:
                if worker.poll() is not None:
                    pytest.fail("The worker exited; see var/test-faults-redis-worker.log")
                # What beat does every minute; a claim or queue mark older than the claim
                # timeout belongs to a message that was lost, and is queued again.
                reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now(), deliver="queue")
                return not Reminder.objects.filter(sent_at=None).exists()

            wait_until(all_sent, every=1.0, what="every reminder to be sent after the restart")
            # One more sweep after everything went out: nothing is sent again.
            reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now(), deliver="queue")
    finally:
        after_task_publish.disconnect(crash_redis_after_some)

    reminders = list(Reminder.objects.all())
    assert len(reminders) == 2 * DEADLINES
    assert Notification.objects.count() == len(reminders)
    assert sorted(Notification.objects.values_list("reminder_id", flat=True)) == sorted(
        r.pk for r in reminders
    )
    mails = [p.read_text() for p in tmp_path.iterdir() if p.suffix == ".log"]
    recipients = sorted(
        line.split(": ", 1)[1]
        for text in mails
        for line in text.splitlines()
        if line.startswith("To: ")
    )
    assert recipients == sorted(r.recipient.email for r in reminders)
