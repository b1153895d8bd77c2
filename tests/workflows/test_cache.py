"""Django's cache on Redis degrades instead of failing (workflows.cache): with Redis stopped
every operation answers as an empty cache and none raises, the outage is logged once, Redis is
left alone for the failure window and used again after it.

The test's own redis-server is stopped, never the shared one."""

import logging

import pytest
from django.core.cache import cache
from django.template import engines

from tests.support import own_redis_started
from workflows import cache as degrading
from workflows.public import backend


@pytest.fixture(scope="module")
def own_redis():
    server = own_redis_started(6395)
    yield server
    server.stop()


@pytest.fixture
def redis_cache(own_redis, settings, monkeypatch):
    if own_redis.proc is None:
        own_redis.start()
    monkeypatch.setattr(degrading, "_outages", {})
    settings.CACHES = {
        "default": {"BACKEND": "workflows.cache.DegradingRedisCache", "LOCATION": own_redis.url}
    }
    return own_redis


def test_every_operation_answers_as_an_empty_cache_when_redis_is_stopped(redis_cache):
    cache.set("kept", 1)
    redis_cache.stop()
    assert cache.get("kept") is None
    assert cache.get("kept", "default") == "default"
    assert cache.add("new", 1) is False
    assert cache.set("new", 1) is None
    assert cache.get_many(["kept", "new"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
    assert cache.has_key("kept") is False
    assert cache.incr("counter") == 1 and cache.decr("counter") == -1
    assert cache.touch("kept") is False
    assert cache.delete("kept") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.clear() is False
    assert cache.unavailable
    assert backend.redis_client() is None  # direct callers take the cache-API path


def test_a_cache_tag_renders_its_content_when_redis_is_stopped(redis_cache):
    template = engines["django"].from_string(
        "{% load cache %}{% cache 60 part key %}<b>{{ text }}</b>{% endcache %}"
    )
    redis_cache.stop()
    assert template.render({"key": 1, "text": "正文"}) == "<b>正文</b>"


def test_the_outage_is_logged_once_and_redis_left_alone_within_the_window(
    redis_cache, caplog, monkeypatch
):
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="workflows.cache"):
        for _ in range(50):
            cache.get("x")
            cache.set("x", 1)
    records = [r for r in caplog.records if r.name == "workflows.cache"]
    assert len(records) == 1
    assert "unreachable" in records[0].getMessage()
    assert cache.answers() is False  # within the window: not even tried

    redis_cache.start()
    assert cache.set("x", 1) is None and cache.get("x") is None  # still within the window
    monkeypatch.setattr(degrading, "RETRY_SECONDS", 0.0)
    with caplog.at_level(logging.WARNING, logger="workflows.cache"):
        cache.set("x", 1)
        assert cache.get("x") == 1
    assert "answers again" in caplog.records[-1].getMessage()
    assert not cache.unavailable and backend.redis_client() is not None


def test_the_log_names_redis_without_its_password(redis_cache, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "workflows.cache.DegradingRedisCache",
            "LOCATION": f"redis://:s3cret-pw@127.0.0.1:{redis_cache.port}/0",
        }
    }
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="workflows.cache"):
        cache.get("x")
    assert "s3cret-pw" not in caplog.text
    assert f"redis://127.0.0.1:{redis_cache.port}/0" in caplog.text
