"""Many transactions appending at once still make one chain (real PostgreSQL, committed data)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection, transaction

from workflows.models import Unit
from workflows.record.models import ChainHead, Event
from workflows.record.selectors import events_for
from workflows.record.services import record_append
from workflows.record.verify import record_verify

from .tampering import tamper

ROOT = Path(__file__).resolve().parents[3]

THREADS = 8
APPENDS_PER_THREAD = 15


def test_concurrent_transactions_make_one_chain_without_forks_or_gaps(transactional_db):
    assert connection.vendor == "postgresql"
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(APPENDS_PER_THREAD):
                # Each change and its event in a transaction of its own, as a service would.
                with transaction.atomic():
                    unit = Unit.objects.create(name=f"unit {number}-{i}", kind="department")
                    record_append(
                        actor="system",
                        action="unit.created",
                        subject=unit,
                        payload={"writer": number, "i": i},
                    )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * APPENDS_PER_THREAD
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    # No fork: every hash is named as prev_hash by at most one event.
    prev_hashes = list(Event.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total
    head = ChainHead.objects.get()
    assert head.last_seq == total
    result = record_verify()
    assert (result.ok, result.checked) == (True, total)
    for unit in Unit.objects.filter(name__startswith="unit "):
        assert events_for(unit).count() == 1


def test_an_append_outside_any_transaction_commits_on_its_own(transactional_db):
    unit = Unit.objects.create(name="财政局", kind="department")
    assert connection.get_autocommit()
    event = record_append(actor="system", action="unit.created", subject=unit)
    assert event.seq == 1
    assert record_verify().ok


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _run_command(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "record_verify", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_zero_when_intact_and_one_naming_the_break(transactional_db):
    unit = Unit.objects.create(name="财政局", kind="department")
    for i in range(3):
        record_append(actor="system", action="opinion.given", subject=unit, payload={"i": i})

    intact = _run_command()
    assert intact.returncode == 0, intact.stderr
    assert "3" in intact.stdout

    tamper("""UPDATE record_event SET payload = '{"i": 99}' WHERE seq = 2""")
    broken = _run_command()
    assert broken.returncode == 1
    assert "seq 2" in broken.stderr and "hash mismatch" in broken.stderr

    by_subject = _run_command("--subject", f"workflows.unit:{unit.pk}")
    assert by_subject.returncode == 1
    assert "seq 2" in by_subject.stderr
