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

The package: ``whole_chain`` walks the chain, ``subject`` one subject's events, ``results``
holds what they find and the per-event test they share.
"""

from collections.abc import Iterable

from django.db import models

from ..models import Event
from ..selectors import SubjectKey, subject_key
from ..walk import _COLUMNS, _chain_bytes_postgresql, _content_type_labels_cached, _hash_problem
from .results import (
    GAP,
    HASH_MISMATCH,
    MISSING_PREDECESSOR,
    REORDERING,
    EventCheck,
    SubjectPage,
    VerifyResult,
    _row_check,
)
from .subject import _verify_subject
from .whole_chain import _verify_chain

# Also the PostgreSQL walk (``_chain_bytes_postgresql``), which the tests read from here.
__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "GAP",
    "HASH_MISMATCH",
    "MISSING_PREDECESSOR",
    "REORDERING",
    "EventCheck",
    "SubjectPage",
    "VerifyResult",
    "_chain_bytes_postgresql",
    "event_check",
    "events_check",
    "record_verify",
    "subject_page_verify",
]

DEFAULT_CHUNK_SIZE = 5000


def record_verify(
    *, subject: "models.Model | SubjectKey | None" = None, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> VerifyResult:
    """Verify the whole chain, or only ``subject``'s events (see the module docstring)."""
    if subject is None:
        return _verify_chain(chunk_size=chunk_size)
    return _verify_subject(subject_key(subject), keep=None, chunk_size=chunk_size).verification


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
