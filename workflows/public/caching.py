"""Fragment caching for public pages.

Every public page carries a CSRF token (the language switcher, the comment form), so whole
pages are never cached: a cached token would be served to other people and break their forms.
What is cached is the data-heavy fragment inside the page (``{% cache %}``, or ``fragment``
below, which fetches the version and the copy in one round trip), keyed by the language, the
page and a version that writes bump, so a new comment shows at once.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

DEFAULT_TTL = 60


def ttl() -> int:
    return int(getattr(settings, "FAZHI_PUBLIC_CACHE_SECONDS", DEFAULT_TTL))


def _version_key(scope: str, ident) -> str:
    return f"public-v:{scope}:{ident}"


def version(scope: str, ident) -> int:
    return cache.get(_version_key(scope, ident), 0)


def versions(pairs: Iterable[tuple[str, object]]) -> dict[tuple[str, object], int]:
    """The versions of several (scope, ident) pairs in one round trip (``get_many``)."""
    keys = {_version_key(scope, ident): (scope, ident) for scope, ident in pairs}
    found = cache.get_many(list(keys))
    return {pair: found.get(key, 0) for key, pair in keys.items()}


def fragment(
    scope: str,
    ident,
    part: str,
    render: Callable[[], str],
    *,
    keep: Callable[[], bool] = lambda: True,
) -> SafeString:
    """The HTML fragment ``part`` of (scope, ident), rendered by ``render()`` when the cache
    has no copy for the current version.

    The copy is stored with the version it was rendered at, under a key without it, so the
    version and the copy come back in one round trip (``get_many``); a copy of an older
    version is rendered again. ``render`` must return HTML that is safe as it is; the copy is
    stored unless ``keep()``, asked after rendering, says no.
    """
    version_key = _version_key(scope, ident)
    key = f"public-v:fragment:{scope}:{ident}:{part}"
    found = cache.get_many([version_key, key])
    current = found.get(version_key, 0)
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == current:
        return mark_safe(stored[1])
    html = str(render())
    if keep():
        cache.set(key, (current, html), ttl())
    return mark_safe(html)


def bump(scope: str, ident) -> None:
    """Invalidate every cached fragment of (scope, ident)."""
    key = _version_key(scope, ident)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
