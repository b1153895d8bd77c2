"""Production: every secret and service comes from the environment, and the process refuses
to start when one is missing or too weak (the error names the variable)."""

from pathlib import Path

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES, env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
# Django's own measure of a weak key (check security.W009), refused here rather than warned
# about by a `check --deploy` nobody runs: sessions, password resets and signed links rest on it.
if (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"The environment variable DJANGO_SECRET_KEY is too weak: it needs at least "
        f"{SECRET_KEY_MIN_LENGTH} characters, at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} "
        f"different ones, and no {SECRET_KEY_INSECURE_PREFIX!r} prefix. Generate one with "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )
# base.py already parsed DATABASE_URL with an SQLite fallback; here its absence is an error.
env_str("DATABASE_URL", required=True)
# Opening a PostgreSQL connection per request cost the public portal most of its time
# (make bench): keep connections, and check them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env_str("REDIS_URL", required=True)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

FAZHI_DEMO_PASSWORD = None  # demo accounts never exist in production
# Signs the record's checkpoints; kept out of the database, so whoever holds only the database
# cannot re-sign a rewritten record (`manage.py record_keygen`; `check` validates it).
FAZHI_RECORD_SIGNING_KEY = env_str("FAZHI_RECORD_SIGNING_KEY", required=True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed, served by WhiteNoise; built by `collectstatic` (the Dockerfile's
    # build step), without which every page fails. See config/storage.py.
    "staticfiles": {"BACKEND": "config.storage.FazhiStaticFilesStorage"},
}
STATIC_ROOT = Path(env_str("FAZHI_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)  # usually done by the proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
