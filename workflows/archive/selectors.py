"""Reads for the archivist's pages."""

from django.db.models import QuerySet
from django.http import Http404

from workflows.record.access import is_record_reader

from .models import ArchiveExport, LegalHold
from .registry import archive_adapters


def may_archive(user) -> bool:
    """Archivists (and administrators, superusers) read every record and export packages."""
    return is_record_reader(user)


def exports_recent(*, limit: int = 50) -> QuerySet[ArchiveExport]:
    return ArchiveExport.objects.select_related("requested_by", "content_type")[:limit]


def export_get_for_user(*, user, pk: int) -> ArchiveExport:
    """The export, or 404 for anyone who may not archive (as if it did not exist)."""
    if not may_archive(user):
        raise Http404
    try:
        return ArchiveExport.objects.select_related("requested_by").get(pk=pk)
    except (ArchiveExport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def exportable_subjects(*, limit: int = 200) -> list[dict]:
    """Per adapter, the subjects an archivist may export now (sealed or final)."""
    return [
        {"adapter": adapter, "subjects": list(adapter.exportable()[:limit])}
        for adapter in archive_adapters().values()
    ]


def holds_active() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at=None)
