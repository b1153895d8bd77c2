"""The subject's full-process record as JSON lines, and its re-verification without a database.

Each line is one event with every field its hashes cover (``workflows.record.canonical``), so an
auditor with this file alone recomputes both hashes of every event. Events of one subject are
not consecutive in the global chain; where two of them are (seq n and n+1), the link between
them is checked too, and the package's metadata pins the count and the end hashes so that a
line cannot be dropped unnoticed.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from workflows.record.canonical import canonical_bytes, iso_utc, sha256_hex, sm3_hex

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
