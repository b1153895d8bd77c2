"""Fixed-window rate limits counted in Django's cache (Redis when REDIS_URL is set, so every
web process shares the counts).

A rate is written ``"5/10m"``: at most 5 requests per 10 minutes. Units: s, m, h, d.
Limits are settings (``FAZHI_PUBLIC_RATES``) so that a county can tune them without a release.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache

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


def hit(*, scope: str, ident: str, rate: Rate | None = None, now: float | None = None) -> int:
    """Count one request of ``ident`` in ``scope``. Returns 0 when allowed, otherwise the
    seconds until the window ends (for Retry-After)."""
    rate = rate or rate_for(scope)
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    key = _key(scope, ident, window)
    # add() then incr(): atomic on Redis, so concurrent requests cannot both slip through.
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1, int((window + 1) * rate.seconds - now))
    return 0


def rate_limited(scope: str, *, key=None, methods: tuple[str, ...] | None = None):
    """Decorate a view: over the limit, answer 429 with a readable page.

    ``key(request, **kwargs)`` gives the identity counted; by default the client's address.
    ``methods`` restricts the count to those methods (e.g. only POST).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                ident = key(request, *args, **kwargs) if key else client_ip(request)
                retry_after = hit(scope=scope, ident=str(ident))
                if retry_after:
                    return too_many_requests(request, retry_after=retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
