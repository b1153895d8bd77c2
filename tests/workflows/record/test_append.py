"""Appending to the full-process record (《重大行政决策程序暂行条例》第三十三条)."""

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import hypothesis
import pytest
from django.db import IntegrityError, connection, transaction
from gmssl import func, sm3
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from workflows.models import Unit
from workflows.record.canonical import GENESIS_HASH, canonical_bytes
from workflows.record.models import ChainHead, Event, RecordImmutableError
from workflows.record.selectors import events_for
from workflows.record.services import record_append
from workflows.record.verify import events_check, record_verify

pytestmark = pytest.mark.django_db


def _bytes_of(event: Event) -> bytes:
    """The canonical bytes rebuilt from the row as PostgreSQL returns it."""
    event = Event.objects.get(seq=event.seq)
    return canonical_bytes(
        seq=event.seq,
        at=event.at,
        actor_kind=event.actor_kind,
        actor_user_id=event.actor_user_id,
        actor_label=event.actor_label,
        action=event.action,
        content_type=event.content_type_label,
        object_id=event.object_id,
        payload=event.payload,
        prev_hash=event.prev_hash,
    )


# --- the chain ----------------------------------------------------------------------------------


def test_events_are_numbered_from_one_and_linked_when_appended_in_turn(make_unit):
    unit = make_unit("财政局")
    first = record_append(actor="system", action="unit.created", subject=unit)
    second = record_append(actor="system", action="unit.renamed", subject=unit)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert ChainHead.objects.get().last_seq == 2
    assert ChainHead.objects.get().last_hash == second.hash
    assert list(events_for(unit)) == [first, second]


def test_the_hash_covers_every_field_when_recomputed_with_hashlib(make_unit, drafter):
    unit = make_unit("财政局")
    event = record_append(
        actor=drafter, action="decision.submitted", subject=unit, payload={"opinion": "同意"}
    )
    data = _bytes_of(event)
    assert event.hash == hashlib.sha256(data).hexdigest()
    # Every field is in the hashed bytes, by name.
    for key in (
        "seq",
        "at",
        "actor_kind",
        "actor_user_id",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "payload",
        "prev_hash",
    ):
        assert f'"{key}":'.encode() in data
    assert b'"content_type":"workflows.unit"' in data
    assert '"opinion":"同意"'.encode() in data  # ensure_ascii=False


def test_the_sm3_digest_is_gmssls_over_the_same_bytes_when_sm3_is_on(make_unit, settings):
    settings.FAZHI_RECORD_SM3 = True
    event = record_append(
        actor="system",
        action="file.attached",
        subject=make_unit("财政局"),
        payload={"sha256": "ab" * 32},
    )
    expected = sm3.sm3_hash(func.bytes_to_list(_bytes_of(event)))
    assert event.hash_sm3 == expected
    assert len(event.hash_sm3) == 64


def test_no_sm3_digest_is_written_when_sm3_is_off_and_the_chain_still_verifies(make_unit, settings):
    settings.FAZHI_RECORD_SM3 = False
    event = record_append(actor="system", action="unit.created", subject=make_unit("财政局"))
    assert event.hash_sm3 == ""
    assert record_verify().ok


# --- actors ---------------------------------------------------------------------------------------


def test_the_actor_name_is_a_snapshot_when_the_user_is_renamed_later(make_unit, drafter):
    drafter.first_name = "张三"
    drafter.save()
    event = record_append(actor=drafter, action="decision.drafted", subject=make_unit("财政局"))
    drafter.first_name = "李四"
    drafter.save()
    event = Event.objects.get(seq=event.seq)
    assert event.actor_kind == "person"
    assert event.actor_user_id == drafter.pk
    assert event.actor_label == "张三 (drafter)"
    assert record_verify().ok


@pytest.mark.parametrize("actor", ["system", "public"])
def test_system_and_public_actors_carry_no_user_when_named_by_string(make_unit, actor):
    event = record_append(actor=actor, action="comment.received", subject=make_unit("财政局"))
    assert (event.actor_kind, event.actor_user_id, event.actor_label) == (actor, None, actor)


def test_an_unknown_actor_is_refused_when_appending(make_unit):
    with pytest.raises(TypeError):
        record_append(actor="somebody", action="unit.created", subject=make_unit("财政局"))


@pytest.mark.parametrize("action", ["", "submitted", "Decision.Submitted", "a..b", "a.b c"])
def test_an_action_that_is_not_a_dotted_name_is_refused(make_unit, action):
    with pytest.raises(ValueError):
        record_append(actor="system", action=action, subject=make_unit("财政局"))


# --- payloads -------------------------------------------------------------------------------------


