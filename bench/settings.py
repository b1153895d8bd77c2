"""Settings of the benchmark processes (``make bench``): the test settings, plus a bare view
that only this URLconf mounts (``bench.urls``) and public rate limits lifted, so that the load
generator measures the pages rather than the brake on scrapers. Never used outside bench/."""

from config.settings.test import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
FAZHI_BENCH = True
# One load generator on 127.0.0.1 is, to the portal, a single very busy citizen.
FAZHI_PUBLIC_RATES = {
    "page_ip": "100000000/m",
    "comment_ip": "100000000/m",
    "comment_key": "100000000/h",
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# bench.flows.BareFlow lives here: viewflow finds a flow's app by its module.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
# Static files as in production: indexed once at start-up, not looked up on every request (the
# test settings' autorefresh would add that lookup to every figure).
WHITENOISE_AUTOREFRESH = False
# Database connections as in production (config.settings.production): kept for a minute, so a
# figure does not include a new connection per request that no deployment pays.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
