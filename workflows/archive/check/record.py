"""The record excerpt a package carries and its signed checkpoints (DA/T 70-2018): the chain's
hashes recompute and agree with the metadata (authenticity), it holds as many events as the
metadata says (integrity), and the checkpoints carry valid signatures by the configured key,
agree with the events and cover the last one."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from workflows.record import signing

from ..findings import (
    AUTHENTICITY,
    CHECKPOINT_INVALID,
    CHECKPOINTS_FILE,
    INTEGRITY,
    METADATA_FILE,
    METADATA_INVALID,
    METADATA_MISMATCH,
    MISSING_FILE,
    RECORD_CHAIN_BROKEN,
    RECORD_FILE,
    RECORD_INCOMPLETE,
    Finding,
)
from ..recordfile import (
    checkpoints_parse,
    record_chain_problems,
    record_checkpoint_problems,
    record_lines_parse,
    record_uncovered_seq,
)


def check_record(directory: Path, meta: dict | None, add) -> list[dict]:
    """Check the record file against itself and the metadata; return its events."""
    path = directory / RECORD_FILE
    if not path.is_file():
        add(Finding(INTEGRITY, MISSING_FILE, RECORD_FILE, "the record is missing"))
        return []
    events, problems = record_lines_parse(path.read_bytes())
    # Without readable metadata, the first event names the subject the others must share.
    first = events[0] if events else {"content_type": "", "object_id": ""}
    subject = meta["identifier"] if meta else f"{first['content_type']}:{first['object_id']}"
    problems += record_chain_problems(events, subject=subject)
    for problem in problems:
        add(
            Finding(
                AUTHENTICITY,
                RECORD_CHAIN_BROKEN,
                RECORD_FILE,
                f"the record chain does not verify: {problem.detail}",
            )
        )
    if meta is None:
        return events
    chain = meta["record_chain"]
    if chain is None:
        add(Finding(AUTHENTICITY, METADATA_INVALID, METADATA_FILE, "no record_chain element"))
        return events
    _check_record_chain_element(chain, events, add)
    _check_process_steps(meta["steps"], events, add)
    return events


def _check_record_chain_element(chain: dict, events: list[dict], add) -> None:
    """The metadata's record_chain: verified at export, and the events it counts and the
    hashes of the first and last one those of the record."""
    if chain.get("verified_at_export") != "true":
        add(
            Finding(
                AUTHENTICITY,
                RECORD_CHAIN_BROKEN,
                RECORD_FILE,
                "the record chain did not verify against the live record at export",
            )
        )
    if chain.get("events") != str(len(events)):
        add(
            Finding(
                INTEGRITY,
                RECORD_INCOMPLETE,
                RECORD_FILE,
                f"the metadata counts {chain.get('events')} events, the record holds {len(events)}",
            )
        )
    ends = (events[0]["hash"], events[-1]["hash"]) if events else ("", "")
    if (chain.get("first_hash", ""), chain.get("last_hash", "")) != ends:
        add(
            Finding(
                AUTHENTICITY,
                METADATA_MISMATCH,
                RECORD_FILE,
                "the first or last event's hash differs from the metadata",
            )
        )


def _check_process_steps(steps: list[dict], events: list[dict], add) -> None:
    """Each process step of the metadata is the record's event of its number."""
    by_seq = {str(e["seq"]): e for e in events}
    for step in steps:
        event = by_seq.get(step["seq"])
        if event is None or (event["actor_label"], event["action"], event["at"]) != (
            step["actor"],
            step["action"],
            step["time"],
        ):
            add(
                Finding(
                    AUTHENTICITY,
                    METADATA_MISMATCH,
                    METADATA_FILE,
                    f"process step #{step['seq']} does not match the record",
                )
            )


def check_checkpoints(directory: Path, events: list[dict], add) -> None:
    path = directory / CHECKPOINTS_FILE
    if not path.is_file():
        add(
            Finding(
                INTEGRITY, MISSING_FILE, CHECKPOINTS_FILE, "the record's checkpoints are missing"
            )
        )
        return
    checkpoints, problems = checkpoints_parse(path.read_bytes())
    problems += record_checkpoint_problems(events, checkpoints, trusted=_trusted_fingerprints())
    for problem in problems:
        add(Finding(AUTHENTICITY, CHECKPOINT_INVALID, CHECKPOINTS_FILE, problem.detail))
    uncovered = record_uncovered_seq(events, checkpoints)
    if uncovered is not None:
        add(
            Finding(
                INTEGRITY,
                RECORD_INCOMPLETE,
                CHECKPOINTS_FILE,
                f"no signed checkpoint covers event #{uncovered}",
            )
        )


def _trusted_fingerprints() -> set[str] | None:
    """The configured signing key's fingerprint; None where none is configured (a package read
    elsewhere): each signature is then checked with the key it names, whose fingerprint the
    reader compares with the one the installation published."""
    try:
        return {signing.fingerprint(signing.configured_public_key_text())}
    except ImproperlyConfigured:
        return None
