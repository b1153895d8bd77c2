"""Several events appended in one statement (``record_append_several``): the same chain as one
``record_append`` per event (《重大行政决策程序暂行条例》第三十三条: the full-process record)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from workflows.record.canonical import GENESIS_HASH
from workflows.record.models import ChainHead, Event
from workflows.record.services import record_append, record_append_several
from workflows.record.verify import events_check, record_verify

# What an event stores that does not depend on where it stands in the chain.
CONTENT = ("actor_kind", "actor_user_id", "actor_label", "action", "content_type_id", "object_id")


def _content(event: Event) -> tuple:
    return (*(getattr(event, name) for name in CONTENT), event.payload)


def _stored(events) -> list[Event]:
    return list(Event.objects.filter(seq__in=[e.seq for e in events]).order_by("seq"))


def _batch(first, second, drafter):
    return [
        ("unit.created", first, {"name": first.name, "on": dt.date(2024, 3, 1)}),
        ("unit.renamed", second, None),
        ("unit.head_named", first, {"head": drafter.pk}),
    ]


@pytest.mark.django_db
def test_several_at_once_store_what_single_appends_store_and_the_chain_verifies(make_unit, drafter):
    first, second = make_unit("财政局"), make_unit("教育局")
    together = record_append_several(actor=drafter, events=_batch(first, second, drafter))
    one_by_one = [
        record_append(actor=drafter, action=action, subject=subject, payload=payload)
        for action, subject, payload in _batch(first, second, drafter)
    ]

    assert [e.seq for e in together] == [1, 2, 3]
    assert [e.seq for e in one_by_one] == [4, 5, 6]
    # The rows as PostgreSQL keeps them: field for field what the single appends stored.
    assert [_content(e) for e in _stored(together)] == [_content(e) for e in _stored(one_by_one)]
    assert [_content(e) for e in _stored(together)] == [_content(e) for e in together]
    # Linked in turn, each hash over its own row, the head where the last one left it.
    assert together[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in together[1:]] == [e.hash for e in together[:-1]]
    assert one_by_one[0].prev_hash == together[-1].hash
    assert all(check.ok for check in events_check(_stored(together + one_by_one)).values())
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (6, one_by_one[-1].hash)
    assert record_verify().ok


@pytest.mark.django_db
def test_several_after_an_append_of_the_same_transaction_take_one_statement(make_unit, drafter):
    first, second = make_unit("财政局"), make_unit("教育局")
    with transaction.atomic():
        opened = record_append(actor="system", action="unit.created", subject=first)
        with CaptureQueriesContext(connection) as queries:
            events = record_append_several(actor=drafter, events=_batch(first, second, drafter))
    assert len(queries) == 1  # the head is held already: one statement for all three
    assert [e.seq for e in events] == [2, 3, 4]
    assert events[0].prev_hash == opened.hash
    assert record_verify().ok


@pytest.mark.django_db(transaction=True)
def test_several_outside_any_transaction_commit_together_and_verify(make_unit, drafter):
    first, second = make_unit("财政局"), make_unit("教育局")
    assert not connection.in_atomic_block
    events = record_append_several(actor=drafter, events=_batch(first, second, drafter))
    assert [e.seq for e in _stored(events)] == [1, 2, 3]
    assert ChainHead.objects.get().last_seq == 3
    assert record_verify().ok


@pytest.mark.django_db
def test_nothing_to_append_appends_nothing(make_unit):
    assert record_append_several(actor="system", events=[]) == []
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "entry, error",
    [
        (("Unit.Created", None, None), ValueError),  # not a dotted name
        (("unit.created", None, {"x": object()}), TypeError),
        (("unit.created", None, {"x": dt.datetime(2024, 1, 1)}), ValueError),  # naive
        (("unit.created", None, {"x": "a\x00b"}), ValueError),  # jsonb cannot hold NUL
        (("unit.created", None, ["not", "a", "dict"]), TypeError),
    ],
)
@pytest.mark.django_db
def test_what_a_single_append_refuses_refuses_the_whole_batch(make_unit, entry, error):
    unit = make_unit("财政局")
    action, _, payload = entry
    with pytest.raises(error):
        record_append(actor="system", action=action, subject=unit, payload=payload)
    with pytest.raises(error):
        record_append_several(
            actor="system",
            events=[("unit.created", unit, None), (action, unit, payload)],
        )
    assert not Event.objects.exists()  # not even the acceptable first one
    assert not ChainHead.objects.filter(last_seq__gt=0).exists()


@pytest.mark.django_db
def test_an_unknown_actor_or_unsaved_subject_refuses_the_batch(make_unit):
    from workflows.models import Unit

    unit = make_unit("财政局")
    with pytest.raises(TypeError):
        record_append_several(actor="somebody", events=[("unit.created", unit, None)])
    with pytest.raises(ValueError):
        record_append_several(
            actor="system",
            events=[("unit.created", unit, None), ("unit.created", Unit(name="x"), None)],
        )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_batch_rolled_back_with_its_change_leaves_no_event_and_no_gap(make_unit, drafter):
    first, second = make_unit("财政局"), make_unit("教育局")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_append_several(actor=drafter, events=_batch(first, second, drafter))
        raise RuntimeError("the caller's change fails after recording it")
    assert not Event.objects.exists()
    assert record_append(actor="system", action="unit.created", subject=first).seq == 1
    assert record_verify().ok
