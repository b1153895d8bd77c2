"""Keep cached calendars honest: any overlay change bumps the calendar version.

Every jurisdiction is bumped, not only the edited row's: an overlay row moved from one
jurisdiction to another must invalidate both, and there are only a handful of rows here.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarOverlay, Jurisdiction


@receiver(post_save, sender=CalendarOverlay, dispatch_uid="clocks_overlay_saved")
@receiver(post_delete, sender=CalendarOverlay, dispatch_uid="clocks_overlay_deleted")
def calendar_version_bump(**kwargs) -> None:
    Jurisdiction.objects.update(calendar_version=F("calendar_version") + 1)
