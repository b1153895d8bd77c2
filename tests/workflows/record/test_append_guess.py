"""A transaction's first append guesses the head is where this connection's last commit left it:
one statement when nobody appended since, and a correct chain when somebody did."""

import threading

import pytest
from django.db import connection, transaction

from workflows.models import Unit
from workflows.record import chain
from workflows.record.models import Event
from workflows.record.services import record_append
from workflows.record.verify import record_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_guess_from_earlier_tests():
    """The misses of earlier tests (their databases are emptied with ``flush``, whose
    ``post_migrate`` forgets the guess too)."""
    chain._forget_committed_head()


def _unit(name: str) -> Unit:
    return Unit.objects.create(name=name, kind=Unit.Kind.DEPARTMENT)


def _append_elsewhere(unit: Unit) -> None:
    """An append committed by another connection (another worker)."""

    def run():
        try:
            record_append(actor="system", action="unit.renamed", subject=unit)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_the_first_append_after_a_commit_costs_one_statement(django_assert_num_queries):
    unit = _unit("财政局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
    with transaction.atomic(), django_assert_num_queries(1):
        event = record_append(actor="system", action="unit.renamed", subject=unit)
    assert event.seq == 2
    assert record_verify().ok


def test_an_append_by_another_connection_is_chained_after_not_forked(django_assert_num_queries):
    unit = _unit("财政局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
    _append_elsewhere(unit)  # the head moved since this connection's commit
    # The guess inserts nothing; the head is then asked as usual.
    with transaction.atomic(), django_assert_num_queries(3):
        event = record_append(actor="system", action="unit.closed", subject=unit)
    assert event.seq == 3
    assert list(Event.objects.order_by("seq").values_list("action", flat=True)) == [
        "unit.created",
        "unit.renamed",
        "unit.closed",
    ]
    assert record_verify().ok


def test_a_rolled_back_transaction_leaves_no_guess_behind(django_assert_num_queries):
    unit = _unit("财政局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
    with pytest.raises(ValueError), transaction.atomic():
        record_append(actor="system", action="unit.renamed", subject=unit)
        raise ValueError("rolled back: the head stays at event 1")
    # The guess of the first commit was spent by the rolled-back transaction: asked as usual.
    with transaction.atomic(), django_assert_num_queries(2):
        event = record_append(actor="system", action="unit.closed", subject=unit)
    assert event.seq == 2
    assert record_verify().ok


def test_a_connection_whose_guesses_miss_stops_guessing(django_assert_num_queries):
    unit = _unit("财政局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
    for _ in range(2):  # two misses in a row
        _append_elsewhere(unit)
        with transaction.atomic(), django_assert_num_queries(3):
            record_append(actor="system", action="unit.renamed", subject=unit)
    _append_elsewhere(unit)
    with transaction.atomic(), django_assert_num_queries(2):  # no guess this time
        record_append(actor="system", action="unit.closed", subject=unit)
    assert record_verify().ok
