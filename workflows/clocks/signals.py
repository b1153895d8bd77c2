"""Keep cached calendars honest: any overlay or national notice change bumps the version.

Every jurisdiction is bumped, not only the edited row's: an overlay row moved from one
jurisdiction to another must invalidate both, a national notice belongs to every
jurisdiction's calendar, and there are only a handful of rows here. The bump is written in the
same transaction as the change, so a process never caches new data under an old version for
longer than one call.

The new version is random rather than the old one plus one: a rolled-back change (an admin
save that failed late, a test) would otherwise hand the same number to the next change, and a
process that cached the rolled-back data under that number would keep it.
"""

import secrets

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import (
    CalendarOverlay,
    CalendarYear,
    CalendarYearDay,
    DeadlineRuleOverride,
    Jurisdiction,
)
from .selectors import clock_reads_forget

# Sent with ``deadline=`` when a clock that awaited a holiday notice gets its due date, inside
# the transaction that stores it: a domain app that copies a due date onto its own rows (a
# review's "due on") updates them here, so the copy and the clock commit together.
deadline_computed = Signal()
# Sent with ``deadlines=`` (the rows just inserted) when clocks are opened, inside the
# transaction that inserts them: opening inserts without model signals (``opening``), and the
# inbox keeps the tasks a clock dates (``workflows.inbox.undated``).
deadlines_opened = Signal()


@receiver(post_save, sender=CalendarOverlay, dispatch_uid="clocks_overlay_saved")
@receiver(post_delete, sender=CalendarOverlay, dispatch_uid="clocks_overlay_deleted")
@receiver(post_save, sender=CalendarYear, dispatch_uid="clocks_calendar_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="clocks_calendar_year_deleted")
@receiver(post_save, sender=CalendarYearDay, dispatch_uid="clocks_calendar_day_saved")
@receiver(post_delete, sender=CalendarYearDay, dispatch_uid="clocks_calendar_day_deleted")
def calendar_version_bump(**kwargs) -> None:
    Jurisdiction.objects.update(calendar_version=secrets.randbelow(2**31 - 2) + 1)
    clock_reads_forget()


@receiver(post_save, sender=Jurisdiction, dispatch_uid="clocks_jurisdiction_saved")
@receiver(post_delete, sender=Jurisdiction, dispatch_uid="clocks_jurisdiction_deleted")
@receiver(post_save, sender=DeadlineRuleOverride, dispatch_uid="clocks_rule_override_saved")
@receiver(post_delete, sender=DeadlineRuleOverride, dispatch_uid="clocks_rule_override_deleted")
def clock_reads_changed(**kwargs) -> None:
    """A task action that changes a jurisdiction or an override reads them afresh."""
    clock_reads_forget()
