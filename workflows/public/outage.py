"""The public portal while Redis is unreachable: pages served uncached, writes refused (503).

Redis holds the portal's cached pages and its rate-limit counts. Pages can do without the
first (``workflows.cache`` answers as an empty cache), but a public write (a comment by the
form or by the API) accepted without its rate limit would open the portal to spam exactly when
nobody is watching. So while the store does not answer, public writes are refused with a
readable 503 in the caller's format (an HTML page on the portal, the API's error JSON under
/api/), and nothing is stored; readers see no difference but speed.

``OutageMiddleware`` does both halves:

- before a public write runs, it asks the store for a PING (writes are rare: one round trip
  more is nothing) and answers 503 when there is none;
- an unreachable store that escapes any view (the rate limiter's ``RateLimitStoreUnavailable``
  or a ``RedisError``: Redis went away since the last request, or between the check and the
  rate limit) marks the store unreachable; a read is then served once more, now on the
  cache-API path that needs no Redis; a write, or a read that fails again, gets the 503.
  Every limited view, the portal's and the API's, counts before it acts, so nothing was
  done yet.

Staff pages under /public/staff/ (moderation) are not public writes: they are limited by
login, not by the store, and keep working.
"""

import logging

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from .backend import store_failed
from .ratelimit import RateLimitStoreUnavailable

logger = logging.getLogger(__name__)

# What "the store is unreachable" looks like when it escapes a view: the rate limiter's own
# exception for it, or a Redis error met by code that talks to Redis directly.
STORE_ERRORS: tuple[type[BaseException], ...] = (RateLimitStoreUnavailable, RedisError)

PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")
STAFF_PREFIXES = ("/public/staff/",)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
RETRY_AFTER_SECONDS = 60

_RETRIED = "_fazhi_store_retried"


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


def is_public_write(path: str, method: str) -> bool:
    """Whether a request is refused while the store is unreachable (and the API schema says
    so: ``workflows.api.schema``)."""
    return method not in SAFE_METHODS and is_public(path) and not path.startswith(STAFF_PREFIXES)


def store_answers() -> bool:
    """Whether the cache's Redis answers now; always true for a cache without Redis."""
    answers = getattr(cache, "answers", None)
    return True if answers is None else answers()


def service_unavailable(request):
    """503 in the caller's format, with Retry-After: the API's error body, or a portal page."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "Submissions cannot be received at the moment because a service the "
                    "portal depends on is unavailable. Nothing was recorded; please send it "
                    "again in a few minutes."
                ),
                "code": "temporarily_unavailable",
                "errors": {},
            },
            status=503,
        )
    else:
        response = render(
            request,
            "public/503.html",
            {"retry_minutes": max(1, RETRY_AFTER_SECONDS // 60)},
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # The outage is logged once (workflows.cache); django.request would log every refusal.
    response._has_been_logged = True
    return response


class OutageMiddleware:
    """Public writes refused (503) while Redis does not answer; public reads served without it.
    See the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_write(request.path_info, request.method) and not store_answers():
            return service_unavailable(request)
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, STORE_ERRORS):
            return None
        store_failed(exception)
        match = request.resolver_match
        if request.method in SAFE_METHODS and match is not None and not hasattr(request, _RETRIED):
            # The store is now marked unreachable, so this time the view takes the path that
            # does without it (no rate-limit count, no cached copy). Safe to run again: a read.
            setattr(request, _RETRIED, True)
            try:
                return match.func(request, *match.args, **match.kwargs)
            except STORE_ERRORS as again:
                logger.warning("Read %s failed without Redis too: %r", request.path, again)
        return service_unavailable(request)
