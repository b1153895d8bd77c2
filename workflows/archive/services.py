"""Writes of the archive: exports of packages, each one recorded (GB/T 18894-2016, DA/T 70-2018).

A package is the same bytes every time the same sealed subject is exported: two copies can be
compared (``diff -r``) to prove that nothing changed. So a package holds nothing about the
export that made it: its record excerpt leaves out the archive's own events about the subject
(``archive.*``: exports, downloads, legal holds, disposals of copies), which describe copies of
the package rather than the subject's business; its bag-info is dated by the last event it
holds (not by the day of export) and names no export; its check report names the subject, not
the folder, and no time; generated documents are dated by their act (``workflows.docxfiles``).
The export itself is recorded (``archive.exported``, naming the package's hash) and the export
row keeps the time of its own check.
"""

import dataclasses
import datetime as dt
import logging
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.docxfiles import ZIP_EPOCH
from workflows.record.access import is_record_reader
from workflows.record.canonical import iso_utc, sha256_hex, sm3_hex
from workflows.record.selectors import SubjectKey, checkpoints_covering, events_for
from workflows.record.services import ACTOR_SYSTEM, record_append, record_checkpoint
from workflows.record.verify import record_verify

from . import bag as bagfile
from . import conf, formats, rules
from .check import CHECKPOINTS_FILE, REPORT_JSON, REPORT_TEXT, CheckReport, package_check
from .metadata import ArchiveMetadata, FileEntry, ProcessStep, RecordChain, metadata_xml
from .models import ArchiveExport
from .recordfile import checkpoints_json, event_line, record_jsonl
from .registry import ArchiveAdapter, archive_adapter, archive_adapter_for_model

logger = logging.getLogger(__name__)

# Events with this prefix are the archive's bookkeeping about copies of a subject's package;
# the package does not hold them (see the module docstring).
ARCHIVE_ACTION_PREFIX = "archive."

Progress = Callable[[int, str], None]


class ArchiveRefusal(Exception):
    """The subject may not be exported, or the copy may not be disposed of; the message says why."""


# --- exports --------------------------------------------------------------------------------


def require_archivist(by) -> None:
    if by != ACTOR_SYSTEM and not is_record_reader(by):
        raise PermissionDenied(_("Only archivists export and dispose of archive packages."))


def archive_subject_load(*, kind: str, object_id) -> tuple[ArchiveAdapter, models.Model]:
    """The adapter and the subject, or ArchiveRefusal when either does not exist."""
    try:
        adapter = archive_adapter(kind)
    except LookupError as error:
        raise ArchiveRefusal(str(error)) from None
    try:
        subject = adapter.model._default_manager.get(pk=object_id)
    except (adapter.model.DoesNotExist, ValueError, TypeError):
        raise ArchiveRefusal(
            _("There is no %(kind)s %(id)s.") % {"kind": kind, "id": object_id}
        ) from None
    return adapter, subject


@transaction.atomic
def archive_export_request(*, kind: str, object_id, by) -> ArchiveExport:
    """Queue an export of one subject; refused unless the subject is sealed or final."""
    require_archivist(by)
    adapter, subject = archive_subject_load(kind=kind, object_id=object_id)
    refusal = adapter.refusal(subject)
    if refusal:
        raise ArchiveRefusal(refusal)
    retention = conf.retention_for(adapter.record_class)
    description = adapter.describe(subject)
    return ArchiveExport.objects.create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        subject_label=str(subject)[:500],
        requested_by=None if by == ACTOR_SYSTEM else by,
        requested_at=timezone.now(),
        retention_code=retention.code,
        kept_until=rules.retention_until(
            retention_code=retention.code, years=retention.years, since=description.date
        ),
    )


def archive_export_claim(export: ArchiveExport, *, stale_after: dt.timedelta) -> bool:
    """Take the export for this run; False when another run has it (or it is finished).

    A run that died mid-way (worker killed, message redelivered) leaves it running; after
    ``stale_after`` another run may take it over.
    """
    now = timezone.now()
    claimed = ArchiveExport.objects.filter(
        Q(status=ArchiveExport.Status.QUEUED)
        | Q(status=ArchiveExport.Status.RUNNING, started_at__lt=now - stale_after),
        pk=export.pk,
    ).update(status=ArchiveExport.Status.RUNNING, started_at=now, progress=0)
    return claimed == 1


def _progress_setter(export: ArchiveExport) -> Progress:
    def set_progress(percent: int, note: str) -> None:
        # Outside any transaction, so the page polling it sees each step.
        ArchiveExport.objects.filter(pk=export.pk).update(progress=percent, progress_note=note)

    return set_progress


