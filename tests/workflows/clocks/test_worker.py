"""Delivery through a real Celery worker on Redis: retries and outages never double-send."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.support import broker, celery_worker, own_redis_started, wait_until
from workflows.clocks.models import Notification, Reminder
from workflows.clocks.sweep import reminders_schedule, reminders_sweep
from workflows.clocks.tasks import deliver_reminder, deliver_reminders, sweep

from .test_sweep import FIRST_DAY_OVERDUE, THREE_DAYS_BEFORE

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[3]


def test_a_worker_running_the_delivery_task_twice_sends_the_reminder_once(
    celery_worker_process, committed, open_review
):
    open_review()
    reminders_schedule(today=THREE_DAYS_BEFORE, now=timezone.now())
    reminder = Reminder.objects.get()

    first = deliver_reminder.delay(reminder.pk)
    second = deliver_reminder.delay(reminder.pk)
    outcomes = sorted([first.get(timeout=30), second.get(timeout=30)])
    assert outcomes == [False, True]
    # …and once more, as a redelivered message after a worker restart would.
    assert deliver_reminder.delay(reminder.pk).get(timeout=30) is False

    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert Notification.objects.filter(reminder=reminder).count() == 1
    assert Notification.objects.count() == 1


def test_a_chunk_message_run_twice_sends_each_of_its_reminders_once(
    celery_worker_process, committed, open_review, head
):
    open_review()
    reminders_schedule(today=FIRST_DAY_OVERDUE, now=timezone.now())
    ids = sorted(Reminder.objects.values_list("pk", flat=True))
    assert len(ids) == 2  # the reviewer and, escalated, the unit head

    first = deliver_reminders.delay(ids)
    second = deliver_reminders.delay(ids)  # as a message redelivered after a lost ack would be
    assert first.get(timeout=30) + second.get(timeout=30) == 2
    assert deliver_reminders.delay(ids).get(timeout=30) == 0
    assert sorted(Notification.objects.values_list("reminder_id", flat=True)) == ids


def test_the_beat_sweep_task_queues_deliveries_that_the_worker_sends(
    celery_worker_process, committed, open_review, head
):
    open_review()  # due 2024-10-12: long overdue on any real today
    result = sweep.delay().get(timeout=60)
    assert result["marked_overdue"] == 1 and result["queued"] == 2
    wait_until(
        lambda: Reminder.objects.filter(sent_at__isnull=False).count() == 2,
        what="the worker to send both overdue reminders",
    )
    assert sweep.delay().get(timeout=60)["queued"] == 0  # the same day: nothing new
    assert Notification.objects.count() == 2


# --- Redis down ---------------------------------------------------------------------------


@pytest.fixture
def own_redis():
    server = own_redis_started(6390)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def worker_on(redis_url: str):
    """A real worker process consuming from ``redis_url`` on the test database."""
    from tests.conftest import _database_url_of

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url_of(connection.settings_dict),
        "REDIS_URL": redis_url,
    }
    options = ["--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with celery_worker(env=env, log_name="test-worker-own-redis.log", options=options) as proc:
        yield proc


def test_nothing_is_lost_and_nothing_is_doubled_when_redis_is_down_for_a_while(
    committed, own_redis, open_review, head
):
    open_review()
    with broker(own_redis.url):
        own_redis.stop()
        now = timezone.now()
        down = reminders_sweep(today=FIRST_DAY_OVERDUE, now=now, deliver="queue")
        assert down.created == 2 and down.queued == 0 and down.queue_errors
        pending = list(Reminder.objects.all())
        assert len(pending) == 2
        assert all(r.sent_at is None and r.claimed_at is None for r in pending)
        assert all(r.queued_at is None for r in pending)  # so the next sweep queues them

        own_redis.start()
        back = reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now(), deliver="queue")
        assert back.created == 0 and back.queued == 2 and not back.queue_errors
        again = reminders_sweep(today=FIRST_DAY_OVERDUE, now=timezone.now(), deliver="queue")
        assert again.queued == 0  # already queued: not published twice

        with worker_on(own_redis.url) as worker:

            def both_sent() -> bool:
                if worker.poll() is not None:
                    pytest.fail("The worker exited; see var/test-worker-own-redis.log")
                return Reminder.objects.filter(sent_at__isnull=False).count() == 2

            wait_until(both_sent, what="the worker on the restarted Redis to send both reminders")
    assert Notification.objects.count() == 2
    assert sorted(Notification.objects.values_list("reminder_id", flat=True)) == sorted(
        r.pk for r in pending
    )
