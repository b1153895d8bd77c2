"""One subject's events verified where they sit in the chain (``record_verify(subject=x)``):
an index range read with its neighbours' links, never the whole chain."""

from collections import deque

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from ..canonical import GENESIS_HASH
from ..models import ChainHead, Event
from ..selectors import SubjectKey
from ..walk import _COLUMNS, _HASH, _PREV, _SEQ, _hash_problem
from .results import (
    _REASON_ORDER,
    GAP,
    HASH_MISMATCH,
    SubjectPage,
    VerifyResult,
    _linkage_detail,
    _linkage_reason,
    _row_check,
)

# Each row of the subject's walk: the event's ``_COLUMNS``, then its content type's app label and
# model (the label the hash covers, read with it), the hash of the event numbered one below,
# the ``prev_hash`` of the one numbered one above (NULL: no such event; both columns are NOT
# NULL), and the chain head's number, all in the statement's one snapshot.
_APP, _MODEL, _PREDECESSOR, _SUCCESSOR_LINK, _LAST_IN_CHAIN = range(
    len(_COLUMNS), len(_COLUMNS) + 5
)
_CONTENT_TYPE, _PAYLOAD = _COLUMNS.index("content_type_id"), _COLUMNS.index("payload")
# ``Event(*values)`` takes the model's columns in its own order.
_EVENT_ORDER = [_COLUMNS.index(field.attname) for field in Event._meta.concrete_fields]


def _subject_rows(key: SubjectKey, *, after: int, limit: int) -> list[tuple]:
    """The subject's next ``limit`` events numbered above ``after``. A plain statement per
    chunk: a server-side cursor costs four round trips for a decision's dozen events, and
    composing the statement with the ORM cost more than running it (issue 22)."""
    q = connection.ops.quote_name
    column = {field.attname: q(field.column) for field in Event._meta.concrete_fields}
    event, head = q(Event._meta.db_table), q(ChainHead._meta.db_table)
    seq = column["seq"]
    sql = f"""
        SELECT {", ".join(f"e.{column[name]}" for name in _COLUMNS)},
            t.{q("app_label")}, t.{q("model")},
            (SELECT p.{column["hash"]} FROM {event} p WHERE p.{seq} = e.{seq} - 1),
            (SELECT s.{column["prev_hash"]} FROM {event} s WHERE s.{seq} = e.{seq} + 1),
            (SELECT h.{q("last_seq")} FROM {head} h WHERE h.{q("id")} = %s)
        FROM {event} e
        JOIN {q(ContentType._meta.db_table)} t ON t.{q("id")} = e.{column["content_type_id"]}
        WHERE e.{column["content_type_id"]} = %s AND e.{column["object_id"]} = %s
            AND e.{seq} > %s
        ORDER BY e.{seq}
        LIMIT %s
    """
    params = [ChainHead.SINGLETON_ID, key.content_type.pk, key.object_id, after, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # The payload as the ORM reads it: the hash covers what ``JSONField`` makes of the jsonb.
    payload = Event._meta.get_field("payload").from_db_value
    return [
        (*row[:_PAYLOAD], payload(row[_PAYLOAD], None, connection), *row[_PAYLOAD + 1 :])
        for row in rows
    ]


def _verify_subject(key: SubjectKey, *, keep: slice | None, chunk_size: int) -> SubjectPage:
    """One statement (per ``chunk_size`` events) reads the subject's events with their
    neighbours' links and the chain head (issue 22: it was five, and the timeline read its
    page again); one more counts the numbers between the subject's first and last event when
    its own do not fill them. Events are only ever appended, so a later chunk can only see
    more of the chain than an earlier one, never less."""
    labels: dict[int, str] = {}
    breaks: list[tuple[int, str, str]] = []
    checked, first_seq, last_seq = 0, None, None
    # (row, its hashes' problem) at the positions ``keep`` names: the last ones in a deque
    # that holds no more of them, a window in a list filled only inside it.
    keep = keep or slice(0, 0)
    tail = keep.start is not None and keep.start < 0
    if tail:
        kept, start, stop = deque(maxlen=-keep.start), 0, None
    else:
        kept, start, stop = [], keep.start or 0, keep.stop
    chunk = _subject_rows(key, after=0, limit=chunk_size)
    while chunk:
        for row in chunk:
            labels[row[_CONTENT_TYPE]] = f"{row[_APP]}.{row[_MODEL]}"
            problem = _hash_problem(row[:_APP], labels)
            breaks += _subject_row_breaks(row, problem)
            if start <= checked and (stop is None or checked < stop):
                kept.append((row, problem))
            checked += 1
        first_seq = chunk[0][_SEQ] if first_seq is None else first_seq
        last_seq = chunk[-1][_SEQ]
        if len(chunk) < chunk_size:
            break
        chunk = _subject_rows(key, after=last_seq, limit=chunk_size)
    # The subject's own events fill its range when there are as many as numbers in it.
    if first_seq is not None and checked != last_seq - first_seq + 1:
        missing = _first_missing_seq(first_seq, last_seq)
        if missing is not None:
            breaks.append((missing, GAP, f"event #{missing} is missing"))
    if not breaks:
        verification = VerifyResult(ok=True, checked=checked)
    else:
        seq, reason, detail = min(breaks, key=lambda b: (b[0], _REASON_ORDER[b[1]]))
        verification = VerifyResult(
            ok=False, checked=checked, broken_seq=seq, reason=reason, detail=detail
        )
    return SubjectPage(
        verification=verification,
        events=[
            Event.from_db(Event.objects.db, None, [row[i] for i in _EVENT_ORDER]) for row, _ in kept
        ],
        checks={row[_SEQ]: _row_check(row, problem, row[_PREDECESSOR]) for row, problem in kept},
        first=checked - len(kept) if tail else start,
    )


def _subject_row_breaks(row: tuple, problem: str | None) -> list[tuple[int, str, str]]:
    """What one event of a subject's walk shows broken: its hashes, its link to its
    predecessor, its successor's link to it, or the successor missing before the chain's end."""
    seq, predecessor, successor_link = row[_SEQ], row[_PREDECESSOR], row[_SUCCESSOR_LINK]
    last_in_chain = row[_LAST_IN_CHAIN]
    breaks = []
    if problem:
        breaks.append((seq, HASH_MISMATCH, problem))
    if seq == 1:
        if row[_PREV] != GENESIS_HASH:
            breaks.append((seq, _linkage_reason(row[_PREV]), _linkage_detail(seq)))
    elif predecessor is None:
        breaks.append((seq - 1, GAP, f"event #{seq - 1} is missing"))
    elif predecessor != row[_PREV]:
        breaks.append((seq, _linkage_reason(row[_PREV]), _linkage_detail(seq)))
    if successor_link is not None and successor_link != row[_HASH]:
        breaks.append((seq + 1, _linkage_reason(successor_link), _linkage_detail(seq + 1)))
    elif successor_link is None and last_in_chain is not None and seq < last_in_chain:
        breaks.append((seq + 1, GAP, f"event #{seq + 1} is missing"))
    return breaks


def _first_missing_seq(first: int, last: int) -> int | None:
    """The lowest number missing between ``first`` and ``last``; an index-only count first."""
    in_range = Event.objects.filter(seq__gte=first, seq__lte=last)
    if in_range.count() == last - first + 1:
        return None
    expected = first
    for seq in in_range.order_by("seq").values_list("seq", flat=True).iterator(chunk_size=10000):
        if seq != expected:
            return expected
        expected += 1
    return None
