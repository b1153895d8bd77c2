"""Reading the record's rows as the hashes cover them: the canonical bytes of each event, from
the ORM on any database or rendered by PostgreSQL and streamed with COPY on the whole-chain walk
(``workflows.record.verify``), and whether an event's stored hashes recompute from them."""

import json
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from .canonical import canonical_bytes, canonical_payload_text, sha256_hex, sm3_hex
from .models import Event

# Only the columns the hash covers, in this order (indices below).
_COLUMNS = (
    "seq",
    "at",
    "actor_kind",
    "actor_user_id",
    "actor_label",
    "action",
    "content_type_id",
    "object_id",
    "payload",
    "prev_hash",
    "hash",
    "hash_sm3",
)
_SEQ, _PREV, _HASH = 0, 9, 10


# One row of the walk: seq, prev_hash, hash, hash_sm3, and the canonical bytes the hashes
# must cover, or, when the stored fields cannot be serialised, why not (a str).
ChainRow = tuple[int, str, str, str, "bytes | str"]


def _chain_bytes_generic(chunk_size: int) -> Iterator[ChainRow]:
    """Any database: model fields through the ORM, serialised by ``canonical_bytes``."""
    labels = _content_type_labels()
    rows = Event.objects.order_by("seq").values_list(*_COLUMNS).iterator(chunk_size=chunk_size)
    for row in rows:
        yield row[_SEQ], row[_PREV], row[_HASH], row[-1], _row_bytes(row, labels)


def _chain_sql(table: str) -> str:
    """The walk's query on PostgreSQL: everything of the canonical form except the payload is
    rendered by the server, as the text ``canonical_bytes`` would make of it.

    Why this is the same text (tests/workflows/record/test_verify_sql.py checks it with random
    events, against ``canonical_bytes``): the keys are written in sort_keys order; ``to_json``
    escapes a string exactly as ``json.dumps(ensure_ascii=False)`` does (\\" \\\\ \\b \\f
    \\n \\r \\t, other characters below U+0020 as lower-case \\u00xx, everything else
    as itself); integers print alike; and ``to_char`` writes ``iso_utc``'s
    YYYY-MM-DDTHH:MM:SS.ffffff+00:00. Times outside the years 1-9999 (which Python cannot
    represent, so no append wrote them) yield NULL, reported as unserialisable. The payload
    is left to Python (json.loads of the stored jsonb, as Django reads it, then
    ``canonical_payload_text``): jsonb orders keys its own way.
    """
    event = connection.ops.quote_name(table)
    content_type = connection.ops.quote_name(ContentType._meta.db_table)
    return f"""
        SELECT e.seq, e.prev_hash, e.hash, e.hash_sm3,
            CASE WHEN e.at >= '0001-01-01T00:00:00+00:00'
                    AND e.at < '10000-01-01T00:00:00+00:00' THEN
                '{{"action":' || to_json(e.action)::text
                || ',"actor_kind":' || to_json(e.actor_kind)::text
                || ',"actor_label":' || to_json(e.actor_label)::text
                || ',"actor_user_id":' || COALESCE(e.actor_user_id::text, 'null')
                || ',"at":"' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
                || '+00:00","content_type":' || to_json(ct.app_label || '.' || ct.model)::text
                || ',"object_id":' || to_json(e.object_id)::text
                || ',"payload":'
            END,
            e.payload::text,
            ',"prev_hash":' || to_json(e.prev_hash)::text || ',"seq":' || e.seq::text || '}}'
        FROM {event} AS e
        LEFT JOIN {content_type} AS ct ON ct.id = e.content_type_id
        ORDER BY e.seq
    """


def _chain_bytes_postgresql(chunk_size: int, *, table: str | None = None) -> Iterator[ChainRow]:
    """PostgreSQL: raw rows streamed with COPY TO STDOUT, no model instances, no per-field
    conversion in Python; the payload is the only part parsed.

    COPY, not a cursor: the server renders and sends rows while this process hashes the ones
    before (a FETCH would leave one of the two idle in turn). Closing the generator early (a
    break was found) cancels the COPY, which fails the statement: run it inside an atomic
    block, whose rollback then leaves the connection clean. ``chunk_size`` is not needed.
    """
    loads, payload_text = json.loads, canonical_payload_text
    sql = f"COPY ({_chain_sql(table or Event._meta.db_table)}) TO STDOUT"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.set_types(["int8", "text", "text", "text", "text", "text", "text"])
        for seq, prev_hash, stored_hash, stored_sm3, head, payload, tail in copy.rows():
            if head is None:
                data = "the stored fields cannot be serialised: no content type, or a time "
                data += "outside the years 1-9999"
            else:
                try:
                    data = (head + payload_text(loads(payload)) + tail).encode()
                except (TypeError, ValueError) as error:
                    data = f"the stored fields cannot be serialised: {error}"
            yield seq, prev_hash, stored_hash, stored_sm3, data


def _content_type_labels() -> dict[int, str]:
    return {
        pk: f"{app_label}.{model}"
        for pk, app_label, model in ContentType.objects.values_list("id", "app_label", "model")
    }


def _content_type_labels_cached() -> "_LabelsFromCache":
    return _LabelsFromCache()


class _LabelsFromCache:
    """Content-type labels through Django's per-process ContentType cache (for single events)."""

    def __getitem__(self, content_type_id: int) -> str:
        content_type = ContentType.objects.get_for_id(content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


def _row_bytes(row: tuple, labels) -> "bytes | str":
    """The canonical bytes of a row of ``_COLUMNS``, or why it cannot be serialised."""
    (
        seq,
        at,
        actor_kind,
        actor_user_id,
        actor_label,
        action,
        content_type_id,
        object_id,
        payload,
        prev_hash,
        _hash,
        _sm3,
    ) = row
    try:
        return canonical_bytes(
            seq=seq,
            at=at,
            actor_kind=actor_kind,
            actor_user_id=actor_user_id,
            actor_label=actor_label,
            action=action,
            content_type=labels[content_type_id],
            object_id=object_id,
            payload=payload,
            prev_hash=prev_hash,
        )
    except (TypeError, ValueError, KeyError) as error:  # a value no append could have written
        return f"the stored fields cannot be serialised: {error}"


def _digest_problem(data: "bytes | str", stored_hash: str, stored_sm3: str) -> str | None:
    """None when both stored hashes recompute from ``data``; otherwise which one does not."""
    if isinstance(data, str):
        return data
    if sha256_hex(data) != stored_hash:
        return "SHA-256 differs from the stored fields"
    # An event written with FAZHI_RECORD_SM3 off has no SM3 digest to check.
    if stored_sm3 and sm3_hex(data) != stored_sm3:
        return "SM3 differs from the stored fields"
    return None


def _hash_problem(row: tuple, labels) -> str | None:
    """None when both stored hashes recompute from the row; otherwise which one does not."""
    return _digest_problem(_row_bytes(row, labels), row[_HASH], row[-1])
