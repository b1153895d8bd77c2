"""/health/ reports each dependency (workflows.health): the database, the cache's Redis, the
Celery broker, beat's last heartbeat and a worker's answer to a ping. 200 when all are up; 503
naming what is down. No login, and nothing in it an attacker could use (no URL, host or
password). /health/live/ stays 200 for load balancers while a dependency is down.

Redis is the test's own redis-server, stopped and started here; the shared one is never
touched. The worker is the suite's (``celery_worker_process``, on the shared Redis)."""

import logging
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from config.celery import beat_schedule
from tests.support import broker, own_redis_started
from workflows import cache as degrading
from workflows import health
from workflows.models import Heartbeat

pytestmark = pytest.mark.django_db

DEPENDENCIES = ["database", "redis", "broker", "beat", "worker"]


@pytest.fixture(scope="module")
def own_redis():
    server = own_redis_started(6394)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_answers(monkeypatch):
    """No worker ping answer nor failure window carried over from another test."""
    health.forget_worker_pings()
    monkeypatch.setattr(degrading, "_outages", {})
    yield
    health.forget_worker_pings()


@pytest.fixture
def cache_on_own_redis(own_redis, settings):
    """The cache on the test's own redis-server, running; the broker stays the suite's."""
    if own_redis.proc is None:
        own_redis.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "workflows.cache.DegradingRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "fazhi",
        }
    }
    return own_redis


def _beat(age: timedelta = timedelta(seconds=5)) -> None:
    """A heartbeat as beat and a worker write it (workflows.tasks.heartbeat), ``age`` ago."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now() - age})


def _health():
    response = Client().get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response, response.json()


def _statuses(body) -> dict[str, str]:
    return {name: check["status"] for name, check in body["checks"].items()}


def test_health_answers_200_when_every_dependency_is_up(celery_worker_process):
    _beat()
    response, body = _health()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["down"] == []
    assert _statuses(body) == dict.fromkeys(DEPENDENCIES, "ok")
    assert body["checks"]["worker"]["answered"] >= 1
    beat = body["checks"]["beat"]
    assert 0 <= beat["age_seconds"] < 60 and beat["max_age_seconds"] == 180


def test_health_answers_503_naming_redis_when_it_is_stopped_and_200_when_it_is_back(
    celery_worker_process, cache_on_own_redis
):
    _beat()
    cache_on_own_redis.stop()
    response, body = _health()
    assert response.status_code == 503
    assert body["status"] == "down" and body["down"] == ["redis"]
    assert body["checks"]["redis"]["status"] == "down"
    assert "ConnectionError" in body["checks"]["redis"]["detail"]
    assert _statuses(body) == {**dict.fromkeys(DEPENDENCIES, "ok"), "redis": "down"}

    cache_on_own_redis.start()
    response, body = _health()
    assert response.status_code == 200, body
    assert _statuses(body) == dict.fromkeys(DEPENDENCIES, "ok")


def test_health_names_beat_when_the_last_heartbeat_is_older_than_two_periods_and_a_minute(
    celery_worker_process, settings
):
    settings.FAZHI_SWEEP_SECONDS = 60
    _beat(timedelta(seconds=170))
    response, body = _health()
    assert response.status_code == 200, body
    _beat(timedelta(seconds=200))
    response, body = _health()
    assert response.status_code == 503
    assert body["down"] == ["beat"]
    beat = body["checks"]["beat"]
    assert beat["max_age_seconds"] == 180 and beat["age_seconds"] >= 200
    assert beat["last_heartbeat"]


def test_health_names_beat_when_no_heartbeat_was_ever_written(celery_worker_process):
    response, body = _health()
    assert response.status_code == 503
    assert body["down"] == ["beat"]
    assert "no heartbeat yet" in body["checks"]["beat"]["detail"]


def test_health_names_the_worker_when_none_answers_the_ping(own_redis):
    """A broker nobody listens on: every worker is gone."""
    if own_redis.proc is None:
        own_redis.start()
    _beat()
    with broker(own_redis.url):
        response, body = _health()
    assert response.status_code == 503
    assert body["down"] == ["worker"]
    assert body["checks"]["broker"]["status"] == "ok"
    assert "no worker answered" in body["checks"]["worker"]["detail"]


def test_health_names_the_broker_when_it_is_stopped(own_redis):
    _beat()
    if own_redis.proc is None:
        own_redis.start()
    own_redis.stop()
    with broker(own_redis.url):
        response, body = _health()
    assert response.status_code == 503
    assert body["down"] == ["broker"]
    assert body["checks"]["worker"]["status"] == "unknown"


def test_health_reveals_no_password_host_or_url(own_redis, settings):
    secret_url = f"redis://:s3cret-pw@127.0.0.1:{own_redis.port}/0"
    if own_redis.proc is not None:
        own_redis.stop()
    settings.CACHES = {
        "default": {"BACKEND": "workflows.cache.DegradingRedisCache", "LOCATION": secret_url}
    }
    with broker(secret_url):
        response, _ = _health()
    assert response.status_code == 503
    text = response.content.decode()
    for secret in ("s3cret-pw", "127.0.0.1", str(own_redis.port), "redis://"):
        assert secret not in text


def test_health_live_answers_200_while_redis_is_stopped(cache_on_own_redis):
    cache_on_own_redis.stop()
    response = Client().get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_names_the_database_and_leaves_the_heartbeat_unknown_when_it_fails(
    monkeypatch,
):
    class Unreachable:
        """A database connection whose server went away (the shared PostgreSQL is never
        stopped under a test)."""

        def cursor(self):
            raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(health, "connection", Unreachable())
    response, body = _health()
    assert response.status_code == 503
    assert "database" in body["down"]
    assert body["checks"]["database"]["detail"] == "SELECT 1 failed (DatabaseError)"
    assert body["checks"]["beat"]["status"] == "unknown"


def test_health_logs_a_dependency_going_down_once_not_on_every_probe(
    celery_worker_process, cache_on_own_redis, caplog
):
    _beat()
    cache_on_own_redis.stop()
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            assert _health()[0].status_code == 503
        cache_on_own_redis.start()
        assert _health()[0].status_code == 200
    downs = [r for r in caplog.records if "redis is down" in r.getMessage()]
    assert len(downs) == 1
    assert any("redis is up again" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_the_heartbeat_max_age_follows_the_period_beat_queues_it_at(settings):
    settings.FAZHI_SWEEP_SECONDS = 30
    assert beat_schedule()["heartbeat"]["schedule"] == 30.0
    assert health.heartbeat_max_age() == 2 * 30 + 60
