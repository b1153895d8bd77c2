"""The events an action records are appended together when it ends (``record.deferred``): the
same chain, in the order recorded, written in the action's transaction or not at all
(《重大行政决策程序暂行条例》第三十三条: every stage recorded with the change it records)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from workflows.record.deferred import deferring, record_deferred
from workflows.record.models import Event
from workflows.record.services import record_append, record_append_many
from workflows.record.verify import record_verify


def _appends(queries) -> int:
    """Statements that inserted events."""
    return sum('INSERT INTO "record_event"' in (q["sql"] or "") for q in queries)


def _actions() -> list[str]:
    return list(Event.objects.order_by("seq").values_list("action", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_action_s_events_are_appended_in_one_statement_at_its_end_in_the_order_recorded(
    make_unit, drafter
):
    unit = make_unit("财政局")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with record_deferred():
            assert deferring()
            kept = [
                record_append(actor=drafter, action=f"unit.step_{n}", subject=unit)
                for n in range(3)
            ]
            assert _appends(queries) == 0  # kept, not yet written
            assert kept[0].seq is None
        assert _appends(queries) == 1  # all three in one statement
    assert not deferring()
    assert [e.seq for e in kept] == [1, 2, 3]  # the returned events were numbered
    assert _actions() == ["unit.step_0", "unit.step_1", "unit.step_2"]
    assert record_verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_error_leaving_the_action_writes_none_of_its_events(make_unit, drafter):
    unit = make_unit("财政局")
    with pytest.raises(ValueError), transaction.atomic(), record_deferred():
        record_append(actor=drafter, action="unit.lost", subject=unit)
        raise ValueError("refused")
    with transaction.atomic(), record_deferred():  # the next action starts with nothing kept
        record_append(actor=drafter, action="unit.kept", subject=unit)
    assert _actions() == ["unit.kept"]
    assert record_verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_in_a_savepoint_rolled_back_is_dropped_with_it(make_unit, drafter):
    unit = make_unit("财政局")
    with transaction.atomic(), record_deferred():
        record_append(actor=drafter, action="unit.before", subject=unit)
        try:
            with transaction.atomic():  # a savepoint, rolled back
                record_append(actor=drafter, action="unit.undone", subject=unit)
                raise ValueError("refused")
        except ValueError:
            pass
        record_append(actor=drafter, action="unit.after", subject=unit)
    assert _actions() == ["unit.before", "unit.after"]
    assert record_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_read_of_the_record_inside_the_action_finds_what_it_recorded(make_unit, drafter):
    unit = make_unit("财政局")
    with transaction.atomic(), record_deferred():
        record_append(actor=drafter, action="unit.first", subject=unit)
        assert list(Event.objects.values_list("action", flat=True)) == ["unit.first"]
        # appended in bulk after what the action recorded before, never ahead of it
        record_append_many(actor="system", action="unit.swept", entries=[(unit, None)])
        record_append(actor=drafter, action="unit.last", subject=unit)
    assert _actions() == ["unit.first", "unit.swept", "unit.last"]
    assert record_verify().ok
