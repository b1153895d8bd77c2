"""Writes for Xinjiang's regional holidays (肉孜节, 古尔邦节): an administrator confirms a year.

The days come from the yearly notice of 新疆维吾尔自治区人民政府办公厅 (domain.md §4), never
from the Umm al-Qura expectation alone (``workflows.clocks.regional``): the notice may differ by
a day and sets each holiday's length and any make-up working days (调休). The confirmed days,
the confirmation and its event in the full-process record
(《重大行政决策程序暂行条例》第三十三条) are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.record.services import record_append

from .models import CalendarOverlay, Jurisdiction, RegionalHolidayYear
from .regional import RegionalRangeError, expected_days

_NAME_MAX_LENGTH = CalendarOverlay._meta.get_field("name").max_length
_REFERENCE_MAX_LENGTH = RegionalHolidayYear._meta.get_field("reference").max_length


def _dates(days: Iterable[date]) -> str:
    return ", ".join(d.isoformat() for d in sorted(days))


def _problems(
    *, year: int, days: list[tuple[date, str, str]], reference: str
) -> list[ValidationError]:
    """Everything wrong with the days as entered, each said once (no database)."""
    return [
        *_reference_problems(reference),
        *_entry_problems(days),
        *_date_problems(year=year, days=days),
    ]


def _reference_problems(reference: str) -> list[ValidationError]:
    """The notice the days are taken from: named, and not too long to keep."""
    if not reference:
        return [
            ValidationError(
                _("Name the autonomous region's notice the days are taken from."),
                code="no_reference",
            )
        ]
    if len(reference) > _REFERENCE_MAX_LENGTH:
        return [
            ValidationError(
                _("The notice's reference is longer than %(max)s characters."),
                code="reference_too_long",
                params={"max": _REFERENCE_MAX_LENGTH},
            )
        ]
    return []


def _entry_problems(days: list[tuple[date, str, str]]) -> list[ValidationError]:
    """Each row a known kind with a name, and at least one holiday among them."""
    problems = []
    kinds = set(CalendarOverlay.Kind.values)
    if any(kind not in kinds for _day, kind, _name in days):
        problems.append(ValidationError(_("Unknown kind of day."), code="kind"))
    if any(not name or len(name) > _NAME_MAX_LENGTH for _day, _kind, name in days):
        problems.append(
            ValidationError(
                _("Give every day a name of at most %(max)s characters, e.g. 古尔邦节."),
                code="name",
                params={"max": _NAME_MAX_LENGTH},
            )
        )
    if not any(kind == CalendarOverlay.Kind.HOLIDAY for _day, kind, _name in days):
        problems.append(
            ValidationError(
                _("List the holidays of the notice: every day off, one row per day."),
                code="no_holiday",
            )
        )
    return problems


def _date_problems(*, year: int, days: list[tuple[date, str, str]]) -> list[ValidationError]:
    """Every date in ``year``, none both a holiday and a working day, none listed twice."""
    problems = []
    outside = {day for day, _kind, _name in days if day.year != year}
    if outside:
        problems.append(
            ValidationError(
                _("These dates are not in %(year)s: %(dates)s."),
                code="outside_year",
                params={"year": year, "dates": _dates(outside)},
            )
        )
    holidays = [day for day, kind, _name in days if kind == CalendarOverlay.Kind.HOLIDAY]
    working = [day for day, kind, _name in days if kind == CalendarOverlay.Kind.WORKING_DAY]
    both = set(holidays) & set(working)
    if both:
        problems.append(
            ValidationError(
                _("These dates are given both as a holiday and as a working day: %(dates)s."),
                code="holiday_and_working_day",
                params={"dates": _dates(both)},
            )
        )
    twice = {d for d in holidays if holidays.count(d) > 1} | {
        d for d in working if working.count(d) > 1
    }
    if twice:
        problems.append(
            ValidationError(
                _("These dates are listed twice: %(dates)s."),
                code="listed_twice",
                params={"dates": _dates(twice)},
            )
        )
    return problems


@transaction.atomic
def regional_year_confirm(
    *,
    jurisdiction: Jurisdiction,
    year: int,
    days: Iterable[tuple[date, str, str]],
    reference: str,
    by,
    note: str = "",
) -> RegionalHolidayYear:
    """Confirm ``jurisdiction``'s regional holidays of ``year`` from the autonomous region's
    notice (domain.md §4): each ``(date, kind, name)`` becomes a calendar overlay day (kind
    ``CalendarOverlay.Kind``: a holiday, or a make-up working day), so working-day clocks skip
    or count it from now on; the confirmation is kept and recorded.

    Refused with a ``ValidationError`` (nothing written): a year already confirmed, a date
    outside ``year``, a date given as holiday and working day or listed twice, no holiday at
    all, no notice named, or a date whose existing overlay day says the opposite kind. An
    existing overlay day of the same kind (entered by hand before) is kept as it is.
    """
    days = [(day, kind, (name or "").strip()) for day, kind, name in days]
    reference = (reference or "").strip()
    # Two administrators confirming at once: the second waits here, then finds the first's row.
    jurisdiction = Jurisdiction.objects.select_for_update().get(pk=jurisdiction.pk)
    _refuse_confirmation(jurisdiction, year=year, days=days, reference=reference)
    existing = _overlay_agreeing(jurisdiction, days)
    confirmation = RegionalHolidayYear.objects.create(
        jurisdiction=jurisdiction, year=year, reference=reference, note=note, confirmed_by=by
    )
    # One save per day (a handful), not bulk_create: each save bumps the calendar version
    # (signals.py), so every process rebuilds its cached calendar.
    for day, kind, name in sorted(days):
        if day not in existing:
            CalendarOverlay.objects.create(
                jurisdiction=jurisdiction, date=day, kind=kind, name=name, note=reference
            )
    _confirmation_record(confirmation, by=by, days=days, existing=existing)
    return confirmation


def _refuse_confirmation(
    jurisdiction: Jurisdiction, *, year: int, days: list[tuple[date, str, str]], reference: str
) -> None:
    """A jurisdiction with regional holidays, a year not confirmed yet, and days as entered
    without a problem (``_problems``, all said at once)."""
    if not jurisdiction.has_regional_holidays:
        raise ValidationError(
            _("%(jurisdiction)s has no regional holidays to confirm."),
            code="no_regional_holidays",
            params={"jurisdiction": jurisdiction.name},
        )
    if RegionalHolidayYear.objects.filter(jurisdiction=jurisdiction, year=year).exists():
        raise ValidationError(
            _(
                "The regional holidays of %(year)s are confirmed already. Correct a single "
                "date with a calendar overlay day."
            ),
            code="confirmed_already",
            params={"year": year},
        )
    problems = _problems(year=year, days=days, reference=reference)
    if problems:
        raise ValidationError(problems)


def _overlay_agreeing(
    jurisdiction: Jurisdiction, days: list[tuple[date, str, str]]
) -> dict[date, str]:
    """The overlay days already entered for these dates (date → kind), refused when one says
    the opposite kind."""
    existing = dict(
        CalendarOverlay.objects.filter(
            jurisdiction=jurisdiction, date__in=[day for day, _kind, _name in days]
        ).values_list("date", "kind")
    )
    contrary = {day for day, kind, _name in days if existing.get(day, kind) != kind}
    if contrary:
        raise ValidationError(
            _(
                "The calendar overlay already says the opposite for %(dates)s: correct or "
                "remove that overlay day first."
            ),
            code="overlay_contrary",
            params={"dates": _dates(contrary)},
        )
    return existing


def _confirmation_record(
    confirmation: RegionalHolidayYear,
    *,
    by,
    days: list[tuple[date, str, str]],
    existing: dict[date, str],
) -> None:
    """The confirmation in the full-process record (《重大行政决策程序暂行条例》第三十三条),
    beside what the Umm al-Qura calendar expected."""
    year = confirmation.year
    try:
        expected = [[d.date, d.festival.key] for d in expected_days(year)]
    except RegionalRangeError:
        expected = []
    record_append(
        actor=by,
        action="calendar.regional_year_confirmed",
        subject=confirmation,
        payload={
            "jurisdiction": confirmation.jurisdiction.name,
            "year": year,
            "reference": confirmation.reference,
            "note": confirmation.note,
            "holidays": [
                [d, name] for d, kind, name in sorted(days) if kind == CalendarOverlay.Kind.HOLIDAY
            ],
            "working_days": [
                [d, name]
                for d, kind, name in sorted(days)
                if kind == CalendarOverlay.Kind.WORKING_DAY
            ],
            # Kept from earlier hand entries rather than written now.
            "already_in_overlay": sorted(d for d in existing),
            # What the Umm al-Qura calendar expected, beside what the notice said.
            "expected_umm_al_qura": expected,
        },
    )
