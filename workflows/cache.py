"""Django's Redis cache, made to degrade instead of fail while Redis is unreachable.

Everything the cache holds can be rebuilt: cached pages and fragments, their versions, rate-limit
counts. Losing Redis must therefore cost speed, not pages: every operation of
``DegradingRedisCache`` that meets a ``RedisError`` answers as a cache that holds nothing (a
miss, a write that did not stay) instead of raising, and logs the outage once.

After a failure the store is left alone for ``RETRY_SECONDS`` (no connection attempt per
request, which would cost a connect timeout each on an unreachable host); the first operation
after that tries again, and the first success logs the recovery. ``unavailable`` tells code
that talks to Redis directly (``workflows.public.backend``) to take its cache-API path, and
``answers()`` is the check public writes and ``/health/`` make.

A version bump lost during the outage leaves a cached copy stale for at most its time to live
(every copy the portal stores has one, ``workflows.public.caching.ttl``).
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long the store is left alone after a failure before the next attempt.
RETRY_SECONDS = 10.0

# Short timeouts: a cache that takes longer than this to answer is slower than no cache.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}


class Outage:
    """Whether one Redis location is in a failure window, shared by every thread of the
    process (Django builds one cache object per thread)."""

    def __init__(self, name: str):
        self.name = name
        self.down_since: float | None = None
        self.failed_at = 0.0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        """True while the store is to be left alone (within the window after a failure)."""
        return self.down_since is not None and time.monotonic() < self.failed_at + RETRY_SECONDS

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            first = self.down_since is None
            if first:
                self.down_since = now
            self.failed_at = now
        if first:
            # Once per outage: every request of it would otherwise log the same line.
            logger.warning(
                "Redis (%s) is unreachable (%s: %s): public pages are served uncached and "
                "public writes refused until it answers; trying again every %d s.",
                self.name,
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.warning(
                "Redis (%s) answers again after %.0f s.", self.name, time.monotonic() - since
            )


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(location: str) -> Outage:
    with _outages_lock:
        outage = _outages.get(location)
        if outage is None:
            outage = _outages[location] = Outage(_without_password(location))
        return outage


def _without_password(location: str) -> str:
    """``redis://:secret@host:6379/0`` as ``redis://host:6379/0``, for logs."""
    scheme, sep, rest = location.partition("://")
    if not sep:
        return location
    return f"{scheme}://{rest.rpartition('@')[2]}"


def _degrading(method, default):
    """``method`` answering ``default(*args, **kwargs)`` instead of raising a ``RedisError``."""

    @wraps(method)
    def call(self, *args, **kwargs):
        outage = self.outage
        if outage.open:
            return default(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            outage.failed(error)
            return default(*args, **kwargs)
        outage.succeeded()
        return result

    return call


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _get_default(key, default=None, version=None):
    return default


def _incr_default(key, delta=1, version=None):
    # As if the counter had just been created: a rate limit counting in a store that is not
    # there lets the request through; public writes are refused before that (outage middleware).
    return delta


class DegradingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that never raises a ``RedisError``."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self.outage = outage_for(",".join(self._servers))

    @property
    def unavailable(self) -> bool:
        """True within the failure window: callers skip Redis and take their fallback."""
        return self.outage.open

    def note_failure(self, error: BaseException) -> None:
        """A ``RedisError`` met by code that talks to this cache's Redis directly."""
        self.outage.failed(error)

    def answers(self) -> bool:
        """Whether Redis answers a PING now (not within a failure window: no attempt then)."""
        if self.outage.open:
            return False
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self.outage.failed(error)
            return False
        self.outage.succeeded()
        return True

    def check(self) -> None:
        """PING, raising the ``RedisError`` when it fails, even within a failure window (for
        ``/health/``, which must say what is true now); a success ends the window."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self.outage.failed(error)
            raise
        self.outage.succeeded()

    get = _degrading(RedisCache.get, _get_default)
    add = _degrading(RedisCache.add, _false)
    set = _degrading(RedisCache.set, _none)
    touch = _degrading(RedisCache.touch, _false)
    delete = _degrading(RedisCache.delete, _false)
    get_many = _degrading(RedisCache.get_many, lambda *a, **k: {})
    has_key = _degrading(RedisCache.has_key, _false)
    incr = _degrading(RedisCache.incr, _incr_default)
    set_many = _degrading(RedisCache.set_many, lambda data, *a, **k: list(data))
    delete_many = _degrading(RedisCache.delete_many, _none)
    clear = _degrading(RedisCache.clear, _false)
