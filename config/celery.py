"""The Celery app and the whole beat schedule.

Beat runs django-celery-beat's DatabaseScheduler, so the entries below are written to the
database at start-up and can then be edited (paused, re-timed) in the admin without a deploy.
Every periodic task is harmless when it runs twice (style.md, Do 3).
"""

import os

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fazhi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def install_beat_schedule(sender, **kwargs):
    """The schedule, installed once the Django settings are loaded.

    Reading settings at import time would load them while the ``config`` package itself is
    still being imported (settings import ``config``), so the schedule waits for Celery to
    configure itself from them.
    """
    sender.conf.beat_schedule = beat_schedule()


def beat_schedule() -> dict:
    """name -> entry. Every periodic task of the project is here, and only here."""
    return {
        # /health/ reports beat down when the heartbeat is older than two of these periods
        # and a minute (workflows.health.heartbeat_max_age).
        "heartbeat": {
            "task": "workflows.tasks.heartbeat",
            "schedule": float(settings.FAZHI_SWEEP_SECONDS),
            "options": {"expires": float(settings.FAZHI_SWEEP_SECONDS)},
        },
        # Stale sweeps expire unrun: after an outage one sweep catches up on everything pending.
        "reminders-sweep": {
            "task": "workflows.clocks.tasks.sweep",
            "schedule": float(settings.FAZHI_SWEEP_SECONDS),
            "options": {"expires": float(settings.FAZHI_SWEEP_SECONDS)},
        },
        "workflow-timers": {
            "task": "workflows.clocks.tasks.fire_workflow_timers",
            "schedule": float(settings.FAZHI_SWEEP_SECONDS),
            "options": {"expires": float(settings.FAZHI_SWEEP_SECONDS)},
        },
        # The record's chain head, signed (writes nothing when no event came since the last).
        "record-checkpoint": {
            "task": "workflows.record.tasks.checkpoint",
            "schedule": float(settings.FAZHI_RECORD_CHECKPOINT_SECONDS),
            "options": {"expires": float(settings.FAZHI_RECORD_CHECKPOINT_SECONDS)},
        },
        # Normative documents: entry into force, expiry reminders, expiry; the biennial cleanup.
        "normdocs-validity": {"task": "normdocs.tasks.expire_documents", "schedule": 3600.0},
        "normdocs-regular-cleanup": {
            "task": "normdocs.tasks.open_regular_cleanups",
            "schedule": 86400.0,
        },
    }
