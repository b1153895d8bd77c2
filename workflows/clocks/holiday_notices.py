"""National holiday notices (domain.md §4): entering a year's notice, recording it, and
computing the clocks that waited for it.

A clock whose count reaches a year whose State Council holiday notice is not known yet is
stored without a due date; it is computed the moment the notice is entered, and the
computation is written to the full-process record with the notice it used
(《重大行政决策程序暂行条例》第三十三条).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError, package_years
from workflows.record.services import ACTOR_SYSTEM, record_append

from ..transactions import service_atomic
from .models import CalendarYear, CalendarYearDay, Deadline
from .opening import _subject_key
from .rules import DeadlineRule
from .selectors import calendar_for, calendars_all
from .signals import deadline_computed

logger = logging.getLogger(__name__)


# --- clocks awaiting a holiday notice -------------------------------------------------------


@dataclass
class ComputeReport:
    computed: list[int] = field(default_factory=list)
    # Still waiting: their count reaches a year that is still unknown (deadline → year).
    waiting: dict[int, int] = field(default_factory=dict)


def _calendar_source(year: int) -> dict:
    """Where the schedule of ``year`` came from: the evidence a computation cites."""
    if year in package_years():
        return {
            "year": year,
            "source": "chinesecalendar",
            "version": getattr(chinese_calendar, "__version__", ""),
        }
    notice = CalendarYear.objects.filter(year=year, is_complete=True).first()
    if notice is None:  # cannot happen: the year was just used to compute
        return {"year": year}
    return {
        "year": year,
        "source": "notice",
        "notice": notice.pk,
        "title": notice.title,
        "reference": notice.reference,
        "published_on": notice.published_on,
    }


def deadlines_compute_awaiting(*, by=ACTOR_SYSTEM) -> ComputeReport:
    """Compute every clock that was waiting for a holiday notice now known (domain.md §4).

    Each clock in its own transaction, under its row lock, from the rule, legal source and
    start stored when it opened; the computation is written to the full-process record with
    the notice it used as its source, and ``signals.deadline_computed`` lets the domain apps
    copy the date onto their own rows in the same transaction. A clock whose count still
    reaches an unknown year keeps waiting (for that year). Harmless when run twice: a clock
    already computed is skipped. Called after a notice is entered or marked complete, and by
    every reminder sweep (which also catches a chinesecalendar upgrade).
    """
    report = ComputeReport()
    waiting = list(
        Deadline.objects.filter(due=None)
        .order_by("pk")
        .values_list("pk", "awaiting_year", "jurisdiction_id")
    )
    if not waiting:
        return report
    # Every sweep calls this: clocks whose year is still unknown are skipped without a lock.
    known = {pk: calendar.known_years for pk, calendar in calendars_all()}
    for pk, year, jurisdiction_id in waiting:
        if year not in known.get(jurisdiction_id, ()):
            report.waiting[pk] = year
            continue
        try:
            with transaction.atomic():
                _deadline_compute(pk, by=by, report=report)
        except Exception:  # noqa: BLE001 - one clock's failure must not hold back the others
            logger.exception("Deadline %s could not be computed; the next sweep retries", pk)
    return report


def _deadline_compute(pk: int, *, by, report: ComputeReport) -> None:
    """Compute the waiting clock ``pk`` under its row lock, in the caller's transaction, and
    note in ``report`` whether it was computed or still waits (and for which year)."""
    row = Deadline.objects.select_for_update().select_related("jurisdiction").get(pk=pk)
    if row.due is not None:
        return
    calendar = calendar_for(row.jurisdiction)
    if row.awaiting_year not in calendar.known_years:
        report.waiting[pk] = row.awaiting_year
        return
    rule = DeadlineRule(
        key=row.rule_key,
        unit=row.unit,
        amount=row.amount,
        legal_source=row.legal_source,
    )
    try:
        due = rule.due(row.start, calendar=calendar)
    except CalendarRangeError as unknown:
        # The count ran on into a later unknown year: wait for that one now.
        row.awaiting_year = unknown.year
        row.save(update_fields=["awaiting_year"])
        report.waiting[pk] = unknown.year
        return
    years = sorted({y for y in range(row.start.year, due.year + 1)} - package_years())
    waited_for = row.awaiting_year
    row.due, row.awaiting_year = due, None
    row.save(update_fields=["due", "awaiting_year"])
    record_append(
        actor=by,
        action="deadline.computed",
        subject=_subject_key(row),
        payload=_computed_payload(row, due=due, waited_for=waited_for, years=years),
    )
    deadline_computed.send(sender=Deadline, deadline=row)
    report.computed.append(pk)


def _computed_payload(row: Deadline, *, due: date, waited_for: int, years: list[int]) -> dict:
    """The record entry of a computed clock: its rule and period as stored when it opened, the
    date computed and the calendar of each year the count ran through (its evidence)."""
    return {
        "deadline": row.pk,
        "rule": row.rule_key,
        "stage": row.rule_description,
        "legal_source": row.legal_source,
        "start": row.start,
        "unit": row.unit,
        "amount": row.amount,
        "due": due,
        "awaited_holiday_notice": waited_for,
        "calendar": [_calendar_source(y) for y in years] or [_calendar_source(waited_for)],
        **({"met_late": timezone.localdate(row.met_at) > due} if row.met_at else {}),
    }


# --- national holiday notices ---------------------------------------------------------------


@service_atomic
def calendar_year_enter(
    *,
    year: int,
    title: str,
    published_on: date,
    by,
    holidays: Mapping[date, str],
    working_days: Mapping[date, str] | None = None,
    reference: str = "",
    url: str = "",
    note: str = "",
    complete: bool = True,
) -> CalendarYear:
    """Enter the State Council's holiday notice for ``year``: its holidays and its make-up
    working days (调休), each with the festival it belongs to (domain.md §4).

    Raises ``ValidationError`` for a year the installed package carries (its schedule is never
    replaced by hand), a year already entered, a date outside ``year``, a make-up working day
    on a weekday, or a date listed twice. The admin does the same with its inline form.
    """
    _refuse_entered_already(year)
    notice = CalendarYear(
        year=year,
        title=title,
        reference=reference,
        url=url,
        published_on=published_on,
        is_complete=complete,
        note=note,
        entered_by=None if by in (None, ACTOR_SYSTEM) else by,
    )
    working_days = working_days or {}
    twice = sorted(set(holidays) & set(working_days))
    if twice:
        raise ValidationError(
            _("A date is listed both as a holiday and as a working day: %(dates)s"),
            code="day_listed_twice",
            params={"dates": ", ".join(d.isoformat() for d in twice)},
        )
    notice.full_clean()
    notice.save()
    _notice_days_save(notice, holidays=holidays, working_days=working_days)
    calendar_year_record(calendar_year=notice, by=by, action="calendar.year_entered")
    return notice


def _refuse_entered_already(year: int) -> None:
    """A year's notice is entered once; a later correction is made in the admin."""
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError(
            {
                "year": _(
                    "The holiday notice for %(year)s is entered already. Correct it in the "
                    "admin under “Deadlines and reminders → National holiday notices”."
                )
                % {"year": year}
            },
            code="entered",
        )


