"""Re-walking the record to prove it is authentic and complete (DA/T 70-2018 四性检测).

Three checks, each naming the FIRST break it finds by sequence number:

``record_verify()``
    The whole chain, in ``seq`` order, streamed. For every event: its number follows the
    previous one (else **gap**, naming the missing number); its ``prev_hash`` is the previous
    event's hash (else **reordering** when that value is the hash of some other event, i.e.
    rows were moved, or **missing predecessor** when no event has that hash); and its hashes
    recompute from its fields (else **hash mismatch**). At the end, the chain head must agree
    with the last event, which catches events cut off the end. Then the signed checkpoints
    (``checkpoints``): every one must verify with the configured key, their numbers must run
    without a gap, each naming the previous one's signature (else **checkpoint missing** or
    **checkpoint signature invalid**); the event each one signs must carry the hash it signed
    (else **checkpoint mismatch**: the chain was recomputed) and must still exist (else
    **truncated**). The result names the checkpoint, the chain head and the latest checkpoint
    the chain matched.

``record_verify(subject=x)``
    Only the events of ``x`` (fast: an index range, not the whole chain). Each event's own
    hashes must recompute; its predecessor (``seq - 1``) must exist and carry the hash its
    ``prev_hash`` names; its successor (``seq + 1``), when there is one, must link back to it,
    and must exist unless it is the last event of the chain; and no number may be missing
    between the subject's first and last event. This proves every event of ``x`` is intact and
    anchored in the global chain. It cannot see an event of ``x`` deleted after ``x``'s last
    remaining event and beyond its successor: only the full walk proves that.

``subject_page_verify(x, keep=…)``
    ``record_verify(subject=x)`` keeping one window of ``x``'s events (the timeline's page),
    each with its ``event_check``: the same walk and the same rows, not a second read of them.

``event_check()`` / ``events_check()``
    The same per-event test for a page of events (the timeline's check marks).
"""

import hashlib
from collections import deque
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from . import signing
from .canonical import GENESIS_HASH, iso_utc, sm3_hex
from .checkpoints import CHECKPOINT_MISMATCH, TRUNCATED, checkpoint_problems
from .models import ChainHead, Checkpoint, Event
from .selectors import SubjectKey, subject_key
from .walk import (
    _COLUMNS,
    _HASH,
    _PREV,
    _SEQ,
    _chain_bytes_generic,
    _chain_bytes_postgresql,
    _content_type_labels_cached,
    _digest_problem,
    _hash_problem,
)

HASH_MISMATCH = "hash mismatch"
GAP = "gap"
REORDERING = "reordering"
MISSING_PREDECESSOR = "missing predecessor"

# At one sequence number, report the cause a reader should look at first.
_REASON_ORDER = {GAP: 0, REORDERING: 1, MISSING_PREDECESSOR: 2, HASH_MISMATCH: 3}

DEFAULT_CHUNK_SIZE = 5000


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with the number of events ``checked``, or the first break: its seq and reason."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None
    detail: str = ""
    # The whole-chain walk only: the checkpoint a break concerns, the chain head as
    # (seq, hash) and the newest checkpoint whose signed hash the chain matched.
    broken_checkpoint: int | None = None
    head: tuple[int, str] | None = None
    matched_checkpoint: "Checkpoint | None" = None


@dataclass(frozen=True)
class EventCheck:
    """Whether one event verifies; when it does not, why."""

    ok: bool
    reason: str | None = None
    detail: str = ""


