"""Development and the embedded default of `make run`: SQLite and a filesystem broker unless
DATABASE_URL / REDIS_URL say otherwise."""

from .base import *  # noqa: F401,F403
from .base import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
FAZHI_DEMO_PASSWORD = "fazhi-demo-2026"
# Signs the record's checkpoints (workflows.record.signing). DEV ONLY, NOT A SECRET: this key is
# in the repository, so a checkpoint signed with it proves nothing. Production requires its own
# FAZHI_RECORD_SIGNING_KEY (`manage.py record_keygen`).
FAZHI_RECORD_SIGNING_KEY = env_str(
    "FAZHI_RECORD_SIGNING_KEY",
    "kNsT9AoilGykiocV6Jm6kC88raYQwZbSxt0EqYfs7Gw=",  # dev-only key
)
