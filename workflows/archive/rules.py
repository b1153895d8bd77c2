"""Pure retention rules: no ORM, no clock."""

import datetime as dt

from .conf import PERMANENT


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def retention_until(*, retention_code: str, years: int | None, since: dt.date) -> dt.date | None:
    """The last day a record of this class must be kept; None when it is kept permanently.

    Counted from the record's date, in whole years (国家档案局令第8号: 永久、定期30年、定期10年).
    """
    if retention_code == PERMANENT or years is None:
        return None
    return add_years(since, years)


def disposal_refusal(
    *, retention_code: str, kept_until: dt.date | None, today: dt.date, on_hold: bool
) -> str | None:
    """Why a copy may not be disposed of, or None when it may.

    A legal hold prevents any disposal, whatever the period (GB/T 18894-2016 on records needed
    for litigation, audit or inquiry); a permanent record is never disposed of; a periodic one
    only after its period has run out.
    """
    if on_hold:
        return "legal_hold"
    if retention_code == PERMANENT or kept_until is None:
        return "permanent"
    if today <= kept_until:
        return "retention_running"
    return None
