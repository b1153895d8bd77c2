"""What ``/health/`` reports: each dependency of the running system, checked now and cheaply.

- ``database``: ``SELECT 1``.
- ``redis``: a PING to the cache's Redis (cached pages, rate limits); without Redis configured
  (development's local-memory cache) it is reported as not used.
- ``broker``: a connection to Celery's broker (Redis in production).
- ``beat``: the age of the last heartbeat. Beat queues ``workflows.tasks.heartbeat`` every
  ``FAZHI_SWEEP_SECONDS`` and a worker writes it, so a heartbeat older than two periods and a
  minute means beat (or every worker) stopped; the worker check below tells which.
- ``worker``: a Celery ``ping`` answered by at least one worker within a second. Its answer is
  kept a few seconds per process, so a flood of health checks does not flood the workers.

Any check ``down`` makes the whole answer 503 and is named in ``down``. A check that cannot
run because another dependency is down (the heartbeat without a database, the worker ping
without a broker) is ``unknown``. Details never carry a URL, host or password: only what
failed and the kind of error; the log has the rest.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger(__name__)

OK, DOWN, UNKNOWN = "ok", "down", "unknown"

# Seconds to wait for a connection, and for a worker's answer to the ping.
CONNECT_TIMEOUT = 1.0
WORKER_PING_TIMEOUT = 1.0
# How long one process reuses a worker ping's answer.
WORKER_PING_REUSE_SECONDS = 5.0

HEARTBEAT_NAME = "worker"  # the row workflows.tasks.heartbeat writes


@dataclass
class Check:
    status: str
    detail: str
    facts: dict = field(default_factory=dict)
    error: str = ""  # for the log only: may name hosts

    def as_json(self) -> dict:
        return {"status": self.status, "detail": self.detail, **self.facts}


def heartbeat_period() -> int:
    """Seconds between two heartbeats queued by beat (config/celery.py)."""
    return int(settings.FAZHI_SWEEP_SECONDS)


def heartbeat_max_age() -> int:
    """The oldest heartbeat that still means beat and a worker are alive: one missed period
    and a minute's margin for a busy queue."""
    return 2 * heartbeat_period() + 60


def _failed(what: str, error: BaseException, status: str = DOWN, facts=None) -> Check:
    return Check(status, f"{what} failed ({type(error).__name__})", facts or {}, repr(error))


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return _failed("SELECT 1", error)
    return Check(OK, "SELECT 1 answered")


def redis_check() -> Check:
    check = getattr(cache, "check", None)
    if check is None:
        return Check(OK, "not used: the cache is in process memory")
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure of the PING means down
        return _failed("PING to the cache's Redis", error)
    return Check(OK, "PING answered")


def beat_check(*, database: Check, now: datetime) -> Check:
    facts = {"max_age_seconds": heartbeat_max_age()}
    if database.status != OK:
        return Check(UNKNOWN, "the heartbeat is kept in the database", facts)
    try:
        seen_at = (
            Heartbeat.objects.filter(name=HEARTBEAT_NAME).values_list("seen_at", flat=True).first()
        )
    except DatabaseError as error:
        return _failed("reading the heartbeat", error, UNKNOWN, facts)
    if seen_at is None:
        return Check(DOWN, "no heartbeat yet: beat and a worker have never run", facts)
    age = max(0, int((now - seen_at).total_seconds()))
    facts = {"last_heartbeat": seen_at.isoformat(), "age_seconds": age, **facts}
    if age > heartbeat_max_age():
        return Check(DOWN, f"last heartbeat {age} s ago: beat or every worker stopped", facts)
    return Check(OK, f"last heartbeat {age} s ago", facts)


_pings: dict[str, tuple[float, Check]] = {}
_ping_lock = threading.Lock()


def forget_worker_pings() -> None:
    """Drop the reused ping answers (tests that start and stop workers)."""
    _pings.clear()


def broker_and_worker_checks() -> tuple[Check, Check]:
    """One broker connection: its success is the broker check, then a ping on it."""
    app = current_app
    try:
        with app.connection_for_write(connect_timeout=CONNECT_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            broker = Check(OK, f"{conn.transport_cls} broker answered")
            return broker, _worker_check(app, conn)
    except Exception as error:  # noqa: BLE001 - kombu and its transports raise many kinds
        return (
            _failed("connecting to the Celery broker", error),
            Check(UNKNOWN, "workers are asked through the broker"),
        )


def _worker_check(app, conn) -> Check:
    key = str(app.conf.broker_url)
    with _ping_lock:  # one ping at a time per process; those waiting reuse its answer
        kept = _pings.get(key)
        if kept is not None and time.monotonic() - kept[0] < WORKER_PING_REUSE_SECONDS:
            return kept[1]
        try:
            replies = app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1, connection=conn)
        except Exception as error:  # noqa: BLE001
            check = _failed("pinging the workers", error)
        else:
            if replies:
                check = Check(OK, "a worker answered the ping", {"answered": len(replies)})
            else:
                check = Check(DOWN, f"no worker answered the ping within {WORKER_PING_TIMEOUT:g} s")
        _pings[key] = (time.monotonic(), check)
        return check


_last_status: dict[str, str] = {}


def _log_changes(checks: dict[str, Check]) -> None:
    """Log a dependency going down or coming back once, not on every probe of the outage."""
    for name, check in checks.items():
        before = _last_status.get(name, OK)
        _last_status[name] = check.status
        if check.status == DOWN and before != DOWN:
            logger.warning("Health: %s is down: %s %s", name, check.detail, check.error)
        elif check.status == OK and before != OK:
            logger.warning("Health: %s is up again: %s", name, check.detail)


def health_report() -> tuple[bool, dict]:
    """(all up, the JSON body) for ``/health/``."""
    database = database_check()
    redis = redis_check()
    broker, worker = broker_and_worker_checks()
    checks = {
        "database": database,
        "redis": redis,
        "broker": broker,
        "beat": beat_check(database=database, now=timezone.now()),
        "worker": worker,
    }
    _log_changes(checks)
    down = [name for name, check in checks.items() if check.status == DOWN]
    up = not down and all(check.status == OK for check in checks.values())
    return up, {
        "status": "ok" if up else "down",
        "down": down,
        "checks": {name: check.as_json() for name, check in checks.items()},
    }
