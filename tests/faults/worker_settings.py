"""Settings of the worker processes the fault drills start: the test settings, with the
broker's redelivery and the reminders' claim timeout shortened so that a drill takes seconds,
and e-mail written where the test can count it."""

import os

from config.settings.test import *  # noqa: F401,F403

# A message a killed worker had taken comes back after this many seconds (kombu's Redis
# transport re-queues unacknowledged messages older than this).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3}
EMAIL_BACKEND = os.environ.get("FAZHI_FAULT_EMAIL_BACKEND", "tests.faults.mail.GateBackend")
EMAIL_FILE_PATH = os.environ.get("FAZHI_FAULT_GATE", "")
