"""Xinjiang's regional holidays, 肉孜节 (Eid al-Fitr) and 古尔邦节 (Eid al-Adha): the dates to
EXPECT in a year. Pure: no ORM, no clock.

domain.md §4: "Xinjiang adds regional holidays (肉孜节, 古尔邦节) announced yearly." The
announcement is the yearly notice of the autonomous region's government
(新疆维吾尔自治区人民政府办公厅). Only that notice is the law: it fixes each date, which may
differ by a day from any computed calendar, how many days each holiday lasts and any make-up
working days (调休).

What this module offers is an astronomical expectation, computed with the Umm al-Qura
calendar of the ``hijridate`` package: 肉孜节 on 1 Shawwal (month 10), 古尔邦节 on
10 Dhu al-Hijjah (month 12). It never reaches a clock by itself: the admin shows these dates
as editable starting values, and only the days an administrator confirms against the notice
(``workflows.clocks.regional_services.regional_year_confirm``) enter the jurisdiction's
calendar overlay. Until then working-day clocks count those days as working days, and
administrators are warned (``workflows.clocks.regional_selectors``).

A Hijri year is about 11 days shorter than a Gregorian one, so now and then a festival falls
twice in one Gregorian year (1 Shawwal: 2000-01-08 and 2000-12-27, again in 2033;
10 Dhu al-Hijjah: 2006-01-10 and 2006-12-31, again in 2039): every occurrence is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE


@dataclass(frozen=True)
class Festival:
    """A regional holiday and the Hijri day it is expected on."""

    key: str
    hijri_month: int
    hijri_day: int
    label: str | Promise


EID_AL_FITR = Festival("eid_al_fitr", hijri_month=10, hijri_day=1, label=_("Eid al-Fitr (肉孜节)"))
EID_AL_ADHA = Festival(
    "eid_al_adha", hijri_month=12, hijri_day=10, label=_("Eid al-Adha (古尔邦节)")
)
FESTIVALS: tuple[Festival, ...] = (EID_AL_FITR, EID_AL_ADHA)

# The Gregorian years the package's Umm al-Qura table covers whole (it runs from 1924-08-01 to
# 2077-11-16). Outside them there is no expectation at all, rather than a guessed one.
FIRST_YEAR: int = GREGORIAN_RANGE[0][0] + 1
LAST_YEAR: int = GREGORIAN_RANGE[1][0] - 1


class RegionalRangeError(ValueError):
    """No expected dates for a year outside the Umm al-Qura table (``FIRST_YEAR``–``LAST_YEAR``)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"No expected regional holidays for {year}: the Umm al-Qura table covers "
            f"{FIRST_YEAR}-{LAST_YEAR}; enter the days from the autonomous region's notice"
        )


@dataclass(frozen=True)
class ExpectedDay:
    """The astronomical expectation of one festival's first day: to be confirmed, never applied."""

    festival: Festival
    date: date
    hijri_year: int

    @property
    def name(self) -> str:
        """The festival's name in the reader's language, as an overlay day is named."""
        return str(self.festival.label)


def expected_days(year: int) -> tuple[ExpectedDay, ...]:
    """Every expected 肉孜节 (1 Shawwal) and 古尔邦节 (10 Dhu al-Hijjah) in ``year``, by date.

    Umm al-Qura dates from ``hijridate``: an expectation for the administrator to check against
    the yearly notice of 新疆维吾尔自治区人民政府办公厅, which may differ by a day and which alone
    sets the length and any 调休 (domain.md §4). One day per occurrence; a festival falling twice
    in ``year`` is there twice. Raises ``RegionalRangeError`` outside ``FIRST_YEAR``–``LAST_YEAR``.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"A year is an int, not {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RegionalRangeError(year)
    # The Hijri years that overlap the Gregorian one: a festival of any of them may fall in it.
    first = Gregorian(year, 1, 1).to_hijri().year
    last = Gregorian(year, 12, 31).to_hijri().year
    days = []
    for hijri_year in range(first, last + 1):
        for festival in FESTIVALS:
            day = Hijri(hijri_year, festival.hijri_month, festival.hijri_day).to_gregorian()
            if day.year == year:
                # A plain date: hijridate's Gregorian subclass must not leak into callers.
                days.append(ExpectedDay(festival, date(day.year, day.month, day.day), hijri_year))
    return tuple(sorted(days, key=lambda d: d.date))
