"""Working days for legal clocks: pure functions, no ORM, no clock.

Legal clocks counted in working days follow the State Council's yearly holiday notice, with
its make-up working days on weekends (调休); Xinjiang adds regional holidays (肉孜节, 古尔邦节)
announced every year, and a county may need to correct a single date (domain.md §4). The
national part comes from the ``chinese_calendar`` package; the regional part is an overlay
passed in by the caller (``workflows.clocks.selectors.calendar_for`` builds it from the
database).

A date the national calendar does not cover raises ``CalendarRangeError``: guessing that an
unknown year has no holidays would silently shorten legal periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

# The years for which the installed chinese_calendar release carries the State Council's
# holiday notice. A new year becomes available by upgrading the package.
FIRST_YEAR: int = min(chinese_calendar.holidays).year
LAST_YEAR: int = max(chinese_calendar.holidays).year

_ONE_DAY = timedelta(days=1)


class CalendarRangeError(ValueError):
    """A date outside the years whose official holiday schedule is known."""

    def __init__(self, day: date, first_year: int, last_year: int):
        self.day = day
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(
            f"No official holiday schedule for {day.isoformat()}: the working-day calendar "
            f"covers {first_year}-01-01 to {last_year}-12-31. Upgrade the chinesecalendar "
            f"package once the State Council has published the holiday notice for {day.year}."
        )


@dataclass(frozen=True)
class WorkCalendar:
    """The national holiday schedule plus one jurisdiction's overlay.

    ``holidays`` are extra non-working days (a regional holiday such as 肉孜节, or a date
    corrected to non-working); ``working_days`` are dates forced to be working days (a
    correction, e.g. a regional make-up day). A date may not be in both.
    """

    name: str = "national"
    holidays: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR

    def __post_init__(self) -> None:
        # Accept any iterable of dates but keep the object hashable and immutable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        both = self.holidays & self.working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"Dates both holiday and working day in {self.name}: {listed}")
        if not (FIRST_YEAR <= self.first_year <= self.last_year <= LAST_YEAR):
            raise ValueError(
                f"Calendar range {self.first_year}-{self.last_year} lies outside the national "
                f"data {FIRST_YEAR}-{LAST_YEAR}"
            )

    @classmethod
    def build(
        cls,
        *,
        name: str = "national",
        holidays: Iterable[date] = (),
        working_days: Iterable[date] = (),
    ) -> WorkCalendar:
        return cls(name=name, holidays=frozenset(holidays), working_days=frozenset(working_days))

    def check(self, day: date) -> None:
        if not (self.first_year <= day.year <= self.last_year):
            raise CalendarRangeError(day, self.first_year, self.last_year)


NATIONAL = WorkCalendar()


def is_working_day(day: date, *, calendar: WorkCalendar) -> bool:
    """True when government offices work on ``day`` (national schedule, then the overlay).

    The overlay wins over the national schedule: it records what the regional government
    announced for that very date.
    """
    calendar.check(day)
    if day in calendar.working_days:
        return True
    if day in calendar.holidays:
        return False
    return chinese_calendar.is_workday(day)


def next_working_day(day: date, *, calendar: WorkCalendar) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day, calendar=calendar):
        day += _ONE_DAY
    return day


def _check_amount(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"A legal period is a whole number of days ≥ 1, not {n!r}")


def add_working_days(start: date, n: int, *, calendar: WorkCalendar) -> date:
    """The n-th working day after ``start``; ``start`` itself is never counted.

    Implements periods "in working days" (e.g. legality review ≥ 7 working days,
    《重大行政决策程序暂行条例》第二十六条 as read in domain.md §1 row 7): weekends and public
    holidays are skipped and 调休 make-up Saturdays and Sundays count (domain.md §4).
    """
    _check_amount(n)
    day = start
    while n:
        day += _ONE_DAY
        if is_working_day(day, calendar=calendar):
            n -= 1
    return day


def working_days_before(day: date, n: int, *, calendar: WorkCalendar) -> date:
    """The n-th working day before ``day`` (``day`` not counted): when a reminder is due."""
    _check_amount(n)
    while n:
        day -= _ONE_DAY
        if is_working_day(day, calendar=calendar):
            n -= 1
    return day


def add_calendar_days(start: date, n: int, *, calendar: WorkCalendar) -> date:
    """``start`` + n days; a period whose last day is not a working day ends on the next one.

    Implements periods "in days" (e.g. public comment ≥ 30 days, filing within 30 days of
    publication) with the practice rule of domain.md §4 [practice]: "A 'days' clock that ends
    on a non-working day moves to the next working day".
    """
    _check_amount(n)
    return next_working_day(start + timedelta(days=n), calendar=calendar)


def count_working_days(start: date, end: date, *, calendar: WorkCalendar) -> int:
    """The number of working days in (start, end]: how long a review actually had."""
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day, calendar=calendar):
            count += 1
    return count
