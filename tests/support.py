"""Helpers for tests that own real processes: a redis-server they stop and start, Celery
pointed at it, and polling for what another process does. Nothing here is a mock."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from config.celery import app


def wait_until(predicate, *, timeout=60.0, what="the condition", every=0.2):
    """Poll until ``predicate()`` holds: the worker is another process."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(every)


def free_port(preferred: int) -> int:
    for port in [preferred, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def _service_env() -> dict[str, str]:
    """The environment for a service a test starts (redis-server): the machine's clock, as the
    shared PostgreSQL and Redis have. CI's run under libfaketime moves only our own processes,
    and redis-server's allocator cannot start under it."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE", "DONT_FAKE_MONOTONIC")
    }


class OwnRedis:
    """A redis-server the test starts, stops and restarts; the shared one is never touched.
    No persistence: what was in it when it stops is gone, as after a crash."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_service_env(),
        )
        client = redis.Redis(port=self.port)
        wait_until(lambda: self._answers(client), timeout=20, what="redis-server to start")

    @staticmethod
    def _answers(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


def own_redis_started(preferred: int) -> OwnRedis:
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    server = OwnRedis(free_port(preferred))
    server.start()
    return server


@contextmanager
def broker(url: str):
    """Point this process's Celery app at ``url`` (the producer pools are rebuilt)."""
    previous = app.conf.broker_url

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset()


ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def celery_worker(*, env: dict[str, str], log_name: str, options: list[str]):
    """A real ``celery worker`` process of this project, with ``env`` over the test process's
    environment and its output in var/``log_name``; stopped with SIGTERM on leaving (killed
    after 20 s). ``options`` are the worker's own (pool, concurrency, what to leave out)."""
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / log_name, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", *options],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def page_statements(client, url) -> tuple[list[str], object]:
    """The statements a GET of ``url`` sends, and its (200) response, logged on the connection
    (``CaptureQueriesContext`` loses those sent before ``request_started``, which empties its
    log). The real database answers them."""
    from django.db import connection

    sent = []

    def logging(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(logging):
        response = client.get(url)
    assert response.status_code == 200
    return sent, response
