"""Production: every secret and service comes from the environment, and the process refuses
to start when one is missing (the error names the variable)."""

from .base import *  # noqa: F401,F403
from .base import DATABASES, env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
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
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)  # usually done by the proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
