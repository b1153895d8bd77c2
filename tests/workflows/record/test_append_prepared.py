"""The record's appends run prepared (``connections.prepared_cursor``): PostgreSQL plans them
once per connection, and each stored event is exactly the event hashed (《重大行政决策程序暂行条例》
第三十三条: the full-process record stays tamper-evident)."""

import pytest
from django.db import connection, transaction
from django.forms.models import model_to_dict

from workflows.models import Unit
from workflows.record import chain
from workflows.record.models import Event
from workflows.record.services import record_append, record_append_several
from workflows.record.verify import record_verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _prepared(settings):
    settings.FAZHI_PREPARED_READS = True
    chain._forget_committed_head()


def _appended(unit: Unit) -> list[Event]:
    """Events by each way an append goes: the head claimed first (a transaction's first append
    with nothing to guess), held (a later one in the same transaction), guessed (the first
    append of the next transaction) and several at once."""
    events = []
    for n in range(3):
        with transaction.atomic():
            events.append(record_append(actor="system", action="unit.created", subject=unit))
            events.append(
                record_append(actor="system", action="unit.renamed", subject=unit, payload={"n": n})
            )
            events += record_append_several(
                actor="system",
                events=[("unit.closed", unit, {"名称": "财政局"}), ("unit.opened", unit, None)],
            )
    return events


def _as_stored(events: list[Event]) -> list[dict]:
    return [model_to_dict(e) for e in Event.objects.filter(seq__in=[e.seq for e in events])]


def test_the_stored_events_are_the_events_hashed_and_the_chain_verifies():
    events = _appended(Unit.objects.create(name="财政局", kind=Unit.Kind.DEPARTMENT))
    assert _as_stored(events) == [model_to_dict(e) for e in events]
    assert [e.seq for e in events] == list(range(1, 13))
    assert record_verify().ok


def test_the_appends_are_prepared_on_the_connection():
    _appended(Unit.objects.create(name="财政局", kind=Unit.Kind.DEPARTMENT))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(s.startswith('WITH moved AS (UPDATE "record_chainhead"') for s in prepared)


def test_a_value_sent_to_the_wrong_column_is_caught(monkeypatch):
    """The comparison above turns red when a value goes where it does not belong."""
    composed = chain._insert_params

    def swapped(event):
        params = composed(event)
        names = [f.name for f in chain._INSERT_FIELDS]
        a, b = names.index("actor_label"), names.index("action")
        params[a], params[b] = params[b], params[a]
        return params

    monkeypatch.setattr(chain, "_insert_params", swapped)
    events = _appended(Unit.objects.create(name="财政局", kind=Unit.Kind.DEPARTMENT))
    assert _as_stored(events) != [model_to_dict(e) for e in events]
    assert not record_verify().ok