def _notice_days_save(
    notice: CalendarYear, *, holidays: Mapping[date, str], working_days: Mapping[date, str]
) -> None:
    """The notice's holidays, then its make-up working days, each in date order, validated
    and saved one by one."""
    days = [
        CalendarYearDay(calendar_year=notice, date=day, kind=kind, name=name)
        for kind, entries in (
            (CalendarYearDay.Kind.HOLIDAY, holidays),
            (CalendarYearDay.Kind.WORKING_DAY, working_days),
        )
        for day, name in sorted(entries.items())
    ]
    for day in days:
        day.full_clean()
        day.save()


def calendar_year_record(*, calendar_year: CalendarYear, by, action: str) -> None:
    """Write the notice as it now stands to the full-process record: every deadline computed
    with it can be traced to the data and the person who entered them.

    A notice that is complete now releases the clocks that waited for it: once this
    transaction commits, each is computed in its own (``deadlines_compute_awaiting``).
    """
    if calendar_year.is_complete:
        transaction.on_commit(lambda: deadlines_compute_awaiting(by=by or ACTOR_SYSTEM))
    days = list(calendar_year.days.order_by("date").values_list("date", "kind", "name"))
    record_append(
        actor=by or ACTOR_SYSTEM,
        action=action,
        subject=calendar_year,
        payload={
            "year": calendar_year.year,
            "title": calendar_year.title,
            "reference": calendar_year.reference,
            "url": calendar_year.url,
            "published_on": calendar_year.published_on,
            "complete": calendar_year.is_complete,
            "holidays": [
                [d, name] for d, kind, name in days if kind == CalendarYearDay.Kind.HOLIDAY
            ],
            "working_days": [
                [d, name] for d, kind, name in days if kind == CalendarYearDay.Kind.WORKING_DAY
            ],
        },
    )
