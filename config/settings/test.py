"""Settings for pytest. The suite runs on real PostgreSQL and Redis (the Makefile's defaults);
see README."""

from .base import *  # noqa: F401,F403
from .local import FAZHI_DEMO_PASSWORD, SECRET_KEY  # noqa: F401

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 3
# Tests never run collectstatic: WhiteNoise finds the files in the apps, as in development
# (and does not warn, on every client, that STATIC_ROOT does not exist).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
