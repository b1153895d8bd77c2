"""Celery tasks of legal clocks. Each is harmless when it runs twice (style.md, Do 3)."""

from __future__ import annotations

import logging
import zlib
from contextlib import contextmanager

from celery import shared_task
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="workflows.clocks.tasks.sweep")
def sweep() -> dict:
    """Beat, every FAZHI_SWEEP_SECONDS: make due reminders and queue their delivery."""
    from .sweep import reminders_sweep

    return reminders_sweep(
        today=timezone.localdate(), now=timezone.now(), deliver="queue"
    ).as_dict()


@shared_task(name="workflows.clocks.tasks.deliver_reminder")
def deliver_reminder(reminder_id: int) -> bool:
    """Send one reminder unless it was already sent or is being sent: True when this run sent
    it. A retried or duplicated message is a no-op. (Sweeps queue ``deliver_reminders``; this
    one stays for messages queued before that, and for a single retry by hand.)"""
    from .sweep import reminder_deliver

    return reminder_deliver(reminder_id=reminder_id, now=timezone.now())


@shared_task(name="workflows.clocks.tasks.deliver_reminders")
def deliver_reminders(reminder_ids: list[int]) -> int:
    """Send each of the reminders that nobody has sent or is sending; returns how many this run
    sent. Each reminder is claimed on its own, so a message run twice (a worker killed before
    its ack) or two messages naming the same reminder still send it once."""
    from .sweep import reminder_deliver

    sent = 0
    for reminder_id in reminder_ids:
        sent += reminder_deliver(reminder_id=reminder_id, now=timezone.now())
    return sent


@contextmanager
def _only_one(name: str):
    """Hold a PostgreSQL advisory lock for the block; yield False when another process has it.

    viewflow's start-timer dispatcher has no row to lock before a process exists, so two
    dispatchers at once could start the same process twice. SQLite (the embedded default)
    runs a single beat and needs no lock.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@shared_task(name="workflows.clocks.tasks.fire_workflow_timers")
def fire_workflow_timers() -> dict:
    """Beat, every FAZHI_SWEEP_SECONDS: fire due viewflow timers, conditions and start timers.

    viewflow 2.4 keeps ``flow.Timer`` due moments in its task table and ships the dispatcher
    functions (``viewflow.workflow.timers``) and a ``workflow_timers`` command, but no Celery
    task; this is that task. Timers are fired by ``workflows.timers`` (viewflow's dispatcher,
    each timer run as an action runs). Timer and condition firing lock each process themselves.
    """
    from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers

    from workflows.timers import timers_fire_due

    with _only_one("fazhi.workflow_timers") as acquired:
        if not acquired:
            logger.info("Another dispatcher is firing workflow timers; skipped")
            return {"skipped": True}
        return {
            "timers": timers_fire_due(),
            "started": fire_due_start_timers(),
            "conditions": fire_due_conditions(),
        }
