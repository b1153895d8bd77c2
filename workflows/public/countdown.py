"""How long a consultation still takes comments, as the public reads it: calendar days to the
closing date in Asia/Shanghai (第十四条: the period is stated in days; the closing date is the
day of ``closes_at`` there, as for the consultation's deadline).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Remaining:
    state: str  # "open", "today" or "closed"
    days: int  # calendar days to the closing date; 0 on it and after it

    @property
    def label(self) -> str:
        if self.state == "closed":
            return _("Closed")
        if self.state == "today":
            return _("Closes today")
        return ngettext("%(days)d day left", "%(days)d days left", self.days) % {"days": self.days}


def remaining(*, closes_at: datetime, at: datetime) -> Remaining:
    """``closed`` from ``closes_at`` on; ``today`` on the closing date before it; otherwise the
    number of calendar days from today to the closing date, both read in Asia/Shanghai."""
    if at >= closes_at:
        return Remaining("closed", 0)
    zone = timezone.get_default_timezone()
    days = (timezone.localdate(closes_at, zone) - timezone.localdate(at, zone)).days
    return Remaining("today", 0) if days <= 0 else Remaining("open", days)


def next_midnight(at: datetime) -> datetime:
    """The start of the next calendar day in Asia/Shanghai: when ``remaining`` next changes
    by itself."""
    zone = timezone.get_default_timezone()
    tomorrow = timezone.localdate(at, zone) + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
