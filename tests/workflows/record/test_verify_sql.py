"""The full-chain walk on PostgreSQL renders the canonical form in SQL (walk._chain_sql):
these tests prove it gives, byte for byte, what ``canonical_bytes`` gives, on random events."""

import datetime as dt
import json

import hypothesis
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from workflows.record.canonical import canonical_bytes, json_safe
from workflows.record.services import record_append
from workflows.record.verify import HASH_MISMATCH, _chain_bytes_postgresql, record_verify

from .tampering import tamper

pytestmark = pytest.mark.django_db

# PostgreSQL text holds any character but NUL (and no lone surrogate).
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
_short = _text.map(lambda t: t[:10])
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.dates()
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
).map(json_safe)
_offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: dt.timedelta(minutes=minutes))
_times = st.datetimes(
    min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31, 23, 59, 59, 999999)
).flatmap(lambda t: _offsets.map(lambda off: t.replace(tzinfo=dt.timezone(off))))
_events = st.fixed_dictionaries(
    {
        "at": _times,
        "actor_kind": _short,
        "actor_user_id": st.none() | st.integers(min_value=1, max_value=2**31 - 1),
        "actor_label": _text.map(lambda t: t[:300]),
        "action": _text.map(lambda t: t[:100]),
        "object_id": _text.map(lambda t: t[:64]),
        "payload": _payloads,
        "prev_hash": _text.map(lambda t: t[:64]),
    }
)


@pytest.fixture
def probe_table():
    """A scratch copy of the event table (no trigger, no keys) for arbitrary rows."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE verify_probe (LIKE record_event INCLUDING DEFAULTS)")
    yield "verify_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE verify_probe")


@hypothesis.settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=st.lists(_events, min_size=1, max_size=4), data=st.data())
def test_the_sql_rendering_equals_canonical_bytes_for_any_event(probe_table, events, data):
    content_types = list(ContentType.objects.order_by("pk"))
    expected = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {probe_table}")
        for seq, event in enumerate(events, start=data.draw(st.integers(1, 2**62))):
            content_type = data.draw(st.sampled_from(content_types))
            cursor.execute(
                f"INSERT INTO {probe_table} (seq, at, actor_kind, actor_user_id, actor_label, "
                "action, content_type_id, object_id, payload, prev_hash, hash, hash_sm3) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, '', '')",
                [
                    seq,
                    event["at"],
                    event["actor_kind"],
                    event["actor_user_id"],
                    event["actor_label"],
                    event["action"],
                    content_type.pk,
                    event["object_id"],
                    json.dumps(event["payload"]),
                    event["prev_hash"],
                ],
            )
            label = f"{content_type.app_label}.{content_type.model}"
            expected.append((seq, canonical_bytes(seq=seq, content_type=label, **event)))
    with transaction.atomic():
        rendered = [(row[0], row[4]) for row in _chain_bytes_postgresql(2, table=probe_table)]
    assert rendered == expected


@pytest.mark.parametrize("when", ["10000-01-01 00:00:00+00", "0001-06-01 00:00:00+00 BC"])
def test_a_time_no_append_could_write_is_a_hash_mismatch_not_a_crash(county, when):
    for i in range(3):
        record_append(actor="system", action="unit.updated", subject=county, payload={"i": i})
    tamper(f"UPDATE record_event SET at = '{when}' WHERE seq = 2")
    result = record_verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 2, HASH_MISMATCH)
    assert "cannot be serialised" in result.detail
