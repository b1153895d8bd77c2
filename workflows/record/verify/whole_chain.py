"""The whole chain re-walked in ``seq`` order, streamed, then checked against the chain head
and the signed checkpoints (``record_verify()``)."""

import hashlib
from contextlib import closing
from dataclasses import dataclass

from django.db import connection, transaction

from .. import signing
from ..canonical import GENESIS_HASH, iso_utc, sm3_hex
from ..checkpoints import CHECKPOINT_MISMATCH, TRUNCATED, checkpoint_problems
from ..models import ChainHead, Checkpoint
from ..walk import _chain_bytes_generic, _chain_bytes_postgresql, _digest_problem
from .results import (
    GAP,
    HASH_MISMATCH,
    VerifyResult,
    _broken,
    _linkage_detail,
    _linkage_reason,
)


def _verify_chain(*, chunk_size: int) -> VerifyResult:
    # The checkpoints are read first and the head before the events: whatever is appended or
    # checkpointed meanwhile is newer than them, so they can only lag the events we stream,
    # never run ahead of them.
    checkpoints = list(Checkpoint.objects.order_by("serial"))
    head = (
        ChainHead.objects.filter(pk=ChainHead.SINGLETON_ID)
        .values_list("last_seq", "last_hash")
        .first()
    )
    walked = _walk(chunk_size=chunk_size, by_seq={c.seq: c for c in checkpoints})
    found = {"head": head, "matched_checkpoint": walked.matched}
    if walked.broken is not None:
        return _walk_break(walked, found)
    return _walk_end(walked, head=head, checkpoints=checkpoints, found=found)


@dataclass(frozen=True)
class _Walked:
    """How far the walk got: the events ``checked``, the number and hash the next event had to
    carry, the first break when it stopped at one (seq, reason, detail), and the newest
    checkpoint whose signed hash it met."""

    checked: int
    next_seq: int
    last_hash: str
    broken: tuple | None
    matched: Checkpoint | None


def _walk(*, chunk_size: int, by_seq: dict[int, Checkpoint]) -> _Walked:
    """Stream the chain in ``seq`` order until the first break."""
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
        pass
    return _Walked(checked, expected_seq, prev_hash, broken, matched)


def _walk_break(walked: _Walked, found: dict) -> VerifyResult:
    """The break the walk stopped at, its reason and detail worked out now the COPY is closed."""
    seq, reason, detail = walked.broken
    if reason is None:
        reason, detail = _linkage_reason(detail), _linkage_detail(seq)
    elif reason == CHECKPOINT_MISMATCH:
        found["broken_checkpoint"] = detail.serial
        detail = (
            f"checkpoint #{detail.serial} of {iso_utc(detail.at)} signed hash "
            f"{detail.head_hash[:16]}… for event #{seq}; the record holds another: the "
            "chain was rewritten and its hashes recomputed"
        )
    return _broken(walked.checked, seq, reason, detail, **found)


def _walk_end(
    walked: _Walked, *, head: tuple | None, checkpoints: list[Checkpoint], found: dict
) -> VerifyResult:
    """An unbroken walk checked against the chain head (events cut off the end) and the signed
    checkpoints (the record truncated, a checkpoint missing or signed by another key)."""
    checked, expected_seq = walked.checked, walked.next_seq
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
        if last_seq and last_seq == expected_seq - 1 and last_hash != walked.last_hash:
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
