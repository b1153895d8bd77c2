"""Opening a clock that is already running returns the running one, concurrently too, and
costs no savepoint (one INSERT … ON CONFLICT DO NOTHING on the one-running-clock constraint)."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from workflows.clocks.models import Deadline
from workflows.clocks.services import deadline_meet
from workflows.record.selectors import events_for
from workflows.transactions import all_or_nothing


@pytest.mark.django_db
def test_opening_a_running_clock_again_returns_it_without_a_second_row_or_event(
    open_review, township
):
    first = open_review()
    # As a step's service opens it: inside the step's all-or-nothing transaction.
    with transaction.atomic(), all_or_nothing(), CaptureQueriesContext(connection) as queries:
        again = open_review()
    assert again.pk == first.pk and again.due == first.due
    assert Deadline.objects.count() == 1
    assert [e.action for e in events_for(township)].count("deadline.opened") == 1
    statements = [q["sql"].upper() for q in queries]
    assert not any(s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")) for s in statements)
    # PostgreSQL: INSERT … ON CONFLICT DO NOTHING; SQLite (embedded default): INSERT OR IGNORE.
    assert any("ON CONFLICT DO NOTHING" in s or "INSERT OR IGNORE" in s for s in statements)


@pytest.mark.django_db
def test_a_met_clock_is_not_running_so_opening_it_again_starts_a_new_one(open_review):
    first = deadline_meet(deadline=open_review())
    second = open_review()
    assert second.pk != first.pk and second.status == Deadline.Status.OPEN
    assert Deadline.objects.count() == 2


def test_two_opens_of_the_same_clock_at_once_make_one_clock(committed, open_review, township):
    """The second INSERT waits for the first transaction, inserts nothing when it commits,
    and returns the clock the first one opened."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is PostgreSQL's")
    opened = threading.Event()
    release = threading.Event()
    started = threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = open_review()
                opened.set()
                release.wait(10)
        except Exception as error:  # surfaced below: a thread cannot fail the test itself
            errors.append(error)
            opened.set()
        finally:
            connection.close()

    def second():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                results["pid"] = cursor.fetchone()[0]
            started.set()
            results["second"] = open_review()
        except Exception as error:
            errors.append(error)
            started.set()
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert opened.wait(10)
    two = threading.Thread(target=second)
    two.start()
    assert started.wait(10)
    # Waiting on the first transaction's row, as PostgreSQL reports it. Polled by count, not by
    # time: CI also runs this under libfaketime's frozen clock, where no timeout ever expires.
    assert "pid" in results, errors
    for _ in range(50_000):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [results["pid"]]
            )
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            break
    else:
        pytest.fail("the second open never waited for the first transaction")
    assert two.is_alive()
    release.set()
    one.join()
    two.join(10)
    assert not errors
    assert results["second"].pk == results["first"].pk
    assert Deadline.objects.count() == 1
    assert [e.action for e in events_for(township)].count("deadline.opened") == 1
