"""The four-property check (四性检测, DA/T 70-2018) of a package on disk, with no database.

- **Authenticity** (真实性): every file's SHA-256 and SM3 match the manifests; the metadata is
  valid and matches the content it describes; the record's hashes recompute; the record's
  checkpoints carry valid signatures by the configured key and agree with the events.
- **Integrity** (完整性): every file the manifests and the metadata list is there, nothing is
  there that they do not list, and the record holds as many events as the metadata says.
- **Usability** (可用性): every file is in an allowed format (judged by content) and opens.
- **Security** (安全性): no file is executable or carries macros or scripts, and no path leaves
  the package.

Each failure names its property, a stable code, the file and what is wrong; ``ok`` only when
there is none.
"""

import datetime as dt
from pathlib import Path

import bagit
from django.core.exceptions import ImproperlyConfigured

from workflows.record import signing

from . import bag as bagfile
from . import conf, formats
from .findings import (
    ALGORITHM_NAMES,
    ALGORITHMS,
    AUTHENTICITY,
    BAG_INVALID,
    CHANGED_FILE,
    CHECKPOINT_INVALID,
    CHECKPOINTS_FILE,
    CONTENT_DIR,
    EXECUTABLE_CONTENT,
    FILE_DOES_NOT_OPEN,
    FORMAT_NOT_ALLOWED,
    INTEGRITY,
    METADATA_FILE,
    METADATA_INVALID,
    METADATA_MISMATCH,
    MISSING_FILE,
    PROPERTIES,
    PROPERTY_NAMES,
    RECORD_CHAIN_BROKEN,
    RECORD_FILE,
    RECORD_INCOMPLETE,
    REPORT_JSON,
    REPORT_TEXT,
    SECURITY,
    UNLISTED_FILE,
    UNSAFE_PATH,
    USABILITY,
    CheckReport,
    Finding,
)
from .metadata import REQUIRED, MetadataError, metadata_parse
from .recordfile import (
    checkpoints_parse,
    record_chain_problems,
    record_checkpoint_problems,
    record_lines_parse,
    record_uncovered_seq,
)

# The findings' names, imported from here by the archive's services, commands and tests.
__all__ = [
    "ALGORITHMS",
    "ALGORITHM_NAMES",
    "AUTHENTICITY",
    "BAG_INVALID",
    "CHANGED_FILE",
    "CHECKPOINTS_FILE",
    "CHECKPOINT_INVALID",
    "CONTENT_DIR",
    "CheckReport",
    "EXECUTABLE_CONTENT",
    "FILE_DOES_NOT_OPEN",
    "FORMAT_NOT_ALLOWED",
    "Finding",
    "INTEGRITY",
    "METADATA_FILE",
    "METADATA_INVALID",
    "METADATA_MISMATCH",
    "MISSING_FILE",
    "PROPERTIES",
    "PROPERTY_NAMES",
    "RECORD_CHAIN_BROKEN",
    "RECORD_FILE",
    "RECORD_INCOMPLETE",
    "REPORT_JSON",
    "REPORT_TEXT",
    "SECURITY",
    "UNLISTED_FILE",
    "UNSAFE_PATH",
    "USABILITY",
    "package_check",
]


def package_check(directory: Path, *, now: dt.datetime | None = None) -> CheckReport:
    """Run the four-property check on the package in ``directory``."""
    directory = Path(directory)
    now = now or dt.datetime.now(dt.UTC)
    report = CheckReport(package=directory.name, checked_at=now.isoformat(timespec="seconds"))
    add = report.findings.append
    if not directory.is_dir():
        add(Finding(INTEGRITY, MISSING_FILE, str(directory), "the package does not exist"))
        return report
    _check_structure(directory, add)
    actual = _check_manifests(directory, add)
    report.files = len(actual)
    _check_formats_and_safety(directory, add)
    meta = _check_metadata(directory, actual, add)
    events = _check_record(directory, meta, add)
    _check_checkpoints(directory, events, add)
    return report


# --- structure and fixity -------------------------------------------------------------------


def _check_structure(directory: Path, add) -> None:
    try:
        bagit.Bag(str(directory))
    except bagit.BagError as error:
        add(Finding(INTEGRITY, BAG_INVALID, directory.name, f"not a valid BagIt package: {error}"))
    if not (directory / "data").is_dir():
        add(Finding(INTEGRITY, MISSING_FILE, "data/", "the payload directory is missing"))


def _check_manifests(directory: Path, add) -> dict[str, dict[str, str]]:
    """Payload and tag files against both manifests; returns the digests of the payload."""
    payload = set(bagfile.payload_files(directory)) if (directory / "data").is_dir() else set()
    actual: dict[str, dict[str, str]] = {}
    for kind, files in (("", payload), ("tag", None)):
        changed: dict[str, list[str]] = {}
        listed: set[str] = set()
        for algorithm in ALGORITHMS:
            name = f"{kind}manifest-{algorithm}.txt"
            manifest = directory / name
            if not manifest.is_file():
                add(Finding(INTEGRITY, MISSING_FILE, name, "the manifest is missing"))
                continue
            for relative, expected in bagfile.manifest_read(manifest).items():
                listed.add(relative)
                if not bagfile.is_inside(directory, relative):
                    add(Finding(SECURITY, UNSAFE_PATH, relative, "the path leaves the package"))
                    continue
                path = directory / relative
                if not path.is_file():
                    continue  # reported once below
                digest = bagfile.file_digest(path, algorithm)
                actual.setdefault(relative, {})[algorithm] = digest
                if digest != expected:
                    changed.setdefault(relative, []).append(ALGORITHM_NAMES[algorithm])
        for relative in sorted(listed):
            if bagfile.is_inside(directory, relative) and not (directory / relative).is_file():
                add(Finding(INTEGRITY, MISSING_FILE, relative, "listed in the manifest, missing"))
        for relative, algorithms in sorted(changed.items()):
            add(
                Finding(
                    AUTHENTICITY,
                    CHANGED_FILE,
                    relative,
                    f"changed: its {' and '.join(algorithms)} differ from the manifest",
                )
            )
        if files is not None:
            for relative in sorted(files - listed):
                add(Finding(INTEGRITY, UNLISTED_FILE, relative, "not listed in the manifests"))
    return {path: digests for path, digests in actual.items() if path.startswith("data/")}


