"""Archive exports in the background: large subjects take a while, and the page shows progress."""

import datetime as dt

from celery import shared_task

# A run that has shown no end for this long is taken to have died with its worker.
STALE_AFTER = dt.timedelta(hours=1)


@shared_task
def archive_export(export_id: int) -> str:
    """Build the package of one queued export. Harmless twice: only the run that claims the row
    builds; a redelivered message finds it claimed or done and returns."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ArchiveExport
    from .services import ArchiveRefusal, archive_export_claim, archive_export_run

    # A long-lived worker caches content-type ids; a database re-created under it (test runs
    # flush it) would make the record point at ids that no longer exist. One query per export.
    ContentType.objects.clear_cache()
    export = ArchiveExport.objects.filter(pk=export_id).first()
    if export is None or not archive_export_claim(export, stale_after=STALE_AFTER):
        return "skipped"
    try:
        archive_export_run(export=export, as_zip=True)
    except ArchiveRefusal:
        return "refused"  # recorded on the row and in the record; retrying changes nothing
    return "done"
