"""Working days for legal clocks: pure functions, no ORM, no clock.

Legal clocks counted in working days follow the State Council's yearly holiday notice, with
its make-up working days on weekends (调休); Xinjiang adds regional holidays (肉孜节, 古尔邦节)
announced every year, and a county may need to correct a single date (domain.md §4).

The national part comes from two sources, never mixed for one year:

* the ``chinese_calendar`` package, for the years its release carries (``package_years()``);
* for a later year, the notice an administrator entered in the admin
  (``workflows.clocks.models.CalendarYear``), handed in as a ``NationalYear``. The package
  wins: an entered year the package already knows is refused here, so data typed in by hand
  can never silently replace the published schedule.

The regional part is an overlay applied on top of either source. Both are passed in by the
caller (``workflows.clocks.selectors.calendar_for`` builds them from the database).

A date in a year neither source knows raises ``CalendarRangeError``: guessing that an unknown
year has no holidays would silently shorten legal periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
from django.conf import settings
from django.utils.translation import gettext

# The years for which the installed chinese_calendar release carries the State Council's
# holiday notice. A later year becomes available by entering its notice in the admin, or by
# upgrading the package.
FIRST_YEAR: int = min(chinese_calendar.holidays).year
INSTALLED_LAST_YEAR: int = max(chinese_calendar.holidays).year


def package_last_year() -> int:
    """The last year whose schedule is taken from the package.

    Normally the last year the installed release carries. ``FAZHI_HOLIDAY_PACKAGE_UNTIL``
    lowers it: an operator who has not checked a new release against the notice yet, and the
    test suite, which must behave the same whichever release is installed (a test that needs
    "next year is unknown" says which year that is, instead of depending on the package).
    """
    until = getattr(settings, "FAZHI_HOLIDAY_PACKAGE_UNTIL", None)
    return (
        INSTALLED_LAST_YEAR
        if until is None
        else max(FIRST_YEAR, min(int(until), INSTALLED_LAST_YEAR))
    )


def package_years() -> frozenset[int]:
    """The years taken from the chinese_calendar package (see ``package_last_year``)."""
    return frozenset(range(FIRST_YEAR, package_last_year() + 1))


_ONE_DAY = timedelta(days=1)


def _spans(years: Iterable[int]) -> list[tuple[int, int]]:
    """Contiguous runs of years: {2004, …, 2026, 2027, 2029} → [(2004, 2027), (2029, 2029)]."""
    spans: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if spans and spans[-1][1] == year - 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans


class CalendarRangeError(ValueError):
    """A date in a year whose official holiday schedule is not known.

    The message says what to do: an administrator enters that year's State Council notice in
    the admin. It is translated when shown (``str(error)``), in the reader's language.
    """

    def __init__(self, day: date, known_years: Iterable[int] | None = None):
        self.day = day
        if known_years is None:
            known_years = package_years()
        self.known_years = tuple(sorted(set(known_years)))
        # The contiguous span that starts with the package: kept for callers that need one
        # bound (e.g. the reminder sweep).
        last = package_last_year()
        span = next((s for s in _spans(self.known_years) if s[0] <= last <= s[1]), None)
        self.first_year, self.last_year = span or (FIRST_YEAR, last)
        super().__init__(day, self.known_years)

    @property
    def year(self) -> int:
        """The year whose holiday notice is missing."""
        return self.day.year

    def __reduce__(self):
        # Exceptions cross process boundaries (Celery results): rebuild from our own arguments.
        return (type(self), (self.day, self.known_years))

    def __str__(self) -> str:
        covered = gettext(", ").join(
            gettext("%(first)s to %(last)s") % {"first": f"{a}-01-01", "last": f"{b}-12-31"}
            for a, b in _spans(self.known_years)
        )
        return gettext(
            "No official holiday schedule for %(day)s: the working-day calendar covers "
            "%(covered)s. An administrator must enter the State Council's holiday notice for "
            "%(year)s (every holiday and make-up working day) in the admin under "
            "“Deadlines and reminders → National holiday notices” and mark it complete; "
            "then try again."
        ) % {"day": self.day.isoformat(), "covered": covered, "year": self.day.year}


@dataclass(frozen=True)
class NationalYear:
    """One year of the State Council's holiday notice, as entered by an administrator.

    In such a year a day is a working day when it is Monday to Friday and not in
    ``holidays``, or when it is in ``working_days`` (a make-up working day, 调休) — the same
    reading the package applies to the years it carries.
    """

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    # The notice it comes from, e.g. "国务院办公厅关于2027年部分节假日安排的通知".
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        if self.year in package_years():
            raise ValueError(
                f"{self.year} is published in the chinesecalendar package "
                f"({FIRST_YEAR}-{package_last_year()}); an entered notice may not replace it"
            )
        stray = sorted(d for d in self.holidays | self.working_days if d.year != self.year)
        if stray:
            listed = ", ".join(d.isoformat() for d in stray)
            raise ValueError(f"Dates outside {self.year} in its notice: {listed}")
        both = self.holidays & self.working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"Dates both holiday and working day in {self.year}: {listed}")

    def is_working_day(self, day: date) -> bool:
        return day in self.working_days or (day.weekday() < 5 and day not in self.holidays)


@dataclass(frozen=True)
class WorkCalendar:
    """The national holiday schedule plus one jurisdiction's overlay.

    ``holidays`` are extra non-working days (a regional holiday such as 肉孜节, or a date
    corrected to non-working); ``working_days`` are dates forced to be working days (a
    correction, e.g. a regional make-up day). A date may not be in both. ``national_years``
    are the years after the package's that an administrator entered (``NationalYear``).
    """

    name: str = "national"
    holidays: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    national_years: tuple[NationalYear, ...] = ()
    # The years taken from the package, fixed when the calendar is built.
    package_years: frozenset[int] = field(default_factory=package_years)
    _entered: dict[int, NationalYear] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Accept any iterable but keep the object hashable and immutable.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        years = tuple(sorted(self.national_years, key=lambda y: y.year))
        object.__setattr__(self, "national_years", years)
        both = self.holidays & self.working_days
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"Dates both holiday and working day in {self.name}: {listed}")
        entered = {y.year: y for y in years}
        if len(entered) != len(years):
            raise ValueError(f"A year is given twice in the national data of {self.name}")
        object.__setattr__(self, "package_years", frozenset(self.package_years))
        # NationalYear itself refuses package years; checked again for hand-made instances.
        if self.package_years & entered.keys():
            raise ValueError("An entered national year may not replace a package year")
        object.__setattr__(self, "_entered", entered)

    @classmethod
    def build(
        cls,
        *,
        name: str = "national",
        holidays: Iterable[date] = (),
        working_days: Iterable[date] = (),
        national_years: Iterable[NationalYear] = (),
    ) -> WorkCalendar:
        return cls(
            name=name,
            holidays=frozenset(holidays),
            working_days=frozenset(working_days),
            national_years=tuple(national_years),
        )

    @property
    def known_years(self) -> frozenset[int]:
        return self.package_years | self._entered.keys()

    @property
    def first_year(self) -> int:
        return FIRST_YEAR

    @property
    def last_year(self) -> int:
        """The last year of the unbroken run of known years that starts with the package."""
        year = max(self.package_years)
        while year + 1 in self._entered:
            year += 1
        return year

    def check(self, day: date) -> None:
        if day.year not in self.package_years and day.year not in self._entered:
            raise CalendarRangeError(day, self.known_years)

    def national_is_working_day(self, day: date) -> bool:
        """The national schedule alone (no overlay), from whichever source knows the year."""
        self.check(day)
        entered = self._entered.get(day.year)
        if entered is not None:
            return entered.is_working_day(day)
        return chinese_calendar.is_workday(day)


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
    return calendar.national_is_working_day(day)


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
