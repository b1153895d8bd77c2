"""Drill: a Celery worker is killed with SIGKILL in the middle of a task. The message comes
back (acks_late), the task runs again, and its effect happens once."""

import os
import signal

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.utils import timezone

from config.celery import app
from tests.support import broker, own_redis_started, wait_until
from workflows.clocks.models import Notification, Reminder
from workflows.clocks.sweep import reminders_schedule
from workflows.clocks.tasks import deliver_reminder

from .conftest import FIRST_DAY_OVERDUE, worker_on

pytestmark = pytest.mark.worker


@pytest.fixture
def killable_redis():
    server = own_redis_started(6392)
    try:
        yield server
    finally:
        server.stop()


def lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_task_killed_mid_run_runs_again_and_delivers_once_when_the_worker_is_sigkilled(
    overdue_reviews, killable_redis, tmp_path
):
    overdue_reviews(1, with_head=False)
    reminders_schedule(today=FIRST_DAY_OVERDUE, now=timezone.now())
    reminder = Reminder.objects.get()
    attempts, sent = tmp_path / "attempts", tmp_path / "sent"

    with broker(killable_redis.url):
        with worker_on(
            killable_redis.url,
            gate=tmp_path,
            email_backend="tests.faults.mail.GateBackend",
            log_name="test-faults-killed-worker.log",
        ) as doomed:
            deliver_reminder.delay(reminder.pk)
            # Mark, then send: the reminder is committed as sent with its notification and its
            # e-mail marked "sending"; the e-mail itself is blocked at the gate.
            wait_until(lambda: len(lines(attempts)) == 1, what="the task to reach the e-mail")
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=20)

        reminder.refresh_from_db()
        assert reminder.sent_at is not None  # in the app already
        assert reminder.email_status == "sending" and reminder.emailed_at is None
        assert Notification.objects.filter(reminder=reminder).count() == 1
        assert lines(sent) == []

        (tmp_path / "open").touch()
        with worker_on(
            killable_redis.url,
            gate=tmp_path,
            email_backend="tests.faults.mail.GateBackend",
            log_name="test-faults-second-worker.log",
        ) as survivor:

            def delivered() -> bool:
                if survivor.poll() is not None:
                    pytest.fail("The worker exited; see var/test-faults-second-worker.log")
                return Reminder.objects.filter(pk=reminder.pk, email_status="sent").exists()

            # Nobody sends the message again: the broker hands the unacknowledged one back,
            # after the dead sender's "sending" claim has expired, and it sends the e-mail.
            wait_until(delivered, timeout=120, what="the redelivered task to send the e-mail")
            # Run again on purpose, as a duplicate message would: no second effect. (Its result
            # is in this Redis, not in the suite's result backend.)
            duplicate = deliver_reminder.delay(reminder.pk)
            results = RedisBackend(app=app, url=killable_redis.url)
            assert AsyncResult(duplicate.id, backend=results).get(timeout=60) is False

    assert len(lines(attempts)) == 2  # it ran again
    assert lines(sent) == [reminder.recipient.email]  # one e-mail
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert Notification.objects.count() == 1
