"""Fixed-window rate limits counted in Django's cache (Redis when REDIS_URL is set, so every
web process shares the counts). One limiter for every public face: the portal's views
(``rate_limited``) and the API's throttles (``workflows.api.throttling``) count the same
``Limit`` declarations through ``hit_all``, and know the client by the same ``client_ip``.

A rate is written ``"5/10m"``: at most 5 requests per 10 minutes. Units: s, m, h, d; DRF's
spelling (``"60/min"``, ``"1000/day"``) is read too. Limits are settings
(``FAZHI_PUBLIC_RATES``) so that a county can tune them without a release.

When the store cannot be reached, ``hit_all`` raises ``RateLimitStoreUnavailable``: the one
place to decide what a public write does without its counts (refuse with 503, or count
elsewhere).
"""

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .backend import prefetched_set, redis_client
from .responses import too_many_requests

# Defaults for a settings module that leaves a scope out of FAZHI_PUBLIC_RATES (base settings
# name all three, with these values, each read from the environment).
DEFAULT_RATES = {
    # Every public page, per address: generous for people, a brake on scrapers.
    "page_ip": "300/m",
    # Comments, per address and per consultation: a citizen rarely writes more than a few.
    "comment_ip": "5/10m",
    "comment_key": "200/h",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# "5/10m", and DRF's "60/min", "100/hour": the unit is the first letter of the period.
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        match = _RATE.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a rate like '5/10m'")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNITS[unit])


def rate_for(scope: str) -> Rate:
    rates = {**DEFAULT_RATES, **getattr(settings, "FAZHI_PUBLIC_RATES", {})}
    return Rate.parse(rates[scope])


def client_ip(request) -> str:
    """The client's address, as every limit counts it (portal and API alike).

    By default the peer address (REMOTE_ADDR), which a client cannot forge: X-Forwarded-For
    is anybody's to write. Behind N trusted proxies (``FAZHI_TRUSTED_PROXIES``), each proxy
    appends the address it received from, so the Nth address from the right is the one the
    outermost trusted proxy saw; whatever the client wrote itself stands further left and is
    ignored. With fewer addresses than proxies the header was not written by the proxies
    configured, and the peer address counts."""
    proxies = int(getattr(settings, "FAZHI_TRUSTED_PROXIES", 0))
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, ident: str, window: int) -> str:
    # Hashed: the cache never holds a citizen's address in clear.
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"public-rl:{scope}:{digest}:{window}"


# Count every applicable limit in one round trip, in order, stopping at the first one over
# its limit (the later ones are not counted, as when each limit was checked on its own).
# INCR creates a missing key at 1; it then gets its window's expiry. Atomic on Redis, so
# concurrent requests cannot both slip through. KEYS are the ARGV[1] limits' counters, then
# keys to read in the same trip (``prefetching``); ARGV[2i], ARGV[2i+1] are limit i's count
# and expiry. Returns {index, count} of the refusal, or {0, value of each key to read}.
_HIT_SCRIPT = """
local n = tonumber(ARGV[1])
for i = 1, n do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1]) end
  if count > tonumber(ARGV[2 * i]) then return {i, count} end
end
local reply = {0}
for i = n + 1, #KEYS do reply[#reply + 1] = redis.call('GET', KEYS[i]) end
return reply
"""
_scripts: dict = {}


@dataclass(frozen=True)
class Check:
    """One limit to count: ``ident`` in ``scope`` at ``rate``."""

    scope: str
    ident: str
    rate: Rate


