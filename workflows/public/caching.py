"""Caching for public pages: fragments, and whole pages with a fresh CSRF token per request.

Every public page carries a CSRF token (the language switcher, the comment form), and a token
must never be served to somebody else. A whole page is therefore cached only as a *template*:
it is rendered with ``CSRF_SLOT`` where the token goes, and each request gets the copy with its
own token written into the slot (``page`` below, which also sets the CSRF cookie as rendering
would). Smaller data-heavy parts are cached as fragments (``{% cache %}``, or ``fragment``).

Every copy is keyed by what the caller says varies (language, page, path) and checked against
a version of its subject that writes bump, so a new comment shows at once; a page whose content
changes at a known moment (a consultation closing) also carries that moment and is not served
past it. The version and the copy come back in one round trip (``get_many``), or with the
rate limit's own (``ratelimit.prefetching``).

Without Redis every page is rendered as on a miss and nothing is stored: reads and writes of
the cache never raise (``workflows.cache``).
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from redis.exceptions import RedisError

from .backend import loads, prefetched, redis_client, store_failed

DEFAULT_TTL = 60

# Stands where the CSRF token goes in a cached page. Safe (so ``{% csrf_token %}`` writes it
# as it is) and made of characters that autoescaping rewrites, so no text a citizen or a
# drafter typed can ever appear as the slot in a rendered page.
CSRF_SLOT = mark_safe("<fz-csrf-slot>")
_SLOT_BYTES = CSRF_SLOT.encode()


def ttl() -> int:
    return int(getattr(settings, "FAZHI_PUBLIC_CACHE_SECONDS", DEFAULT_TTL))


def _version_key(scope: str, ident) -> str:
    return f"public-v:{scope}:{ident}"


def _get_many(keys: list[str], request=None) -> dict:
    """``cache.get_many(keys)``: read ahead with the rate limit when it was (``backend``),
    otherwise on the kept Redis client when there is one."""
    if request is not None:
        found = prefetched(request, keys)
        if found is not None:
            return found
    client = redis_client()
    if client is None:
        return cache.get_many(keys)
    try:
        values = client.mget([cache.make_and_validate_key(k) for k in keys])
    except RedisError as error:
        # Redis went away: the page is rendered as on a miss, and not stored (the cache's
        # own writes do nothing while it is unreachable).
        store_failed(error)
        return {}
    return {key: loads(raw) for key, raw in zip(keys, values, strict=True) if raw is not None}


def _page_key(scope: str, ident, part: str) -> str:
    return f"public-v:page:{scope}:{ident}:{part}"


def page_keys(scope: str, ident, part: str) -> list[str]:
    """The cache keys ``page`` reads, for ``ratelimit.prefetching``."""
    return [_version_key(scope, ident), _page_key(scope, ident, part)]


def _current(found: dict, version_key: str) -> int:
    """The version in ``found`` (the result of a ``get_many`` that asked for it). A subject
    without one gets a random one: were the key ever evicted, a copy stored under the old
    version would otherwise match a version counted again from 0."""
    current = found.get(version_key)
    if current is None:
        cache.add(version_key, secrets.randbits(48), timeout=None)
        current = cache.get(version_key, 0)
    return current


def version(scope: str, ident) -> int:
    key = _version_key(scope, ident)
    return _current({key: cache.get(key)}, key)


def versions(pairs: Iterable[tuple[str, object]]) -> dict[tuple[str, object], int]:
    """The versions of several (scope, ident) pairs in one round trip (``get_many``)."""
    keys = {_version_key(scope, ident): (scope, ident) for scope, ident in pairs}
    found = _get_many(list(keys))
    return {pair: _current(found, key) for key, pair in keys.items()}


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
    found = _get_many([version_key, key])
    current = _current(found, version_key)
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == current:
        return mark_safe(stored[1])
    html = str(render())
    if keep():
        cache.set(key, (current, html), ttl())
    return mark_safe(html)


@dataclass(frozen=True)
class Rendered:
    """What a page's ``render`` returns: the response, whether it may be stored, and the
    moment its content stops being true (None: only a write changes it)."""

    response: HttpResponse
    keep: bool = True
    until: datetime | None = None


def _with_token(request, content: bytes) -> bytes:
    # get_token marks the CSRF cookie to be (re)sent, exactly as {% csrf_token %} does.
    return content.replace(_SLOT_BYTES, get_token(request).encode())


def page(
    request,
    scope: str,
    ident,
    part: str,
    render: Callable[[], Rendered],
    *,
    now: datetime,
) -> HttpResponse:
    """The page ``part`` of (scope, ident) for this request: a stored copy of the current
    version, not past its ``until``, with this request's CSRF token; otherwise ``render()``.

    ``render`` returns a rendered (not streaming) response, puts ``CSRF_SLOT`` in its
    context as ``csrf_token``, and ``part`` names everything else the page varies with
    (language, path and query). Only a 200 whose
    ``keep`` is true is stored, and never past ``until`` nor longer than ``ttl()``.
    Response headers other than the content type are not stored: the middleware adds them
    (Vary, Content-Language, the CSRF cookie) on every request, cached or not.
    """
    version_key, key = page_keys(scope, ident, part)
    found = _get_many([version_key, key], request)
    current = _current(found, version_key)
    stored = found.get(key)
    moment = now.timestamp()
    if (
        isinstance(stored, tuple)
        and len(stored) == 4
        and stored[0] == current
        and (stored[1] is None or moment < stored[1])
    ):
        _, _, content_type, content = stored
        return HttpResponse(_with_token(request, content), content_type=content_type)
    rendered = render()
    response = rendered.response
    content = response.content
    if rendered.keep and response.status_code == 200:
        until = rendered.until.timestamp() if rendered.until is not None else None
        timeout = ttl() if until is None else min(ttl(), int(until - moment))
        if timeout >= 1:
            cache.set(key, (current, until, response["Content-Type"], content), timeout)
    response.content = _with_token(request, content)
    return response


def bump(scope: str, ident) -> None:
    """Invalidate every cached fragment and page of (scope, ident): its version, started at
    a random number when it has none (see ``_current``), counted up. On the kept Redis client
    in one round trip (``SET NX`` then ``INCR``, pipelined) rather than Django's three (add,
    then incr's exists and incr): every write to a consultation bumps once it commits."""
    key = _version_key(scope, ident)
    client = redis_client()
    if client is None:
        cache.add(key, secrets.randbits(48), timeout=None)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, secrets.randbits(48), timeout=None)
        return
    stored = cache.make_and_validate_key(key)
    try:
        pipeline = client.pipeline(transaction=False)
        pipeline.set(stored, secrets.randbits(48), nx=True)  # an int is stored as its digits
        pipeline.incr(stored)
        pipeline.execute()
    except RedisError as error:
        store_failed(error)
