"""Legal clocks: jurisdictions and their calendars (``calendar``), deadlines, reminders and
notifications (``deadlines``). Import from here; the submodules are the implementation."""

from .calendar import (
    DEFAULT_JURISDICTION_NAME,
    CalendarOverlay,
    CalendarYear,
    CalendarYearDay,
    DeadlineRuleOverride,
    Jurisdiction,
    PeriodUnit,
    RegionalHolidayYear,
)
from .deadlines import CalendarNoticeReminder, Deadline, Notification, Reminder

__all__ = [
    "DEFAULT_JURISDICTION_NAME",
    "CalendarNoticeReminder",
    "CalendarOverlay",
    "CalendarYear",
    "CalendarYearDay",
    "Deadline",
    "DeadlineRuleOverride",
    "Jurisdiction",
    "Notification",
    "PeriodUnit",
    "RegionalHolidayYear",
    "Reminder",
]
