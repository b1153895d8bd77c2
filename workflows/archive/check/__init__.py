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

The checks are grouped by what they read: ``fixity`` (the BagIt structure and the
manifests), ``usability`` (formats, opening, executable content), ``metadata`` (the DA/T 46
metadata against the content) and ``record`` (the record excerpt and its signed checkpoints).
"""

import datetime as dt
from pathlib import Path

from ..findings import (
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
from .fixity import check_manifests, check_structure
from .metadata import check_metadata
from .record import check_checkpoints, check_record
from .usability import check_formats_and_safety

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
    check_structure(directory, add)
    actual = check_manifests(directory, add)
    report.files = len(actual)
    check_formats_and_safety(directory, add)
    meta = check_metadata(directory, actual, add)
    events = check_record(directory, meta, add)
    check_checkpoints(directory, events, add)
    return report
