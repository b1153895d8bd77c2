"""Working days (domain.md §4): national schedule with 调休, a regional overlay, no guessing."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.calendar import (
    FIRST_YEAR,
    NATIONAL,
    CalendarRangeError,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    count_working_days,
    is_working_day,
    package_last_year,
    working_days_before,
)

# The package's last year in the suite's world (config.settings.test: 2026).
LAST_YEAR = package_last_year()

# Xinjiang's 肉孜节 (Eid al-Fitr) 2024 and a made-up correction, as a county would enter them.
XINJIANG = WorkCalendar.build(
    name="乌恰县",
    holidays=[date(2024, 4, 10), date(2024, 6, 3)],  # 肉孜节; a Monday corrected to non-working
    working_days=[date(2024, 10, 7)],  # a National Day Monday corrected to working
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 6, 1), False),  # Saturday
        (date(2024, 6, 2), False),  # Sunday
        (date(2024, 6, 4), True),  # Tuesday
        (date(2024, 2, 4), True),  # Sunday worked before Spring Festival (调休)
        (date(2024, 2, 12), False),  # Spring Festival Monday
        (date(2024, 2, 17), False),  # last day of Spring Festival, a Saturday
        (date(2024, 2, 18), True),  # Sunday worked after Spring Festival (调休)
        (date(2025, 1, 26), True),  # Sunday worked before Spring Festival 2025
        (date(2025, 2, 3), False),  # Spring Festival 2025 Monday
        (date(2025, 2, 8), True),  # Saturday worked after Spring Festival 2025
        (date(2024, 9, 29), True),  # Sunday worked before National Day
        (date(2024, 10, 1), False),  # National Day
        (date(2024, 10, 7), False),  # National Day Monday
        (date(2024, 10, 12), True),  # Saturday worked after National Day
        (date(2024, 10, 13), False),  # ordinary Sunday after it
        (date(2023, 12, 29), True),  # last working day of 2023
        (date(2024, 1, 1), False),  # New Year's Day
        (date(2024, 12, 31), True),  # Tuesday, last day of 2024
        (date(2025, 1, 1), False),  # New Year's Day
    ],
)
def test_national_working_days_follow_the_state_council_notice_when_no_overlay(day, working):
    assert is_working_day(day, calendar=NATIONAL) is working


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2024, 9, 27), 7, date(2024, 10, 12)),  # Friday + 7 → the 调休 Saturday
        (date(2024, 9, 27), 1, date(2024, 9, 29)),  # the make-up Sunday counts
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # the golden week is skipped
        (date(2024, 3, 8), 1, date(2024, 3, 11)),  # Friday + 1 → Monday
        (date(2024, 3, 9), 1, date(2024, 3, 11)),  # from a Saturday
        (date(2024, 3, 8), 5, date(2024, 3, 15)),  # a full week
        (date(2024, 2, 2), 1, date(2024, 2, 4)),  # Friday + 1 → the make-up Sunday
        (date(2024, 2, 9), 1, date(2024, 2, 18)),  # over Spring Festival to the make-up Sunday
        (date(2024, 2, 9), 2, date(2024, 2, 19)),
        (date(2025, 1, 24), 3, date(2025, 2, 5)),  # Sun 26 and Mon 27 worked, then the holiday
        (date(2023, 12, 29), 1, date(2024, 1, 2)),  # over the year end and New Year's Day
        (date(2024, 12, 31), 1, date(2025, 1, 2)),
    ],
)
def test_add_working_days_counts_only_working_days_when_crossing_holidays(start, n, due):
    assert add_working_days(start, n, calendar=NATIONAL) == due


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2024, 3, 1), 30, date(2024, 4, 1)),  # ends on a Sunday → Monday
        (date(2024, 9, 1), 30, date(2024, 10, 8)),  # ends on National Day → after the holiday
        (date(2024, 9, 12), 30, date(2024, 10, 12)),  # ends on the 调休 Saturday: stays
        (date(2024, 1, 15), 30, date(2024, 2, 18)),  # ends in Spring Festival → make-up Sunday
        (date(2024, 12, 2), 30, date(2025, 1, 2)),  # ends on New Year's Day
        (date(2024, 3, 4), 30, date(2024, 4, 3)),  # ends on a working Wednesday: unchanged
    ],
)
def test_a_calendar_day_period_ending_on_a_non_working_day_moves_to_the_next_working_day(
    start, n, due
):
    assert add_calendar_days(start, n, calendar=NATIONAL) == due


def test_an_overlay_holiday_is_not_a_working_day_when_the_region_declared_it():
    assert is_working_day(date(2024, 4, 10), calendar=NATIONAL)
    assert not is_working_day(date(2024, 4, 10), calendar=XINJIANG)
    assert add_working_days(date(2024, 4, 9), 1, calendar=NATIONAL) == date(2024, 4, 10)
    assert add_working_days(date(2024, 4, 9), 1, calendar=XINJIANG) == date(2024, 4, 11)
    # A "days" period ending on the regional holiday moves too.
    assert add_calendar_days(date(2024, 3, 11), 30, calendar=XINJIANG) == date(2024, 4, 11)


def test_a_correction_overrides_the_national_schedule_when_set_in_either_direction():
    assert is_working_day(date(2024, 10, 7), calendar=XINJIANG)
    assert add_working_days(date(2024, 9, 30), 1, calendar=XINJIANG) == date(2024, 10, 7)
    assert not is_working_day(date(2024, 6, 3), calendar=XINJIANG)
    assert add_working_days(date(2024, 5, 31), 1, calendar=XINJIANG) == date(2024, 6, 4)


def test_a_date_cannot_be_both_holiday_and_working_day_when_building_a_calendar():
    with pytest.raises(ValueError, match="2024-04-10"):
        WorkCalendar.build(holidays=[date(2024, 4, 10)], working_days=[date(2024, 4, 10)])


@pytest.mark.parametrize(
    "day", [date(LAST_YEAR + 1, 1, 1), date(2030, 6, 1), date(FIRST_YEAR - 1, 12, 31)]
)
def test_a_date_outside_the_known_years_raises_a_clear_error_when_asked(day):
    with pytest.raises(CalendarRangeError) as error:
        is_working_day(day, calendar=NATIONAL)
    assert error.value.day == day
    assert day.isoformat() in str(error.value)
    assert f"{FIRST_YEAR}-01-01" in str(error.value)
    assert f"{LAST_YEAR}-12-31" in str(error.value)


def test_counting_past_the_last_known_year_raises_instead_of_guessing():
    with pytest.raises(CalendarRangeError) as error:
        add_working_days(date(LAST_YEAR, 12, 30), 5, calendar=NATIONAL)
    assert error.value.day.year == LAST_YEAR + 1
    with pytest.raises(CalendarRangeError):
        add_calendar_days(date(LAST_YEAR, 12, 20), 30, calendar=NATIONAL)


def test_the_overlay_does_not_extend_the_known_years_when_it_lists_a_later_date():
    later = date(LAST_YEAR + 1, 3, 1)
    calendar = WorkCalendar.build(holidays=[later])
    with pytest.raises(CalendarRangeError):
        is_working_day(later, calendar=calendar)


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_a_period_must_be_a_whole_number_of_days_when_computed(n):
    with pytest.raises(ValueError):
        add_working_days(date(2024, 3, 1), n, calendar=NATIONAL)
    with pytest.raises(ValueError):
        add_calendar_days(date(2024, 3, 1), n, calendar=NATIONAL)


def test_working_days_before_counts_back_over_holidays():
    assert working_days_before(date(2024, 10, 12), 3, calendar=NATIONAL) == date(2024, 10, 9)
    assert working_days_before(date(2024, 10, 8), 1, calendar=NATIONAL) == date(2024, 9, 30)
    assert working_days_before(date(2024, 1, 2), 1, calendar=NATIONAL) == date(2023, 12, 29)


# --- properties ---------------------------------------------------------------------------

days = st.dates(min_value=date(FIRST_YEAR + 1, 1, 1), max_value=date(LAST_YEAR - 1, 6, 30))
amounts = st.integers(min_value=1, max_value=40)
overlays = st.builds(
    lambda hol, work: WorkCalendar.build(holidays=hol - work, working_days=work),
    st.frozensets(days, max_size=15),
    st.frozensets(days, max_size=5),
)


@given(start=days, n=amounts, calendar=overlays)
def test_add_working_days_lands_on_a_working_day_after_exactly_n_of_them(start, n, calendar):
    due = add_working_days(start, n, calendar=calendar)
    assert due > start
    assert is_working_day(due, calendar=calendar)
    assert count_working_days(start, due, calendar=calendar) == n


@given(start=days, n=amounts, calendar=overlays)
def test_add_working_days_is_strictly_increasing_in_n(start, n, calendar):
    assert add_working_days(start, n + 1, calendar=calendar) > add_working_days(
        start, n, calendar=calendar
    )


@given(start=days, n=amounts, calendar=overlays)
def test_counting_back_from_the_due_date_returns_to_a_working_start(start, n, calendar):
    due = add_working_days(start, n, calendar=calendar)
    back = working_days_before(due, n, calendar=calendar)
    assert back <= start
    if is_working_day(start, calendar=calendar):
        assert back == start


@given(start=days, n=st.integers(min_value=1, max_value=90), calendar=overlays)
def test_add_calendar_days_ends_on_the_first_working_day_from_start_plus_n(start, n, calendar):
    due = add_calendar_days(start, n, calendar=calendar)
    nominal = start + timedelta(days=n)
    assert due >= nominal
    assert is_working_day(due, calendar=calendar)
    day = nominal
    while day < due:
        assert not is_working_day(day, calendar=calendar)
        day += timedelta(days=1)
