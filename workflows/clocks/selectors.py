"""Reads for legal clocks: calendars, rules, deadlines, reminders and notifications."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet

from workflows.calendar import NationalYear, WorkCalendar, package_last_year, package_years
from workflows.composed import composed_first, composed_get, composed_rows
from workflows.connections import prepared_cursor
from workflows.permissions import unit_role_grants

from . import rules
from .models import (
    DEFAULT_JURISDICTION_NAME,
    CalendarOverlay,
    CalendarYear,
    CalendarYearDay,
    Deadline,
    DeadlineRuleOverride,
    Jurisdiction,
    Notification,
    Reminder,
)

logger = logging.getLogger(__name__)

# --- reads remembered within one task action --------------------------------------------------
#
# A task action (``workflows.tasking``) opens a legal clock or two, each asking for the
# jurisdiction, the rule's override and the calendar's version: the same rows, which nothing in
# the action changes (an administrator does, in the admin). Inside ``clock_reads_memoised()``
# each is read once; a change to a jurisdiction, an override or a calendar made inside the block
# (post_save/post_delete, ``signals.calendar_version_bump``) forgets everything. Nothing is
# remembered outside such a block, nor after it ends.

_reads: ContextVar[dict | None] = ContextVar("fazhi_clock_reads", default=None)


@contextmanager
def clock_reads_memoised() -> Iterator[None]:
    """Within the block, read the jurisdiction, each rule's override and the calendar's
    version once (see above). A block inside another keeps the outer's reads."""
    if _reads.get() is not None:
        yield
        return
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def clock_reads_forget(**kwargs) -> None:
    """Forget what the open block read (a receiver of the signals named above)."""
    memo = _reads.get()
    if memo is not None:
        memo.clear()


def _remembered(key: tuple, read: Callable[[], Any]) -> Any:
    memo = _reads.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


# --- jurisdictions and calendars ------------------------------------------------------------


def jurisdiction_default() -> Jurisdiction:
    """The installation's jurisdiction.

    Migration 0002 creates it; it is re-created here when missing because test databases are
    emptied with TRUNCATE between transactional tests, which also removes migration data.
    """
    return _remembered(("jurisdiction",), _jurisdiction_default_read)


def _jurisdiction_default_read() -> Jurisdiction:
    found = composed_rows(("default jurisdiction",), _default_jurisdiction)
    if len(found) == 1:
        return found[0]
    return Jurisdiction.objects.get_or_create(
        is_default=True,
        # A Xinjiang county: 肉孜节 and 古尔邦节 are regional holidays (migration 0005).
        defaults={"name": DEFAULT_JURISDICTION_NAME, "has_regional_holidays": True},
    )[0]


def national_years_entered() -> list[NationalYear]:
    """The national notices an administrator entered and marked complete, as calendar data.

    A notice for a year the installed package carries is left out: the package is the
    published schedule and wins. Such a row can only exist when the package was upgraded after
    the notice was entered (the admin refuses package years); it is logged, not applied.
    """
    holidays: dict[int, list] = {}
    working_days: dict[int, list] = {}
    for year, day, kind in CalendarYearDay.objects.filter(
        calendar_year__is_complete=True
    ).values_list("calendar_year__year", "date", "kind"):
        target = holidays if kind == CalendarYearDay.Kind.HOLIDAY else working_days
        target.setdefault(year, []).append(day)
    years = []
    carried = package_years()
    for year, title in CalendarYear.objects.filter(is_complete=True).values_list("year", "title"):
        if year in carried:
            logger.warning(
                "The entered holiday notice for %s is ignored: the installed chinesecalendar "
                "package carries that year.",
                year,
            )
            continue
        years.append(
            NationalYear(
                year=year,
                holidays=frozenset(holidays.get(year, ())),
                working_days=frozenset(working_days.get(year, ())),
                source=title,
            )
        )
    return years


def calendar_years_superseded() -> QuerySet[CalendarYear]:
    """Entered notices for years the installed package now carries (not in use)."""
    return CalendarYear.objects.filter(year__in=sorted(package_years()))


_calendars: dict[int, tuple[tuple[int, int], WorkCalendar]] = {}
_calendars_lock = threading.Lock()


def calendar_for(jurisdiction: Jurisdiction | None = None) -> WorkCalendar:
    """The working-day calendar of ``jurisdiction``: national schedule plus its overlay.

    The national schedule is the chinesecalendar package plus every complete notice an
    administrator entered for a later year (``CalendarYear``); the jurisdiction's overlay
    applies on top of both.

    Cached per process and keyed by the jurisdiction's ``calendar_version``, which every
    overlay and every national notice change bumps (see signals.py): a hit costs one indexed
    one-column query, and an admin edit reaches every web and worker process on their next
    call, without a restart.
    """
    jurisdiction = jurisdiction or jurisdiction_default()
    version = _remembered(
        ("calendar_version", jurisdiction.pk),
        lambda: composed_get(("calendar version",), _calendar_version, jurisdiction.pk),
    )
    return _calendar(jurisdiction.pk, jurisdiction.name, version)


