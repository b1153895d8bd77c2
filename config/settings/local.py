"""Development and the embedded default of `make run`: SQLite and a filesystem broker unless
DATABASE_URL / REDIS_URL say otherwise."""

from .base import *  # noqa: F401,F403
from .base import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
FAZHI_DEMO_PASSWORD = "fazhi-demo-2026"
