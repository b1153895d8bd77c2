"""The Celery app and the whole beat schedule.

Beat runs django-celery-beat's DatabaseScheduler, so the entries below are written to the
database at start-up and can then be edited (paused, re-timed) in the admin without a deploy.
Every periodic task is harmless when it runs twice (style.md, Do 3).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("fazhi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> entry. Later issues add their sweeps here, and only here.
app.conf.beat_schedule = {
    "heartbeat": {
        "task": "workflows.tasks.heartbeat",
        "schedule": 60.0,
    },
}