def calendars_all() -> list[tuple[int, WorkCalendar]]:
    """(jurisdiction id, calendar) of every jurisdiction, as ``calendar_for`` gives them, with
    one query while the cached calendars are current (the reminder sweep, every minute)."""
    return [
        (pk, _calendar(pk, name, version))
        for pk, name, version in Jurisdiction.objects.order_by("pk").values_list(
            "pk", "name", "calendar_version"
        )
    ]


def _calendar(pk: int, name: str, version: int) -> WorkCalendar:
    # The package's last year is part of the key: FAZHI_HOLIDAY_PACKAGE_UNTIL may change.
    key = (version, package_last_year())
    cached = _calendars.get(pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    holidays, working_days = [], []
    for day, kind in CalendarOverlay.objects.filter(jurisdiction_id=pk).values_list("date", "kind"):
        (holidays if kind == CalendarOverlay.Kind.HOLIDAY else working_days).append(day)
    calendar = WorkCalendar.build(
        name=name,
        holidays=holidays,
        working_days=working_days,
        national_years=national_years_entered(),
    )
    with _calendars_lock:
        _calendars[pk] = (key, calendar)
    return calendar


def rule_for(key: str, *, jurisdiction: Jurisdiction | None = None) -> rules.DeadlineRule:
    """The registered rule ``key`` with ``jurisdiction``'s override applied, if it has one.

    Raises ``rules.UnknownRule`` for a key no app registered.
    """
    rule = rules.rule_default(key)
    jurisdiction = jurisdiction or jurisdiction_default()
    override = _remembered(
        ("override", jurisdiction.pk, key),
        lambda: composed_first(("rule override",), _rule_override, jurisdiction.pk, key),
    )
    if override is None:
        return rule
    return rule.with_override(
        unit=override.unit, amount=override.amount, legal_source=override.legal_source
    )


# --- deadlines ------------------------------------------------------------------------------


def deadlines_for(subject) -> QuerySet[Deadline]:
    """Every deadline of one item, running or closed, earliest due first."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
    ).select_related("responsible_unit", "jurisdiction")


def unit_roles_all() -> QuerySet:
    """(unit id as text, role, user id) of every active person's role grant over a unit
    (``workflows.permissions.unit_role_grants``), as one query the reminder sweep joins in
    SQL: the actors of a clock, its unit's heads and the heads of the office above."""
    return unit_role_grants(active_only=True).values_list("object_pk", "role", "user_id")


# --- reminders ------------------------------------------------------------------------------


# Warn this long before the national holiday data runs out (the sweep's log, the admin banner).
CALENDAR_WARNING = timedelta(days=60)


def calendar_end_if_soon(*, today: date, jurisdiction: Jurisdiction | None = None) -> date | None:
    """The last day the working-day calendar knows, when that is less than
    ``CALENDAR_WARNING`` away; else None. One cached calendar, one indexed query."""
    ends_on = date(calendar_for(jurisdiction).last_year, 12, 31)
    return ends_on if ends_on - today < CALENDAR_WARNING else None


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS)


def reminders_pending(*, now: datetime) -> QuerySet[Reminder]:
    """Reminders not yet sent, not cancelled, and not held by a live claim.

    A claim older than the timeout was abandoned (its worker died mid-send) and may be taken
    again.
    """
    return Reminder.objects.filter(sent_at=None, cancelled_at=None).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout())
    )


def reminders_to_queue(*, now: datetime) -> QuerySet[Reminder]:
    """Pending reminders with no live delivery message in the broker."""
    return reminders_pending(now=now).filter(
        Q(queued_at=None) | Q(queued_at__lt=now - claim_timeout())
    )


# --- notifications --------------------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """The person's own notifications, newest first (nobody else's, ever)."""
    return Notification.objects.filter(recipient=user)


def notifications_unread_count(user) -> int:
    """One COUNT on the partial index of unread rows: cheap enough for every page. Every staff
    page asks it (the bell), so it is written once and runs prepared (issue 22: the ORM
    composing this count cost several times what PostgreSQL spent counting)."""
    if not user.is_authenticated:
        return 0
    with prepared_cursor() as cursor:
        cursor.execute(_unread_sql(), [user.pk])
        return cursor.fetchone()[0]


@cache
def _unread_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT COUNT(*) FROM {q(Notification._meta.db_table)} "
        f"WHERE {q('recipient_id')} = %s AND {q('read_at')} IS NULL"
    )


# Composed once (``workflows.composed``): every action that opens a clock asks these.


def _default_jurisdiction() -> QuerySet:
    return Jurisdiction.objects.filter(is_default=True)[:2]  # one, or get_or_create decides


def _calendar_version(pk: int) -> QuerySet:
    return Jurisdiction.objects.filter(pk=pk).values_list("calendar_version", flat=True)


def _rule_override(jurisdiction_id: int, key: str) -> QuerySet:
    overrides = DeadlineRuleOverride.objects.filter(jurisdiction_id=jurisdiction_id, rule_key=key)
    return overrides.order_by("pk")[:1]  # what ``.first()`` reads
