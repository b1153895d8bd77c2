"""The package of one subject, written to disk: a BagIt folder (RFC 8493) holding the subject's
files, its record excerpt with the signed checkpoints covering it, its metadata (DA/T 46) and
its four-property check (DA/T 70-2018); GB/T 18894-2016.

A package is the same bytes every time the same sealed subject is exported: two copies can be
compared (``diff -r``) to prove that nothing changed. So a package holds nothing about the
export that made it: its record excerpt leaves out the archive's own events about the subject
(``archive.*``: exports, downloads, legal holds, disposals of copies), which describe copies of
the package rather than the subject's business; its bag-info is dated by the last event it
holds (not by the day of export) and names no export; its check report names the subject, not
the folder, and no time; generated documents are dated by their act (``workflows.docxfiles``).
"""

import dataclasses
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.record.canonical import iso_utc, sha256_hex, sm3_hex
from workflows.record.selectors import checkpoints_covering, events_for
from workflows.record.services import record_checkpoint
from workflows.record.verify import record_verify

from . import bag as bagfile
from . import conf, formats
from .check import CHECKPOINTS_FILE, REPORT_JSON, REPORT_TEXT, CheckReport, package_check
from .metadata import ArchiveMetadata, FileEntry, ProcessStep, RecordChain, metadata_xml
from .models import ArchiveExport
from .recordfile import checkpoints_json, event_line, record_jsonl
from .registry import ArchiveAdapter

# Events with this prefix are the archive's bookkeeping about copies of a subject's package;
# the package does not hold them (see the module docstring).
ARCHIVE_ACTION_PREFIX = "archive."

Progress = Callable[[int, str], None]


class ArchiveRefusal(Exception):
    """The subject may not be exported, or the copy may not be disposed of; the message says why."""


def archive_package_write(
    *,
    adapter: ArchiveAdapter,
    subject: models.Model,
    directory: Path,
    export: ArchiveExport | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Write the BagIt package of ``subject`` into ``directory`` (created; must be empty) and
    return its four-property check, which the package also carries as JSON and text."""
    progress = progress or (lambda percent, note: None)
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ArchiveRefusal(_("%(dir)s is not empty.") % {"dir": directory})
    directory.mkdir(parents=True, exist_ok=True)

    progress(5, "collect")
    description = adapter.describe(subject)
    retention = conf.retention_for(adapter.record_class)
    entries = _content_write(directory, files=list(adapter.content(subject)), progress=progress)

    progress(65, "record")
    events = package_events(subject)
    verification = record_verify(subject=subject)
    _record_write(directory, events)
    meta = _package_metadata(
        adapter=adapter,
        subject=subject,
        description=description,
        retention=retention,
        events=events,
        verified=verification.ok,
        entries=entries,
    )
    (directory / "metadata.xml").write_bytes(metadata_xml(meta))

    progress(80, "manifests")
    # Dated by the last event the package holds, not by the day of export (RFC 8493 lets the
    # bagger set Bagging-Date); no export number: the export is in the record, not the package.
    bagged_on = timezone.localdate(events[-1].at) if events else description.date
    bagfile.bag_make(
        directory,
        bag_info={
            "Source-Organization": description.responsible_party,
            "External-Identifier": meta.identifier,
            "External-Description": description.title,
            "Bagging-Date": bagged_on.isoformat(),
            "Bag-Software-Agent": "Fazhi workflows.archive",
        },
    )

    progress(90, "check")
    report = package_check(directory)
    # The copy in the package names the subject and no time; the export row keeps both.
    carried = dataclasses.replace(report, package=meta.identifier, checked_at="")
    (directory / REPORT_JSON).write_bytes(carried.as_json())
    (directory / REPORT_TEXT).write_text(carried.as_text(), encoding="utf-8")
    bagfile.bag_tags_refresh(directory)
    return report


def _content_write(directory: Path, *, files: list, progress: Progress) -> list[FileEntry]:
    """Write the subject's files under ``content/``, refusing one that no longer matches the
    SHA-256 captured when it was received; returns their metadata entries."""
    entries = []
    for number, content in enumerate(files, 1):
        name = _safe_name(content.name)
        if content.captured_sha256 and sha256_hex(content.data) != content.captured_sha256:
            raise ArchiveRefusal(
                _("%(name)s no longer matches the SHA-256 captured when it was received.")
                % {"name": content.name}
            )
        target = directory / "content" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.data)
        entries.append(
            FileEntry(
                path=f"content/{name}",
                title=content.title,
                format=formats.sniff(content.data),
                size=len(content.data),
                sha256=sha256_hex(content.data),
                sm3=sm3_hex(content.data),
            )
        )
        progress(5 + int(55 * number / max(len(files), 1)), f"content {number}/{len(files)}")
    return entries


def _record_write(directory: Path, events: list) -> None:
    """Write the record excerpt and the signed checkpoints covering it."""
    lines = [event_line(e) for e in events]
    (directory / "record.jsonl").write_bytes(record_jsonl(lines))
    (directory / PurePosixPath(CHECKPOINTS_FILE).name).write_bytes(
        checkpoints_json(c.as_dict() for c in _checkpoints_for(events))
    )


def _package_metadata(
    *,
    adapter: ArchiveAdapter,
    subject: models.Model,
    description,
    retention,
    events: list,
    verified: bool,
    entries: list[FileEntry],
) -> ArchiveMetadata:
    """The package's metadata (DA/T 46): the subject's description and retention, its process
    steps from the record, its files, and the record chain it holds."""
    return ArchiveMetadata(
        identifier=f"{adapter.record_class}:{subject.pk}",
        record_class=adapter.record_class,
        title=description.title,
        document_number=description.document_number,
        responsible_party=description.responsible_party,
        date=description.date,
        retention_code=retention.code,
        retention_label=retention.label_zh,
        retention_source=retention.legal_source,
        classification_level=description.classification_level,
        steps=[
            ProcessStep(seq=e.seq, actor=e.actor_label, action=e.action, at=iso_utc(e.at))
            for e in events
        ],
        files=entries,
        record_chain=RecordChain(
            events=len(events),
            first_seq=events[0].seq if events else None,
            last_seq=events[-1].seq if events else None,
            first_hash=events[0].hash if events else "",
            last_hash=events[-1].hash if events else "",
            verified_at_export=verified,
        ),
        extra=dict(description.extra),
    )


def package_events(subject: models.Model) -> list:
    """The subject's events a package holds: all but the archive's own (``archive.*``)."""
    return [
        event for event in events_for(subject) if not event.action.startswith(ARCHIVE_ACTION_PREFIX)
    ]


def _checkpoints_for(events: list) -> list:
    """The signed checkpoints covering ``events``; when none covers the last one yet, one is
    written first. Exporting the same events again finds the same checkpoints."""
    seqs = [event.seq for event in events]
    checkpoints = checkpoints_covering(seqs)
    if seqs and (not checkpoints or checkpoints[-1].seq < max(seqs)):
        record_checkpoint()
        checkpoints = checkpoints_covering(seqs)
    return checkpoints


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveRefusal(_("Unsafe file name %(name)s.") % {"name": name})
    return path.as_posix()
