"""Reads for Xinjiang's regional holidays (肉孜节, 古尔邦节): which years still wait for an
administrator to confirm them from the autonomous region's notice (domain.md §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Jurisdiction, RegionalHolidayYear
from .regional import ExpectedDay, RegionalRangeError, expected_days
from .selectors import CALENDAR_WARNING


@dataclass(frozen=True)
class RegionalYearUnconfirmed:
    """A year whose regional holidays nobody has confirmed: clocks count them as working days."""

    jurisdiction: Jurisdiction
    year: int
    # The Umm al-Qura expectation, to be checked against the notice; empty outside its table.
    expected: tuple[ExpectedDay, ...]


def regional_years_to_confirm(*, today: date) -> list[int]:
    """The current year, and the next one from ``CALENDAR_WARNING`` before it begins (the same
    moment the national calendar's warning starts)."""
    years = [today.year]
    if date(today.year + 1, 1, 1) - today <= CALENDAR_WARNING:
        years.append(today.year + 1)
    return years


def regional_years_unconfirmed(*, today: date) -> list[RegionalYearUnconfirmed]:
    """Every (jurisdiction with regional holidays, year to confirm) not confirmed yet, by
    jurisdiction and year. Two small indexed queries: cheap enough for every staff page."""
    years = regional_years_to_confirm(today=today)
    confirmed = set(
        RegionalHolidayYear.objects.filter(year__in=years).values_list("jurisdiction_id", "year")
    )
    unconfirmed = []
    for jurisdiction in Jurisdiction.objects.filter(has_regional_holidays=True).order_by("name"):
        for year in years:
            if (jurisdiction.pk, year) in confirmed:
                continue
            try:
                expected = expected_days(year)
            except RegionalRangeError:
                expected = ()
            unconfirmed.append(RegionalYearUnconfirmed(jurisdiction, year, expected))
    return unconfirmed