def test_the_payload_is_stored_exactly_as_hashed_when_it_holds_non_json_types(make_unit):
    when = dt.datetime(2024, 3, 1, 9, 30, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    event = record_append(
        actor="system",
        action="deadline.computed",
        subject=make_unit("财政局"),
        payload={
            "due": dt.date(2024, 3, 11),
            "at": when,
            "amount": Decimal("1.50"),
            "id": key,
            "ratio": 1e20,
            "status": {"old": "draft", "new": "review"},
            7: ["a", ("b", None)],
        },
    )
    expected = {
        "due": "2024-03-11",
        "at": "2024-03-01T01:30:00.000005+00:00",
        "amount": "1.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "ratio": "1e+20",
        "status": {"old": "draft", "new": "review"},
        "7": ["a", ["b", None]],
    }
    assert event.payload == expected
    assert Event.objects.get(seq=event.seq).payload == expected
    assert hashlib.sha256(_bytes_of(event)).hexdigest() == event.hash


@pytest.mark.parametrize(
    "payload, error",
    [
        ({"x": object()}, TypeError),
        ({"x": dt.datetime(2024, 1, 1)}, ValueError),  # naive: which instant?
        ({"x": "a\x00b"}, ValueError),  # PostgreSQL cannot store NUL in jsonb
        (["not", "a", "dict"], TypeError),
    ],
)
def test_a_payload_that_cannot_be_recorded_faithfully_is_refused(make_unit, payload, error):
    with pytest.raises(error):
        record_append(
            actor="system", action="unit.created", subject=make_unit("财政局"), payload=payload
        )
    assert not Event.objects.exists()


# --- same transaction as the change ------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_event_and_no_gap_when_the_caller_fails(make_unit):
    with pytest.raises(RuntimeError), transaction.atomic():
        unit = make_unit("财政局")
        record_append(actor="system", action="unit.created", subject=unit)
        raise RuntimeError("the caller's change fails after recording it")
    assert not Event.objects.exists()
    assert not Unit.objects.filter(name="财政局").exists()
    # The number was not burnt: the next event is still #1.
    event = record_append(actor="system", action="unit.created", subject=make_unit("教育局"))
    assert event.seq == 1
    assert record_verify().ok


def test_the_change_fails_too_when_its_event_cannot_be_written(make_unit):
    record_append(actor="system", action="unit.created", subject=make_unit("财政局"))
    # Corrupt the head so the next number collides with an existing event.
    ChainHead.objects.update(last_seq=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        unit = Unit.objects.create(name="教育局", kind=Unit.Kind.DEPARTMENT)
        record_append(actor="system", action="unit.created", subject=unit)
    assert not Unit.objects.filter(name="教育局").exists()
    assert Event.objects.count() == 1


def test_the_change_fails_too_when_its_payload_cannot_be_recorded(make_unit):
    with pytest.raises(TypeError), transaction.atomic():
        unit = Unit.objects.create(name="教育局", kind=Unit.Kind.DEPARTMENT)
        record_append(actor="system", action="unit.created", subject=unit, payload={"f": open})
    assert not Unit.objects.filter(name="教育局").exists()


def test_an_unsaved_subject_is_refused_when_appending():
    with pytest.raises(ValueError):
        record_append(actor="system", action="unit.created", subject=Unit(name="x"))


# --- append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(make_unit):
    return record_append(
        actor="system", action="unit.created", subject=make_unit("财政局"), payload={"a": 1}
    )


def test_saving_an_existing_event_is_refused_in_django(event):
    event.payload = {"a": 2}
    with pytest.raises(RecordImmutableError):
        event.save()
    assert Event.objects.get(seq=event.seq).payload == {"a": 1}


def test_deleting_an_event_is_refused_in_django(event):
    with pytest.raises(RecordImmutableError):
        event.delete()
    with pytest.raises(RecordImmutableError):
        Event.objects.filter(seq=event.seq).delete()
    assert Event.objects.filter(seq=event.seq).exists()


def test_queryset_updates_are_refused_in_django(event):
    with pytest.raises(RecordImmutableError):
        Event.objects.filter(seq=event.seq).update(action="unit.deleted")
    with pytest.raises(RecordImmutableError):
        Event.objects.bulk_update([event], ["action"])


def test_writing_an_event_around_the_service_is_refused(event):
    fields = {
        "at": event.at,
        "actor_kind": "system",
        "actor_label": "system",
        "action": "unit.created",
        "content_type": event.content_type,
        "object_id": "1",
        "prev_hash": event.hash,
        "hash": "f" * 64,
    }
    with pytest.raises(RecordImmutableError):
        Event.objects.create(seq=2, **fields)
    with pytest.raises(RecordImmutableError):
        Event.objects.bulk_create([Event(seq=2, **fields)])
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE record_event SET payload = '{\"a\": 2}'",
        "UPDATE record_event SET hash = repeat('0', 64)",
        "DELETE FROM record_event",
    ],
)
def test_postgresql_refuses_update_and_delete_when_sent_as_raw_sql(event, sql):
    assert connection.vendor == "postgresql"
    with pytest.raises(IntegrityError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Event.objects.get(seq=event.seq).payload == {"a": 1}


# --- any payload survives the round trip through jsonb --------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | _text
)
_payloads = st.dictionaries(
    _text,
    st.recursive(
        _scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
        max_leaves=12,
    ),
    max_size=6,
)


@hypothesis.settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=_payloads)
def test_any_payload_verifies_after_the_round_trip_through_postgresql(county, payload):
    event = record_append(actor="system", action="unit.updated", subject=county, payload=payload)
    stored = Event.objects.get(seq=event.seq)
    assert stored.payload == event.payload
    assert events_check([stored])[event.seq].ok