# --- usability and security -----------------------------------------------------------------


def _check_formats_and_safety(directory: Path, add) -> None:
    allowed = conf.allowed_formats()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_symlink():
            add(Finding(SECURITY, UNSAFE_PATH, relative, "a symbolic link"))
            continue
        if not path.is_file():
            continue
        data = path.read_bytes()
        fmt = formats.sniff(data)
        danger = formats.executable_content(data, fmt)
        if danger:
            add(Finding(SECURITY, EXECUTABLE_CONTENT, relative, f"executable content: {danger}"))
        if not relative.startswith("data/"):
            continue  # tag files are plain text BagIt files, checked by the tag manifests
        if fmt not in allowed:
            add(
                Finding(
                    USABILITY,
                    FORMAT_NOT_ALLOWED,
                    relative,
                    f"format {fmt.upper()} is not on the allowed list "
                    f"({', '.join(f.upper() for f in allowed)})",
                )
            )
            continue
        problem = formats.opens(data, fmt)
        if problem:
            add(Finding(USABILITY, FILE_DOES_NOT_OPEN, relative, problem))


# --- metadata -------------------------------------------------------------------------------


def _check_metadata(directory: Path, actual: dict, add) -> dict | None:
    path = directory / METADATA_FILE
    if not path.is_file():
        add(Finding(INTEGRITY, MISSING_FILE, METADATA_FILE, "the metadata is missing"))
        return None
    try:
        meta = metadata_parse(path.read_bytes())
    except MetadataError as error:
        add(Finding(AUTHENTICITY, METADATA_INVALID, METADATA_FILE, str(error)))
        return None
    empty = [name for name in REQUIRED if not meta[name]]
    if empty:
        add(
            Finding(
                AUTHENTICITY,
                METADATA_INVALID,
                METADATA_FILE,
                f"required DA/T 46 elements are empty: {', '.join(empty)}",
            )
        )
    if meta["retention_code"] not in conf.RETENTION_CLASSES:
        add(Finding(AUTHENTICITY, METADATA_INVALID, METADATA_FILE, "unknown retention period"))

    described = set()
    for entry in meta["files"]:
        relative = f"data/{entry['path']}"
        described.add(relative)
        file_path = directory / relative
        if not bagfile.is_inside(directory, relative):
            add(Finding(SECURITY, UNSAFE_PATH, relative, "the metadata path leaves the package"))
            continue
        if not file_path.is_file():
            add(Finding(INTEGRITY, MISSING_FILE, relative, "described in the metadata, missing"))
            continue
        data = file_path.read_bytes()
        differences = []
        if entry["size"] != str(len(data)):
            differences.append(f"size {len(data)} ≠ {entry['size']}")
        digests = actual.get(relative) or {}
        for algorithm in ALGORITHMS:
            digest = digests.get(algorithm) or bagfile.HASHERS[algorithm](data)
            if digest != entry[algorithm]:
                differences.append(f"{ALGORITHM_NAMES[algorithm]} differs")
        fmt = formats.sniff(data)
        if entry["format"] != fmt:
            differences.append(f"format {fmt.upper()} ≠ {entry['format'].upper()}")
        if differences:
            add(
                Finding(
                    AUTHENTICITY,
                    METADATA_MISMATCH,
                    relative,
                    "the content does not match the metadata: " + "; ".join(differences),
                )
            )
    content = {p for p in actual if p.startswith(CONTENT_DIR)}
    content |= (
        {
            p.relative_to(directory).as_posix()
            for p in (directory / CONTENT_DIR).rglob("*")
            if p.is_file()
        }
        if (directory / CONTENT_DIR).is_dir()
        else set()
    )
    for relative in sorted(content - described):
        add(
            Finding(
                AUTHENTICITY, METADATA_MISMATCH, relative, "content not described in the metadata"
            )
        )
    summary = ", ".join(sorted({e["format"].upper() for e in meta["files"]}))
    if meta["format"] != summary:
        add(
            Finding(
                AUTHENTICITY,
                METADATA_MISMATCH,
                METADATA_FILE,
                f"the format element says {meta['format']!r}, the files are {summary!r}",
            )
        )
    return meta


# --- the record -----------------------------------------------------------------------------


def _check_record(directory: Path, meta: dict | None, add) -> list[dict]:
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
    by_seq = {str(e["seq"]): e for e in events}
    for step in meta["steps"]:
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
    return events


def _check_checkpoints(directory: Path, events: list[dict], add) -> None:
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
