"""The real processes of the fault drill (``bench.drill``) and the faults done to them.

Every process is started by the drill in its own session (process group), logs to var/drill/,
and is stopped or killed by its group id, which is its pid: nothing the drill did not start is
ever signalled. The database faults touch only backends of the drill's scratch database whose
``application_name`` is the one the drill gives its processes (PGAPPNAME), never the drill's
own observer connection, never another database and never the server itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from bench import harness

LOGS = harness.ROOT / "var" / "drill"
APP_NAME = "fazhi-drill"  # PGAPPNAME of every process the drill starts
BIN = Path(sys.executable).parent


def wait_for(predicate, *, timeout: float, every: float = 0.2) -> bool:
    """Poll ``predicate`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)


class Proc:
    """One long-running process of the project: started, stopped (SIGTERM, then SIGKILL after
    ``grace`` seconds) or killed (SIGKILL), always with its whole process group (a prefork
    worker's children die with it, as on a crashed machine)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name, self.command, self.env = name, command, env
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.log_path = LOGS / f"{name}.log"

    def start(self) -> None:
        self.starts += 1
        with open(self.log_path, "a") as log:
            log.write(f"\n==== drill: start #{self.starts} at {time.strftime('%H:%M:%S')}\n")
            log.flush()
            self.proc = subprocess.Popen(
                self.command,
                cwd=harness.ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the process and its children."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=20)
        self.proc = None

    def stop(self, grace: float = 15.0) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=grace)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def log_has(self, text: str) -> bool:
        return self.log_path.exists() and text in self.log_path.read_text(errors="replace")


def gunicorn(env: dict[str, str], port: int) -> Proc:
    return Proc(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "30",
        ],
        env,
    )


def worker(env: dict[str, str]) -> Proc:
    # The Procfile's worker: prefork, 2 processes.
    return Proc(
        "worker",
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--pool=prefork",
            "--concurrency=2",
            "--hostname=drill@127.0.0.1",
        ],
        env,
    )


def beat(env: dict[str, str], name: str = "beat") -> Proc:
    # The Procfile's beat (django-celery-beat's database scheduler, from the settings).
    return Proc(name, [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"], env)


def worker_started(proc: Proc, *, timeout: float = 90) -> bool:
    """The worker's log says it is consuming (Celery prints "<name> ready.")."""
    size = proc.log_path.read_text(errors="replace").rfind("==== drill: start #")

    def ready() -> bool:
        return " ready." in proc.log_path.read_text(errors="replace")[size:]

    return wait_for(lambda: ready() or not proc.alive(), timeout=timeout) and proc.alive()


def http_started(proc: Proc, url: str, *, timeout: float = 60) -> bool:
    def answers() -> bool:
        try:
            requests.get(url, timeout=2)
            return True
        except requests.RequestException:
            return False

    return wait_for(lambda: answers() or not proc.alive(), timeout=timeout) and proc.alive()


class BackendTerminator:
    """Terminates, every ``every`` seconds, each backend of ``database`` that one of the drill's
    processes holds (pg_terminate_backend from a connection to the maintenance database), in a
    thread, until stopped, ``max_rounds`` rounds or ``max_seconds`` seconds."""

    def __init__(
        self, database: str, *, every: float = 0.5, max_rounds: int = 400, max_seconds: float = 120
    ):
        self.database, self.every = database, every
        self.max_rounds, self.max_seconds = max_rounds, max_seconds
        self.rounds = 0
        self.terminated = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terminator", daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        with harness.admin_connect() as conn:
            while (
                not self._stop.is_set()
                and self.rounds < self.max_rounds
                and time.monotonic() - started < self.max_seconds
            ):
                try:
                    rows = conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND application_name = %s AND pid <> pg_backend_pid()",
                        [self.database, APP_NAME],
                    ).fetchall()
                    self.terminated += sum(1 for (done,) in rows if done)
                except Exception as error:  # noqa: BLE001 - reported, the drill goes on
                    self.errors.append(repr(error)[:300])
                self.rounds += 1
                self._stop.wait(self.every)

    def __enter__(self) -> BackendTerminator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def __exit__(self, *exc) -> None:
        self.stop()
