"""Fixed-window rate limits counted in Django's cache (Redis when REDIS_URL is set, so every
web process shares the counts).

A rate is written ``"5/10m"``: at most 5 requests per 10 minutes. Units: s, m, h, d.
Limits are settings (``FAZHI_PUBLIC_RATES``) so that a county can tune them without a release.
"""

import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache

from .backend import prefetched_set, redis_client
from .responses import too_many_requests

# Defaults; settings.FAZHI_PUBLIC_RATES overrides any of them.
DEFAULT_RATES = {
    # Every public page, per address: generous for people, a brake on scrapers.
    "page_ip": "300/m",
    # Comments, per address and per consultation: a citizen rarely writes more than a few.
    "comment_ip": "5/10m",
    "comment_key": "200/h",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


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
    """The client's address. Behind N trusted proxies (FAZHI_TRUSTED_PROXY_COUNT), the Nth
    address from the right of X-Forwarded-For; otherwise REMOTE_ADDR, which a client cannot
    forge."""
    proxies = int(getattr(settings, "FAZHI_TRUSTED_PROXY_COUNT", 0))
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


def hit_all(
    checks: list[Check], *, now: float | None = None, fetch: Sequence[str] = (), request=None
) -> int:
    """Count one request against every check, in order, in a single round trip to Redis.
    Returns 0 when every limit allows it, otherwise the seconds until the window of the
    first limit exceeded ends (for Retry-After); limits after that one are not counted.

    ``fetch`` names cache keys to read in the same round trip when the request is allowed;
    their raw values are left on ``request`` for ``backend.prefetched`` (with Redis only)."""
    if not checks:
        return 0
    now = time.time() if now is None else now
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
class _Limit:
    scope: str
    key: object  # (request, *args, **kwargs) -> identity, or None for the client's address
    methods: tuple[str, ...] | None


def rate_limited(scope: str, *, key=None, methods: tuple[str, ...] | None = None):
    """Decorate a view: over the limit, answer 429 with a readable page.

    ``key(request, **kwargs)`` gives the identity counted; by default the client's address.
    ``methods`` restricts the count to those methods (e.g. only POST).

    Stacked ``rate_limited`` decorators fold into one wrapper that counts every limit that
    applies to the request in one Redis round trip, outermost first.
    """
    limit = _Limit(scope, key, methods)

    def decorator(view):
        inner = getattr(view, "_rate_limited_view", view)
        limits = (limit, *getattr(view, "_rate_limits", ()))

        @wraps(inner)
        def wrapper(request, *args, **kwargs):
            checks = [
                Check(
                    one.scope,
                    str(one.key(request, *args, **kwargs) if one.key else client_ip(request)),
                    rate_for(one.scope),
                )
                for one in limits
                if one.methods is None or request.method in one.methods
            ]
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
