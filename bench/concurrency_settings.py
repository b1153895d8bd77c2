"""Settings of the gunicorn that ``bench.concurrency`` loads: the production settings, plus the
bare view that only the bench URLconf mounts (``bench.urls``) and the public rate limits lifted,
as ``bench.settings`` does on top of the test settings. Never used outside bench/.

Production rather than the test settings because the section measures what a deployment serves:
DEBUG off, database connections kept a minute and health-checked before reuse, the manifest
static files (``bench.concurrency`` runs ``collectstatic`` into var/concurrency/static first),
Redis as the cache, sessions as configured there. ``bench.concurrency`` supplies the secrets
production insists on (a fresh secret key and record signing key for each run), as
``bench.drill`` does.
"""

from config.env import env_str
from config.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
# The load generator on 127.0.0.1 is, to the portal, a single very busy citizen.
FAZHI_PUBLIC_RATES = {
    "page_ip": "100000000/m",
    "comment_ip": "100000000/m",
    "comment_key": "100000000/h",
}
# Cache keys of this run only: a page cached by an earlier run, or by another section on the
# same Redis, belongs to another database that happens to use the same ids.
CACHES["default"]["KEY_PREFIX"] = env_str("FAZHI_BENCH_CACHE_PREFIX", required=True)  # noqa: F405
