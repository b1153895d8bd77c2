"""The light of an inbox item: how many working days are left before its due date, counted on
the working-day calendar of its clock's jurisdiction (domain.md §4), as a colour and in words."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext, ngettext

from ..calendar import CalendarRangeError, count_working_days
from .types import InboxItem


@dataclass(frozen=True)
class DueLight:
    """How close an item is to its due date, in working days (domain.md §4): ``colour`` green
    (more than 3 working days left), amber (0 to 3: due today counts 0) or red (overdue), or
    "awaiting" when the days cannot be counted until a year's holiday notice is entered.
    ``label`` says the same in words: the colour is never the only sign."""

    colour: str
    label: str
    days: int | None = None


AMBER_WORKING_DAYS = 3


def due_light(
    item: InboxItem, *, today: date, calendars: dict, default_calendar
) -> DueLight | None:
    """The light of ``item`` on ``today`` (Asia/Shanghai), counted on the working-day calendar
    of its clock's jurisdiction (``calendars``: id → ``WorkCalendar``); None when it has no
    due date and awaits nothing."""
    if item.due is None:
        if item.awaiting:
            return DueLight(
                "awaiting",
                gettext("Awaiting the %(year)s holiday notice") % {"year": item.awaiting},
            )
        return None
    if item.due < today:
        return DueLight("red", gettext("Overdue"))
    calendar = calendars.get(item.jurisdiction_id, default_calendar)
    try:
        left = count_working_days(today, item.due, calendar=calendar)
    except CalendarRangeError as error:
        return DueLight(
            "awaiting", gettext("Awaiting the %(year)s holiday notice") % {"year": error.year}
        )
    label = ngettext("%(days)d working day left", "%(days)d working days left", left) % {
        "days": left
    }
    return DueLight("green" if left > AMBER_WORKING_DAYS else "amber", label, left)
