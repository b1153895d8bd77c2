"""Writes of the archive: exports of packages, each one recorded (GB/T 18894-2016, DA/T 70-2018).

An export builds the subject's package (``package``: the same bytes every time the same sealed
subject is exported, holding nothing about the export that made it). The export itself is
recorded (``archive.exported``, naming the package's hash) and the export row keeps the time of
its own check.
"""

import datetime as dt
import logging
import shutil
import uuid
import zipfile
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.docxfiles import ZIP_EPOCH
from workflows.record.access import is_record_reader
from workflows.record.canonical import sha256_hex, sm3_hex
from workflows.record.selectors import SubjectKey
from workflows.record.services import ACTOR_SYSTEM, record_append, record_checkpoint

from . import conf, rules
from .check import CheckReport
from .models import ArchiveExport
from .package import ArchiveRefusal, Progress, archive_package_write
from .registry import ArchiveAdapter, archive_adapter, archive_adapter_for_model

logger = logging.getLogger(__name__)

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
    _export_done(
        export=export,
        subject=subject,
        report=report,
        tagmanifest=tagmanifest,
        package_path=package_path,
        download_sha256=download_sha256,
    )
    # The export event, like every event, is signed by the next checkpoint: now, rather than
    # at beat's next run, so that what the archive holds is vouched for at once.
    record_checkpoint()
    return export


@transaction.atomic
def _export_done(
    *,
    export: ArchiveExport,
    subject,
    report: CheckReport,
    tagmanifest: bytes,
    package_path: str,
    download_sha256: str,
) -> None:
    """Mark the export done with its package's hashes and check, and record it."""
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
