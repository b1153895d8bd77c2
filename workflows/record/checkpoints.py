"""Checking signed checkpoints of the record, as plain dicts and with no ORM.

A checkpoint (``models.Checkpoint.as_dict()``) vouches that the chain ended at event ``seq``
with ``head_hash`` when it was written. ``record_verify`` checks the live chain against every
checkpoint; the archive's package check (``workflows.archive.check``) checks the checkpoints a
package carries against the events in it. Both use ``checkpoint_problems`` for what needs no
events: each signature verifies with the key it names, that key is one the installation
trusts, and (in the database, where all are present) the numbers run without a gap, each
checkpoint naming the signature of the one before it and a later event than it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import signing
from .canonical import checkpoint_bytes

FIELDS = (
    "serial",
    "seq",
    "head_hash",
    "at",
    "prev_signature",
    "public_key",
    "key_fingerprint",
    "signature",
)

# Reasons, as record_verify reports them.
CHECKPOINT_MISMATCH = "checkpoint mismatch"
CHECKPOINT_MISSING = "checkpoint missing"
CHECKPOINT_SIGNATURE = "checkpoint signature invalid"
TRUNCATED = "truncated"


@dataclass(frozen=True)
class CheckpointProblem:
    serial: int | None
    seq: int | None
    reason: str
    detail: str


def checkpoint_signed_bytes(checkpoint: dict) -> bytes:
    """The bytes ``checkpoint["signature"]`` must sign; ValueError/TypeError when a field
    cannot be read."""
    return checkpoint_bytes(
        serial=checkpoint["serial"],
        seq=checkpoint["seq"],
        head_hash=checkpoint["head_hash"],
        at=dt.datetime.fromisoformat(checkpoint["at"]),
        prev_signature=checkpoint["prev_signature"],
        key_fingerprint=checkpoint["key_fingerprint"],
    )


def checkpoint_signature_problem(checkpoint: dict, *, trusted: Iterable[str] | None) -> str | None:
    """None when the checkpoint's signature verifies with its public key, the fingerprint is
    that key's, and (when ``trusted`` fingerprints are given) the key is one of them."""
    missing = [name for name in FIELDS if name not in checkpoint]
    if missing:
        return f"it lacks {', '.join(missing)}"
    try:
        data = checkpoint_signed_bytes(checkpoint)
        key_fingerprint = signing.fingerprint(checkpoint["public_key"])
    except (TypeError, ValueError) as error:
        return f"it cannot be read: {error}"
    if key_fingerprint != checkpoint["key_fingerprint"]:
        return "its key fingerprint is not the fingerprint of its public key"
    if trusted is not None and key_fingerprint not in set(trusted):
        return f"it is signed by key {key_fingerprint[:16]}…, not the configured signing key"
    if not signing.signature_valid(
        public_key_b64=checkpoint["public_key"], data=data, signature_b64=checkpoint["signature"]
    ):
        return "its signature does not verify"
    return None


def checkpoint_problems(
    checkpoints: list[dict], *, trusted: Iterable[str] | None, complete: bool
) -> list[CheckpointProblem]:
    """Every problem of ``checkpoints`` (in serial order) that needs no event.

    ``complete``: these are all the checkpoints there are (the database), so their numbers
    must run 1, 2, 3… and each must name the previous one's signature. A package carries only
    some; there, a link is checked where two consecutive numbers are present.
    """
    trusted = None if trusted is None else set(trusted)
    problems: list[CheckpointProblem] = []
    previous = None
    for checkpoint in checkpoints:
        serial, seq = checkpoint.get("serial"), checkpoint.get("seq")
        problem = checkpoint_signature_problem(checkpoint, trusted=trusted)
        if problem:
            problems.append(
                CheckpointProblem(
                    serial, seq, CHECKPOINT_SIGNATURE, f"checkpoint #{serial}: {problem}"
                )
            )
            previous = checkpoint
            continue
        if link := _link_problem(checkpoint, previous, complete=complete):
            problems.append(link)
        if previous is not None and seq <= previous["seq"]:
            problems.append(
                CheckpointProblem(
                    serial,
                    seq,
                    CHECKPOINT_MISMATCH,
                    f"checkpoint #{serial} signs event #{seq}, not later than checkpoint "
                    f"#{previous['serial']}'s event #{previous['seq']}",
                )
            )
        previous = checkpoint
    return problems


def _link_problem(
    checkpoint: dict, previous: dict | None, *, complete: bool
) -> CheckpointProblem | None:
    """What breaks the chain of checkpoints between ``previous`` (None for the first) and
    ``checkpoint``, whose signature verifies: a gap in the numbers (``complete`` only), a
    signature of the one before it not named, or a first checkpoint naming a predecessor."""
    serial, seq = checkpoint.get("serial"), checkpoint.get("seq")
    expected = previous["serial"] + 1 if previous else 1
    if complete and serial != expected:
        missing = f"#{expected}" if serial == expected + 1 else f"#{expected}–#{serial - 1}"
        return CheckpointProblem(
            expected,
            seq,
            CHECKPOINT_MISSING,
            f"checkpoint {missing} is missing: "
            + (f"#{previous['serial']}" if previous else "the start")
            + f" is followed by #{serial}",
        )
    if previous is not None and serial == previous["serial"] + 1:
        if checkpoint["prev_signature"] != previous["signature"]:
            return CheckpointProblem(
                serial,
                seq,
                CHECKPOINT_MISSING,
                f"checkpoint #{serial} does not name the signature of checkpoint "
                f"#{previous['serial']}",
            )
    elif complete and previous is None and checkpoint["prev_signature"]:
        return CheckpointProblem(
            serial, seq, CHECKPOINT_MISSING, "checkpoint #1 names a predecessor"
        )
    return None
