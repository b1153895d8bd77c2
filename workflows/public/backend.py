"""The Redis client behind Django's cache, kept for reuse.

Django's Redis cache builds a new ``redis.Redis`` object for every operation, which costs more
than the round trip itself on a page served from the cache (about 130 µs: the client fills a
table of ~170 response callbacks). The public portal's hot paths (rate limits, cached pages)
ask here instead: one client per cache backend, sharing that backend's connection pool, which
is safe across threads. Without Redis (the local-memory cache of development) there is none,
and callers use Django's cache API; nor is there while Redis is unreachable
(``workflows.cache``): callers then take the cache-API path, which answers as an empty cache,
and report a ``RedisError`` they meet on the client with ``store_failed``.

A value read ahead in another round trip (the rate limit's, ``ratelimit.prefetching``) is
left on the request, raw, for the code that would have read it (``prefetched``).
"""

import pickle
import weakref

from django.core.cache import cache

_clients: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()


def redis_client():
    """The Redis client behind Django's default cache, or None (also while it is unreachable)."""
    if getattr(cache, "unavailable", False):
        return None
    backend = getattr(cache, "_cache", None)  # django.core.cache.backends.redis.RedisCacheClient
    get_client = getattr(backend, "get_client", None)
    if get_client is None:
        return None
    client = _clients.get(backend)
    if client is None:
        client = _clients[backend] = get_client(write=True)
    return client


def store_failed(error: BaseException) -> None:
    """Report a ``RedisError`` met on ``redis_client()``: the cache then stays away from Redis
    for its failure window (and logs the outage once)."""
    note = getattr(cache, "note_failure", None)
    if note is not None:
        note(error)


_PREFETCHED = "_fazhi_prefetched"


def loads(raw: bytes):
    """A value as Django's Redis cache stores it: integers as they are, anything else pickled
    (``RedisSerializer``; the cache is this application's own, as for Django's own reads)."""
    try:
        return int(raw)
    except ValueError:
        return pickle.loads(raw)


def prefetched_set(request, values: dict[str, bytes | None]) -> None:
    setattr(request, _PREFETCHED, values)


def prefetched(request, keys: list[str]) -> dict | None:
    """The values of ``keys`` read ahead for this request, decoded, missing ones left out
    (as ``cache.get_many`` does); None unless every one of them was read ahead."""
    found = getattr(request, _PREFETCHED, None)
    if found is None or any(key not in found for key in keys):
        return None
    return {key: loads(found[key]) for key in keys if found[key] is not None}