def archive_export_run(
    *, export: ArchiveExport, directory: Path | None = None, as_zip: bool = False
) -> ArchiveExport:
    """Build the package of a claimed export into ``directory`` (or, with ``as_zip``, into a zip
    under FAZHI_ARCHIVE_ROOT for download), check it, and record the export.

    On failure the export is marked failed, the failure recorded, and the error re-raised.
    """
    progress = _progress_setter(export)
    adapter, subject = archive_subject_load(kind=export.kind, object_id=export.object_id)
    # A fresh folder per run: a redelivered run never builds into a half-built package.
    run = uuid.uuid4().hex[:12]
    work = directory or conf.archive_root() / "work" / run / _package_name(export)
    try:
        refusal = adapter.refusal(subject)
        if refusal:
            raise ArchiveRefusal(refusal)
        report = archive_package_write(
            adapter=adapter, subject=subject, directory=work, export=export, progress=progress
        )
        tagmanifest = (work / "tagmanifest-sha256.txt").read_bytes()
        package_path, download_sha256 = str(work), ""
        if as_zip:
            progress(97, "zip")
            zip_path = conf.archive_root() / f"{export.pk}-{run}" / f"{_package_name(export)}.zip"
            _zip(work, zip_path)
            package_path = str(zip_path)
            download_sha256 = sha256_hex(zip_path.read_bytes())
    except Exception as error:
        _export_failed(export=export, subject=subject, error=error)
        raise
    finally:
        if as_zip:
            shutil.rmtree(work.parent, ignore_errors=True)
    with transaction.atomic():
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ArchiveExport.Status.DONE,
            progress=100,
            progress_note="done",
            finished_at=timezone.now(),
            package_path=package_path,
            package_sha256=sha256_hex(tagmanifest),
            package_sm3=sm3_hex(tagmanifest),
            download_sha256=download_sha256,
            check_passed=report.ok,
            check_report=report.as_dict(),
            error="",
        )
        export.refresh_from_db()
        record_append(
            actor=export.requested_by or ACTOR_SYSTEM,
            action="archive.exported",
            subject=subject,
            payload={
                "export": export.pk,
                "package_sha256": export.package_sha256,
                "package_sm3": export.package_sm3,
                "check_passed": report.ok,
                "retention": export.retention_code,
            },
        )
    # The export event, like every event, is signed by the next checkpoint: now, rather than
    # at beat's next run, so that what the archive holds is vouched for at once.
    record_checkpoint()
    return export


def _export_failed(*, export: ArchiveExport, subject, error: Exception) -> None:
    logger.warning("Archive export %s failed: %s", export.pk, error)
    with transaction.atomic():
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ArchiveExport.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        record_append(
            actor=export.requested_by or ACTOR_SYSTEM,
            action="archive.export_failed",
            subject=subject,
            payload={"export": export.pk, "error": str(error)[:500]},
        )


def archive_export_now(*, kind: str, object_id, by, directory: Path) -> ArchiveExport:
    """Request, claim and run one export synchronously (the command line)."""
    export = archive_export_request(kind=kind, object_id=object_id, by=by)
    archive_export_claim(export, stale_after=dt.timedelta(0))
    return archive_export_run(export=export, directory=directory)


def _package_name(export: ArchiveExport) -> str:
    return f"{export.kind}-{export.object_id}-export-{export.pk}"


def _zip(directory: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                # Fixed timestamps: the zip's bytes depend only on the files and the folder name.
                info = zipfile.ZipInfo(
                    f"{directory.name}/{path.relative_to(directory).as_posix()}",
                    date_time=ZIP_EPOCH,
                )
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    partial.replace(zip_path)  # a half-written zip is never offered for download


# --- the package ----------------------------------------------------------------------------


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
    files = list(adapter.content(subject))
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

    progress(65, "record")
    events = package_events(subject)
    verification = record_verify(subject=subject)
    lines = [event_line(e) for e in events]
    (directory / "record.jsonl").write_bytes(record_jsonl(lines))
    (directory / PurePosixPath(CHECKPOINTS_FILE).name).write_bytes(
        checkpoints_json(c.as_dict() for c in _checkpoints_for(events))
    )
    meta = ArchiveMetadata(
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
            verified_at_export=verification.ok,
        ),
        extra=dict(description.extra),
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


def archive_adapter_of(subject: models.Model) -> ArchiveAdapter | None:
    return archive_adapter_for_model(type(subject))


@transaction.atomic
def archive_export_downloaded(*, export: ArchiveExport, by) -> None:
    """Record who took a copy of the package out of the system (a controlled transfer)."""
    require_archivist(by)
    record_append(
        actor=by,
        action="archive.package_downloaded",
        subject=SubjectKey(export.content_type, export.object_id),
        payload={"export": export.pk, "download_sha256": export.download_sha256},
    )
