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

``event_check()`` / ``events_check()``
    The same per-event test for a page of events (the timeline's check marks).
"""

import hashlib
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass

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
    _content_type_labels,
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
    return _verify_subject(subject_key(subject), chunk_size=chunk_size)


def event_check(event: Event, *, predecessor_hash: str | None) -> EventCheck:
    """Does ``event`` verify on its own and link to its predecessor?

    ``predecessor_hash`` is the stored hash of the event numbered ``event.seq - 1``, or None
    when there is no such event (ignored for event 1, whose predecessor is the genesis hash).
    """
    row = tuple(getattr(event, column) for column in _COLUMNS)
    problem = _hash_problem(row, _content_type_labels_cached())
    if event.seq > 1 and predecessor_hash is None:
        return EventCheck(False, GAP, f"event #{event.seq - 1} is missing")
    expected = GENESIS_HASH if event.seq == 1 else predecessor_hash
    if event.prev_hash != expected:
        return EventCheck(False, _linkage_reason(event.prev_hash), _linkage_detail(event.seq))
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


def _verify_subject(key: SubjectKey, *, chunk_size: int) -> VerifyResult:
    labels = _content_type_labels()
    head = ChainHead.objects.filter(pk=ChainHead.SINGLETON_ID).values_list("last_seq").first()
    last_in_chain = head[0] if head else None
    rows = (
        Event.objects.filter(content_type=key.content_type, object_id=key.object_id)
        .order_by("seq")
        .values_list(*_COLUMNS)
    )
    breaks: list[tuple[int, str, str]] = []
    checked, first_seq, last_seq = 0, None, None
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            breaks += _subject_chunk_breaks(chunk, labels, last_in_chain)
            chunk = []
        checked += 1
        first_seq = row[_SEQ] if first_seq is None else first_seq
        last_seq = row[_SEQ]
    breaks += _subject_chunk_breaks(chunk, labels, last_in_chain)
    if first_seq is not None:
        missing = _first_missing_seq(first_seq, last_seq)
        if missing is not None:
            breaks.append((missing, GAP, f"event #{missing} is missing"))
    if not breaks:
        return VerifyResult(ok=True, checked=checked)
    seq, reason, detail = min(breaks, key=lambda b: (b[0], _REASON_ORDER[b[1]]))
    return VerifyResult(ok=False, checked=checked, broken_seq=seq, reason=reason, detail=detail)


def _subject_chunk_breaks(chunk, labels, last_in_chain) -> list[tuple[int, str, str]]:
    if not chunk:
        return []
    wanted = {row[_SEQ] - 1 for row in chunk} | {row[_SEQ] + 1 for row in chunk}
    neighbours = {
        seq: (hash_, prev)
        for seq, hash_, prev in Event.objects.filter(seq__in=wanted).values_list(
            "seq", "hash", "prev_hash"
        )
    }
    breaks = []
    for row in chunk:
        seq = row[_SEQ]
        problem = _hash_problem(row, labels)
        if problem:
            breaks.append((seq, HASH_MISMATCH, problem))
        if seq == 1:
            if row[_PREV] != GENESIS_HASH:
                breaks.append((seq, _linkage_reason(row[_PREV]), _linkage_detail(seq)))
        elif seq - 1 not in neighbours:
            breaks.append((seq - 1, GAP, f"event #{seq - 1} is missing"))
        elif neighbours[seq - 1][0] != row[_PREV]:
            breaks.append((seq, _linkage_reason(row[_PREV]), _linkage_detail(seq)))
        successor = neighbours.get(seq + 1)
        if successor is not None and successor[1] != row[_HASH]:
            breaks.append((seq + 1, _linkage_reason(successor[1]), _linkage_detail(seq + 1)))
        elif successor is None and last_in_chain is not None and seq < last_in_chain:
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
