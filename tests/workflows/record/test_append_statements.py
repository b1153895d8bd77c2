"""An append is two statements in the caller's transaction, and fails that transaction whole."""

import pytest
from django.db import IntegrityError, transaction

from workflows.models import Unit
from workflows.record.canonical import GENESIS_HASH
from workflows.record.models import ChainHead, Event, RecordImmutableError
from workflows.record.services import record_append
from workflows.record.verify import record_verify


def test_an_append_costs_two_statements_when_inside_a_transaction(
    make_unit, django_assert_num_queries
):
    ChainHead.objects.create(id=ChainHead.SINGLETON_ID, last_seq=0, last_hash=GENESIS_HASH)
    unit = make_unit("教育局")
    # Claim the number under the head's lock; then insert the event and move the head at once.
    with transaction.atomic(), django_assert_num_queries(2):
        record_append(actor="system", action="unit.created", subject=unit)
    assert record_verify().ok


def test_a_later_append_costs_one_statement_when_its_transaction_holds_the_head(
    make_unit, django_assert_num_queries
):
    first, second = make_unit("财政局"), make_unit("教育局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=first)
        # The head is locked by this transaction: insert and move it in one statement.
        with django_assert_num_queries(1):
            event = record_append(actor="system", action="unit.created", subject=second)
    assert ChainHead.objects.get().last_hash == event.hash
    assert record_verify().ok


def test_an_append_asks_the_head_again_when_a_savepoint_that_moved_it_rolled_back(
    make_unit, django_assert_num_queries
):
    unit = make_unit("财政局")
    with transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
        with pytest.raises(ValueError), transaction.atomic():
            record_append(actor="system", action="unit.renamed", subject=unit)
            raise ValueError("the savepoint rolls back, and the head's move with it")
        with django_assert_num_queries(2):
            event = record_append(actor="system", action="unit.closed", subject=unit)
    assert event.seq == 2
    assert list(Event.objects.order_by("seq").values_list("action", flat=True)) == [
        "unit.created",
        "unit.closed",
    ]
    assert record_verify().ok


def test_a_head_moved_behind_the_holders_back_makes_the_append_fail_whole(make_unit):
    unit = make_unit("财政局")
    with pytest.raises(IntegrityError), transaction.atomic():
        record_append(actor="system", action="unit.created", subject=unit)
        ChainHead.objects.update(last_seq=0)  # tampering: the next number collides with #1
        record_append(actor="system", action="unit.renamed", subject=unit)
    assert Event.objects.count() == 0


def test_the_returned_event_is_the_stored_one_and_cannot_be_saved_again(make_unit):
    event = record_append(
        actor="system", action="unit.created", subject=make_unit("财政局"), payload={"a": [1]}
    )
    stored = Event.objects.get(seq=event.seq)
    assert (stored.hash, stored.prev_hash, stored.payload, stored.at) == (
        event.hash,
        event.prev_hash,
        event.payload,
        event.at,
    )
    assert ChainHead.objects.get().last_hash == event.hash
    with pytest.raises(RecordImmutableError):
        event.save()


def test_the_change_is_not_committed_when_the_caller_swallows_a_failed_append(make_unit):
    record_append(actor="system", action="unit.created", subject=make_unit("财政局"))
    ChainHead.objects.update(last_seq=0)  # the next number collides with event #1
    with transaction.atomic():
        unit = Unit.objects.create(name="教育局", kind=Unit.Kind.DEPARTMENT)
        try:
            record_append(actor="system", action="unit.created", subject=unit)
        except IntegrityError:
            pass  # a caller must not be able to keep its change without the event
    assert not Unit.objects.filter(name="教育局").exists()
    assert Event.objects.count() == 1
