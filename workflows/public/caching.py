"""Fragment caching for public pages.

Every public page carries a CSRF token (the language switcher, the comment form), so whole
pages are never cached: a cached token would be served to other people and break their forms.
What is cached is the data-heavy fragment inside the page (``{% cache %}``), keyed by the
language, the page and a version that writes bump, so a new comment shows at once.
"""

from django.conf import settings
from django.core.cache import cache

DEFAULT_TTL = 60


def ttl() -> int:
    return int(getattr(settings, "FAZHI_PUBLIC_CACHE_SECONDS", DEFAULT_TTL))


def _version_key(scope: str, ident) -> str:
    return f"public-v:{scope}:{ident}"


def version(scope: str, ident) -> int:
    return cache.get(_version_key(scope, ident), 0)


def bump(scope: str, ident) -> None:
    """Invalidate every cached fragment of (scope, ident)."""
    key = _version_key(scope, ident)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
