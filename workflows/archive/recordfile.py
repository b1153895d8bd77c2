"""The subject's full-process record as JSON lines, and its re-verification without a database.

Each line is one event with every field its hashes cover (``workflows.record.canonical``), so an
auditor with this file alone recomputes both hashes of every event. Events of one subject are
not consecutive in the global chain; where two of them are (seq n and n+1), the link between
them is checked too, and the package's metadata pins the count and the end hashes so that a
line cannot be dropped unnoticed.

Beside it, the signed checkpoints of the record that cover the subject's events (for each
event, the first checkpoint at or after it): each signature verifies with the public key the
checkpoint names, whose fingerprint the installation publishes; where a checkpoint signs one
of the subject's own events, that event's hash is the one signed.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from workflows.record.canonical import canonical_bytes, iso_utc, sha256_hex, sm3_hex
from workflows.record.checkpoints import checkpoint_problems

FIELDS = (
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
    "hash",
    "hash_sm3",
)


def event_line(event) -> dict:
    """One ``workflows.record`` Event as the plain dict written to the file."""
    return {
        "seq": event.seq,
        "at": iso_utc(event.at),
        "actor_kind": event.actor_kind,
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "content_type": event.content_type_label,
        "object_id": event.object_id,
        "payload": event.payload,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "hash_sm3": event.hash_sm3,
    }


def record_jsonl(lines: Iterable[dict]) -> bytes:
    return b"".join(
        json.dumps(line, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        for line in lines
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    detail: str


def record_lines_parse(data: bytes) -> tuple[list[dict], list[ChainProblem]]:
    """The events of a record file, and the lines that are not events."""
    events, problems = [], []
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            problems.append(ChainProblem(None, f"line {number} is not JSON: {error}"))
            continue
        missing = [f for f in FIELDS if not isinstance(line, dict) or f not in line]
        if missing:
            problems.append(ChainProblem(None, f"line {number} lacks {', '.join(missing)}"))
            continue
        events.append(line)
    return events, problems


def record_chain_problems(events: list[dict], *, subject: str) -> list[ChainProblem]:
    """Every reason the events do not verify: a hash that does not recompute, numbers out of
    order, a broken link between consecutive events, an event about another subject."""
    problems: list[ChainProblem] = []
    previous = None
    for line in events:
        seq = line["seq"]
        if f"{line['content_type']}:{line['object_id']}" != subject:
            problems.append(ChainProblem(seq, f"event #{seq} is about another subject"))
        try:
            at = dt.datetime.fromisoformat(line["at"])
            data = canonical_bytes(
                seq=seq,
                at=at,
                actor_kind=line["actor_kind"],
                actor_user_id=line["actor_user_id"],
                actor_label=line["actor_label"],
                action=line["action"],
                content_type=line["content_type"],
                object_id=line["object_id"],
                payload=line["payload"],
                prev_hash=line["prev_hash"],
            )
        except (TypeError, ValueError) as error:
            problems.append(ChainProblem(seq, f"event #{seq} cannot be serialised: {error}"))
            continue
        if sha256_hex(data) != line["hash"]:
            problems.append(ChainProblem(seq, f"event #{seq}: SHA-256 differs from its fields"))
        elif line["hash_sm3"] and sm3_hex(data) != line["hash_sm3"]:
            problems.append(ChainProblem(seq, f"event #{seq}: SM3 differs from its fields"))
        if previous is not None:
            if not isinstance(seq, int) or seq <= previous["seq"]:
                problems.append(ChainProblem(seq, f"event #{seq} is out of order"))
            elif seq == previous["seq"] + 1 and line["prev_hash"] != previous["hash"]:
                problems.append(
                    ChainProblem(seq, f"event #{seq} does not link to event #{seq - 1}")
                )
        previous = line
    return problems


def checkpoints_json(checkpoints: Iterable[dict]) -> bytes:
    """The checkpoints file of a package: ``{"checkpoints": [Checkpoint.as_dict(), ...]}``."""
    document = {"checkpoints": list(checkpoints)}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2).encode() + b"\n"


def checkpoints_parse(data: bytes) -> tuple[list[dict], list[ChainProblem]]:
    try:
        document = json.loads(data.decode("utf-8"))
        checkpoints = document["checkpoints"]
        if not isinstance(checkpoints, list) or not all(isinstance(c, dict) for c in checkpoints):
            raise ValueError("checkpoints is not a list of objects")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        return [], [ChainProblem(None, f"the checkpoints cannot be read: {error}")]
    return checkpoints, []


def record_checkpoint_problems(
    events: list[dict], checkpoints: list[dict], *, trusted: "Iterable[str] | None"
) -> list[ChainProblem]:
    """Every reason the checkpoints do not vouch for the events: a signature that does not
    verify (or, given ``trusted`` fingerprints, a key not among them), two consecutive
    checkpoints that do not chain, an event whose hash differs from the one a checkpoint signed
    for it."""
    try:
        ordered = sorted(checkpoints, key=lambda c: int(c.get("serial")))
    except (TypeError, ValueError):
        return [ChainProblem(None, "a checkpoint has no serial number")]
    problems = [
        ChainProblem(p.seq, p.detail)
        for p in checkpoint_problems(ordered, trusted=trusted, complete=False)
    ]
    by_seq = {e["seq"]: e for e in events}
    for checkpoint in ordered:
        event = by_seq.get(checkpoint.get("seq"))
        if event is not None and event["hash"] != checkpoint.get("head_hash"):
            problems.append(
                ChainProblem(
                    event["seq"],
                    f"event #{event['seq']} differs from the hash checkpoint "
                    f"#{checkpoint['serial']} signed for it",
                )
            )
    return problems


def record_uncovered_seq(events: list[dict], checkpoints: list[dict]) -> int | None:
    """The last event's number when no checkpoint signs it or a later event, else None."""
    last = max((e["seq"] for e in events if isinstance(e["seq"], int)), default=None)
    signed = [c.get("seq") for c in checkpoints if isinstance(c.get("seq"), int)]
    if last is not None and (not signed or max(signed) < last):
        return last
    return None
