"""Settings for pytest. The suite runs on real PostgreSQL and Redis (the Makefile's defaults);
see README."""

import os
from datetime import datetime

from .base import *  # noqa: F401,F403
from .local import FAZHI_DEMO_PASSWORD, FAZHI_RECORD_SIGNING_KEY, SECRET_KEY  # noqa: F401

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 3
# Tests never run collectstatic: WhiteNoise finds the files in the apps, as in development
# (and does not warn, on every client, that STATIC_ROOT does not exist).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# --- time -----------------------------------------------------------------------------------
# The suite must not depend on the day it runs or on the chinesecalendar release installed
# (domain.md §4, style.md 4). Its world: the package's schedule ends with 2026, so 2027 is the
# first year whose holiday notice is unknown until a test enters one.
FAZHI_HOLIDAY_PACKAGE_UNTIL = 2026

# Every test runs at a date it chooses (tests/conftest.py travels there with time-machine and
# names the moment in FAZHI_TEST_NOW): a Celery worker or server process a test starts reads
# these settings and travels to the same moment, so both sides of a test share one "today".
_test_now = os.environ.get("FAZHI_TEST_NOW")
if _test_now:
    import time_machine

    time_machine.travel(datetime.fromisoformat(_test_now), tick=True).start()

# Chromium runs on the machine's real clock while the server runs on the test's: cookies that
# expire at a date would be dropped as already expired. Browser-session cookies never are.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_AGE = None