def _refusal(check: Check, now: float) -> int:
    window = int(now // check.rate.seconds)
    return max(1, int((window + 1) * check.rate.seconds - now))


def _hit_one_by_one(checks: list[Check], now: float) -> int:
    # Without Redis: add() then incr() per limit (atomic enough for one process).
    for check in checks:
        window = int(now // check.rate.seconds)
        key = _key(check.scope, check.ident, window)
        cache.add(key, 0, timeout=check.rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=check.rate.seconds + 1)
            count = 1
        if count > check.rate.count:
            return _refusal(check, now)
    return 0


class RateLimitStoreUnavailable(Exception):
    """The store of the counts (Redis) cannot be reached: nothing was counted.

    Raised by ``hit_all`` for every public face (the form's decorator and the API's
    throttles alike); nothing here catches it. What a public request does without its counts
    is decided in one place, where it is caught (``workflows.public.outage``: a write is
    refused with a readable 503)."""


# A store that is down or too slow; other Redis errors (a bad script) are bugs and propagate.
_STORE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def hit_all(
    checks: list[Check], *, now: float | None = None, fetch: Sequence[str] = (), request=None
) -> int:
    """Count one request against every check, in order, in a single round trip to Redis.
    Returns 0 when every limit allows it, otherwise the seconds until the window of the
    first limit exceeded ends (for Retry-After); limits after that one are not counted.

    ``fetch`` names cache keys to read in the same round trip when the request is allowed;
    their raw values are left on ``request`` for ``backend.prefetched`` (with Redis only).

    Raises ``RateLimitStoreUnavailable`` when the store cannot be reached."""
    if not checks:
        return 0
    now = time.time() if now is None else now
    try:
        return _hit_all(checks, now=now, fetch=fetch, request=request)
    except _STORE_ERRORS as error:
        raise RateLimitStoreUnavailable(str(error)) from error


def _hit_all(checks: list[Check], *, now: float, fetch: Sequence[str], request) -> int:
    client = redis_client()
    if client is None:
        return _hit_one_by_one(checks, now)
    keys, args = [], [len(checks)]
    for check in checks:
        window = int(now // check.rate.seconds)
        keys.append(cache.make_and_validate_key(_key(check.scope, check.ident, window)))
        args += [check.rate.count, check.rate.seconds + 1]
    keys += [cache.make_and_validate_key(key) for key in fetch]
    script = _scripts.get(id(client.connection_pool))
    if script is None:
        script = _scripts[id(client.connection_pool)] = client.register_script(_HIT_SCRIPT)
    refused, *values = script(keys=keys, args=args, client=client)
    if refused:
        return _refusal(checks[int(refused) - 1], now)
    if fetch and request is not None:
        prefetched_set(request, dict(zip(fetch, values, strict=True)))
    return 0


def hit(*, scope: str, ident: str, rate: Rate | None = None, now: float | None = None) -> int:
    """Count one request of ``ident`` in ``scope``. Returns 0 when allowed, otherwise the
    seconds until the window ends (for Retry-After)."""
    return hit_all([Check(scope, ident, rate or rate_for(scope))], now=now)


def prefetching(keys):
    """Mark a view whose cache keys ``keys(request, *args, **kwargs)`` (a list, maybe empty)
    the rate limit reads in its own round trip: a page served from the cache then costs one
    trip to Redis, not two. Put it below the ``rate_limited`` decorators."""

    def decorator(view):
        view._prefetch_keys = keys
        return view

    return decorator


@dataclass(frozen=True)
class Limit:
    """One limit a view (page or API) declares: requests counted in ``scope``.

    ``key(request, *args, **kwargs)`` gives the identity counted (e.g. the consultation);
    by default the client's address. ``methods`` restricts the count to those methods.
    ``rate()`` gives the rate, None for no limit; by default ``rate_for(scope)``.
    """

    scope: str
    key: Callable | None = None
    methods: tuple[str, ...] | None = None
    rate: Callable[[], str | None] | None = None

    def check(self, request, *args, **kwargs) -> Check | None:
        """The check this request counts against, or None when the limit does not apply."""
        if self.methods is not None and request.method not in self.methods:
            return None
        if self.rate is None:
            rate = rate_for(self.scope)
        else:
            text = self.rate()
            if text is None:
                return None
            rate = Rate.parse(text)
        ident = self.key(request, *args, **kwargs) if self.key else client_ip(request)
        return Check(self.scope, str(ident), rate)


def checks_for(limits: Sequence[Limit], request, *args, **kwargs) -> list[Check]:
    """The checks ``request`` counts against, in the order of ``limits``."""
    checks = (limit.check(request, *args, **kwargs) for limit in limits)
    return [check for check in checks if check is not None]


def rate_limited(*limits: str | Limit, key=None, methods: tuple[str, ...] | None = None):
    """Decorate a view: over a limit, answer 429 with a readable page.

    Each of ``limits`` is a ``Limit``, or the scope of one built from ``key`` and ``methods``
    (see ``Limit``). They are counted in their order, and stacked ``rate_limited`` decorators
    fold into one wrapper: every limit that applies to the request is counted in one Redis
    round trip, outermost first.
    """
    declared = tuple(one if isinstance(one, Limit) else Limit(one, key, methods) for one in limits)

    def decorator(view):
        inner = getattr(view, "_rate_limited_view", view)
        limits = (*declared, *getattr(view, "_rate_limits", ()))

        @wraps(inner)
        def wrapper(request, *args, **kwargs):
            checks = checks_for(limits, request, *args, **kwargs)
            prefetch = getattr(inner, "_prefetch_keys", None)
            fetch = prefetch(request, *args, **kwargs) if prefetch and checks else ()
            retry_after = hit_all(checks, fetch=fetch, request=request)
            if retry_after:
                return too_many_requests(request, retry_after=retry_after)
            return inner(request, *args, **kwargs)

        wrapper._rate_limited_view = inner
        wrapper._rate_limits = limits
        return wrapper

    return decorator
