"""Legal holds and the disposal of exported copies (retention, GB/T 18894-2016)."""

import datetime as dt
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.record.selectors import SubjectKey
from workflows.record.services import record_append

from . import conf, rules
from .models import ArchiveExport, LegalHold
from .services import ArchiveRefusal, require_archivist


def _key(subject: models.Model) -> tuple[ContentType, str]:
    return ContentType.objects.get_for_model(subject), str(subject.pk)


def is_on_legal_hold(subject: models.Model) -> bool:
    content_type, object_id = _key(subject)
    return LegalHold.objects.filter(
        content_type=content_type, object_id=object_id, released_at=None
    ).exists()


@transaction.atomic
def legal_hold_place(*, subject: models.Model, by, reason: str) -> LegalHold:
    """Put ``subject`` on legal hold: nothing about it is disposed of until it is released."""
    require_archivist(by)
    if not reason.strip():
        raise ArchiveRefusal(_("Give the reason for the hold."))
    content_type, object_id = _key(subject)
    existing = LegalHold.objects.filter(
        content_type=content_type, object_id=object_id, released_at=None
    ).first()
    if existing:
        return existing
    hold = LegalHold.objects.create(
        content_type=content_type,
        object_id=object_id,
        subject_label=str(subject)[:500],
        reason=reason.strip(),
        placed_by=by,
        placed_at=timezone.now(),
    )
    record_append(
        actor=by, action="archive.legal_hold_placed", subject=subject, payload={"reason": reason}
    )
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, by, reason: str) -> LegalHold:
    require_archivist(by)
    if not reason.strip():
        raise ArchiveRefusal(_("Give the reason for the release."))
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at:
        return hold
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), by, reason.strip()
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    record_append(
        actor=by,
        action="archive.legal_hold_released",
        subject=SubjectKey(hold.content_type, hold.object_id),
        payload={"hold": hold.pk, "reason": hold.release_reason},
    )
    return hold


@transaction.atomic
def archive_export_dispose(*, export: ArchiveExport, by, today: dt.date | None = None):
    """Dispose of an exported copy whose retention period has run out.

    Only the copy goes: the sealed record in the database is never deleted (guards.py), and the
    export row stays as the evidence of the transfer. Refused under a legal hold.
    """
    require_archivist(by)
    export = ArchiveExport.objects.select_for_update().get(pk=export.pk)
    held = LegalHold.objects.filter(
        content_type=export.content_type, object_id=export.object_id, released_at=None
    ).exists()
    refusal = rules.disposal_refusal(
        retention_code=export.retention_code,
        kept_until=export.kept_until,
        today=today or timezone.localdate(),
        on_hold=held,
    )
    if refusal:
        raise ArchiveRefusal(
            {
                "legal_hold": _("The subject is on legal hold: nothing about it is disposed of."),
                "permanent": _("The record is kept permanently."),
                "retention_running": _("The retention period has not run out."),
            }[refusal]
        )
    path = Path(export.package_path) if export.package_path else None
    root = conf.archive_root().resolve()
    if path and path.is_file() and path.resolve().is_relative_to(root):
        path.unlink()
    export.status = ArchiveExport.Status.DISPOSED
    export.disposed_at, export.disposed_by = timezone.now(), by
    export.save(update_fields=["status", "disposed_at", "disposed_by"])
    record_append(
        actor=by,
        action="archive.copy_disposed",
        subject=SubjectKey(export.content_type, export.object_id),
        payload={"export": export.pk},
    )
    return export