def record_verify(
    *, subject: "models.Model | SubjectKey | None" = None, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> VerifyResult:
    """Verify the whole chain, or only ``subject``'s events (see the module docstring)."""
    if subject is None:
        return _verify_chain(chunk_size=chunk_size)
    return _verify_subject(subject_key(subject), keep=None, chunk_size=chunk_size).verification


@dataclass(frozen=True)
class SubjectPage:
    """A subject's verification, and the events of the window it was asked to keep (oldest
    first, ``first`` the position of the first among the subject's events, from 0), each
    with its check by seq."""

    verification: VerifyResult
    events: list[Event]
    checks: dict[int, EventCheck]
    first: int


def subject_page_verify(
    subject: "models.Model | SubjectKey", *, keep: slice, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> SubjectPage:
    """``record_verify(subject=...)``, keeping the events at the positions ``keep`` names among
    the subject's (``slice(100, 200)``; ``slice(-100, None)``: the last hundred), each with
    its ``event_check`` as the walk found it. The timeline's page is then neither read nor
    hashed a second time (issue 22)."""
    return _verify_subject(subject_key(subject), keep=keep, chunk_size=chunk_size)


def event_check(event: Event, *, predecessor_hash: str | None) -> EventCheck:
    """Does ``event`` verify on its own and link to its predecessor?

    ``predecessor_hash`` is the stored hash of the event numbered ``event.seq - 1``, or None
    when there is no such event (ignored for event 1, whose predecessor is the genesis hash).
    """
    row = tuple(getattr(event, column) for column in _COLUMNS)
    return _row_check(row, _hash_problem(row, _content_type_labels_cached()), predecessor_hash)


def _row_check(row: tuple, problem: str | None, predecessor_hash: str | None) -> EventCheck:
    """``event_check`` of a row of ``_COLUMNS`` whose hashes' ``problem`` is known."""
    seq, prev_hash = row[_SEQ], row[_PREV]
    if seq > 1 and predecessor_hash is None:
        return EventCheck(False, GAP, f"event #{seq - 1} is missing")
    expected = GENESIS_HASH if seq == 1 else predecessor_hash
    if prev_hash != expected:
        return EventCheck(False, _linkage_reason(prev_hash), _linkage_detail(seq))
    if problem:
        return EventCheck(False, HASH_MISMATCH, problem)
    return EventCheck(True)


def events_check(events: Iterable[Event]) -> dict[int, EventCheck]:
    """``event_check`` for many events at once (one query for all predecessors), by seq."""
    events = list(events)
    predecessors = dict(
        Event.objects.filter(seq__in=[event.seq - 1 for event in events]).values_list("seq", "hash")
    )
    return {
        event.seq: event_check(event, predecessor_hash=predecessors.get(event.seq - 1))
        for event in events
    }


# --- the whole chain ------------------------------------------------------------------------


def _verify_chain(*, chunk_size: int) -> VerifyResult:
    # The checkpoints are read first and the head before the events: whatever is appended or
    # checkpointed meanwhile is newer than them, so they can only lag the events we stream,
    # never run ahead of them.
    checkpoints = list(Checkpoint.objects.order_by("serial"))
    by_seq = {c.seq: c for c in checkpoints}
    head = (
        ChainHead.objects.filter(pk=ChainHead.SINGLETON_ID)
        .values_list("last_seq", "last_hash")
        .first()
    )
    walk = _chain_bytes_postgresql if connection.vendor == "postgresql" else _chain_bytes_generic
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    sha256 = hashlib.sha256
    # The loop is the verifier's hot path (a million events): hashing is inlined, and the
    # messages of _digest_problem are only worked out once something does not match.
    broken, matched = None, None
    try:
        # Closing the walk early cancels its COPY and fails the transaction: our own atomic
        # block (a savepoint inside the caller's) is rolled back, and the caller's is intact.
        with transaction.atomic(), closing(walk(chunk_size)) as rows:
            for seq, row_prev, stored_hash, stored_sm3, data in rows:
                if seq != expected_seq:
                    broken = (
                        expected_seq,
                        GAP,
                        f"event #{expected_seq} is missing; next is #{seq}",
                    )
                elif row_prev != prev_hash:
                    # Its reason takes a query, which has to wait until the COPY is closed.
                    broken = (seq, None, row_prev)
                elif (
                    data.__class__ is not bytes
                    or sha256(data).hexdigest() != stored_hash
                    or (stored_sm3 and sm3_hex(data) != stored_sm3)
                ):
                    broken = (seq, HASH_MISMATCH, _digest_problem(data, stored_hash, stored_sm3))
                elif seq in by_seq:
                    checkpoint = by_seq[seq]
                    if checkpoint.head_hash != stored_hash:
                        broken = (seq, CHECKPOINT_MISMATCH, checkpoint)
                    else:
                        matched = checkpoint
                if broken:
                    raise _WalkStopped
                prev_hash = stored_hash
                expected_seq += 1
                checked += 1
    except _WalkStopped:
        seq, reason, detail = broken
        found = {"head": head, "matched_checkpoint": matched}
        if reason is None:
            reason, detail = _linkage_reason(detail), _linkage_detail(seq)
        elif reason == CHECKPOINT_MISMATCH:
            found["broken_checkpoint"] = detail.serial
            detail = (
                f"checkpoint #{detail.serial} of {iso_utc(detail.at)} signed hash "
                f"{detail.head_hash[:16]}… for event #{seq}; the record holds another: the "
                "chain was rewritten and its hashes recomputed"
            )
        return _broken(checked, seq, reason, detail, **found)
    found = {"head": head, "matched_checkpoint": matched}
    if head is not None:
        last_seq, last_hash = head
        if last_seq >= expected_seq:
            return _broken(
                checked,
                expected_seq,
                GAP,
                f"the chain head records event #{last_seq}; the events end at #{expected_seq - 1}",
                **found,
            )
        if last_seq and last_seq == expected_seq - 1 and last_hash != prev_hash:
            return _broken(
                checked,
                last_seq,
                HASH_MISMATCH,
                "the chain head recorded another hash for it",
                **found,
            )
    beyond = next((c for c in checkpoints if c.seq >= expected_seq), None)
    if beyond is not None:
        return _broken(
            checked,
            expected_seq,
            TRUNCATED,
            f"checkpoint #{beyond.serial} of {iso_utc(beyond.at)} signed event #{beyond.seq}; "
            + (f"the record ends at #{expected_seq - 1}" if checked else "the record is empty"),
            broken_checkpoint=beyond.serial,
            **found,
        )
    problems = checkpoint_problems(
        [c.as_dict() for c in checkpoints], trusted=_trusted_fingerprints(), complete=True
    )
    if problems:
        first = problems[0]
        return _broken(
            checked, first.seq, first.reason, first.detail, broken_checkpoint=first.serial, **found
        )
    return VerifyResult(ok=True, checked=checked, **found)


def _trusted_fingerprints() -> set[str]:
    """The fingerprint of the configured signing key: checkpoints signed by any other key are
    reported (ImproperlyConfigured when no key is configured)."""
    return {signing.fingerprint(signing.configured_public_key_text())}


class _WalkStopped(Exception):
    """The walk found a break: leave the COPY (and the atomic block) early."""


# --- one subject ----------------------------------------------------------------------------


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


# --- shared pieces --------------------------------------------------------------------------


def _broken(checked: int, seq: int, reason: str, detail: str, **found) -> VerifyResult:
    return VerifyResult(
        ok=False, checked=checked, broken_seq=seq, reason=reason, detail=detail, **found
    )


def _linkage_reason(prev_hash: str) -> str:
    """A broken link is a reordering when the hash it names belongs to another event."""
    if prev_hash == GENESIS_HASH or Event.objects.filter(hash=prev_hash).exists():
        return REORDERING
    return MISSING_PREDECESSOR


def _linkage_detail(seq: int) -> str:
    return f"event #{seq} does not link to event #{seq - 1}"
