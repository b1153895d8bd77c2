"""What a verification finds: the reasons a chain breaks, the results the checks return, and
the per-event test both walks and the timeline's check marks share."""

from dataclasses import dataclass

from ..canonical import GENESIS_HASH
from ..models import Checkpoint, Event
from ..walk import _PREV, _SEQ

HASH_MISMATCH = "hash mismatch"
GAP = "gap"
REORDERING = "reordering"
MISSING_PREDECESSOR = "missing predecessor"

# At one sequence number, report the cause a reader should look at first.
_REASON_ORDER = {GAP: 0, REORDERING: 1, MISSING_PREDECESSOR: 2, HASH_MISMATCH: 3}


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


@dataclass(frozen=True)
class SubjectPage:
    """A subject's verification, and the events of the window it was asked to keep (oldest
    first, ``first`` the position of the first among the subject's events, from 0), each
    with its check by seq."""

    verification: VerifyResult
    events: list[Event]
    checks: dict[int, EventCheck]
    first: int


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
