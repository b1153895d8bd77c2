"""Making reminders: which clocks are owed a reminder today, whom each goes to, inserted in one
statement (``reminders_schedule``); the sweep (``workflows.clocks.sweep``) calls it, then
delivers. A reminder is unique per (deadline, kind, recipient, occurrence), so a second
schedule on the same day inserts nothing."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection

from workflows.calendar import (
    CalendarRangeError,
    WorkCalendar,
    add_working_days,
    working_days_before,
)

from .models import Deadline, Reminder
from .selectors import CALENDAR_WARNING, calendars_all, unit_roles_all
from .services import deadlines_mark_overdue

logger = logging.getLogger(__name__)


def reminder_windows() -> list[int]:
    """Working days before the due date at which people are reminded (default 3 and 1)."""
    return sorted({int(w) for w in settings.FAZHI_REMINDER_WINDOWS if int(w) >= 1})


# --- making reminders -----------------------------------------------------------------------


def _threshold(today: date, n: int, calendar: WorkCalendar) -> date:
    """The latest due date that is at most ``n`` working days after ``today``.

    Near the end of the known years the count may run past the data; every stored due date
    was computed within it, so the last known day is then an exact bound, not a guess.
    """
    try:
        return add_working_days(today, n, calendar=calendar)
    except CalendarRangeError:
        return date(calendar.last_year, 12, 31)


_warned_on: set[date] = set()


def _warn_if_calendar_ends_soon(today: date, calendar: WorkCalendar) -> None:
    """Once a day per process: next year's national schedule must be known before the year
    runs out, or clocks reaching into it wait without a due date (domain.md §4)."""
    if date(calendar.last_year, 12, 31) - today < CALENDAR_WARNING and today not in _warned_on:
        _warned_on.add(today)
        logger.warning(
            "The working-day calendar ends on %s-12-31: once the State Council publishes its "
            "holiday notice for %s, an administrator enters it in the admin (Deadlines and "
            "reminders → National holiday notices), or chinesecalendar is upgraded.",
            calendar.last_year,
            calendar.last_year + 1,
        )


def _before_plan(
    *, today: date, jurisdiction_id: int, calendar: WorkCalendar
) -> list[tuple[int, date, int, date]]:
    """(jurisdiction, due date, window, occurrence) for every due date a "before" reminder is
    owed on ``today``: a handful of rows, worked out on the calendar, so that the database
    only has to look the due dates up in its (status, due) index.

    A deadline gets the tightest window it has reached: a clock opened two working days
    before its due date gets the 3-day reminder at once, and the 1-day one when its day comes;
    a sweep that missed the 3-day day and wakes up on the 1-day day sends only the 1-day one.
    The occurrence (the working day the reminder is meant for) depends on the due date and
    the window only, so every sweep inside one window names the same reminder.
    """
    windows = reminder_windows()
    if not windows:
        return []
    thresholds = [(w, _threshold(today, w, calendar)) for w in windows]
    plan = []
    due = today
    while due <= thresholds[-1][1]:
        window = next(w for w, latest in thresholds if due <= latest)
        occurrence = working_days_before(due, window, calendar=calendar)
        plan.append((jurisdiction_id, due, window, occurrence))
        due += timedelta(days=1)
    return plan


def _reminder_columns(explicit: list[str]) -> tuple[list[str], list]:
    """Every other NOT NULL column of the reminder table, with its model default: what a
    Reminder created in Python would get (a column added later is then filled too)."""
    columns, values = [], []
    for model_field in Reminder._meta.concrete_fields:
        if model_field.column in explicit or model_field.primary_key or model_field.null:
            continue
        columns.append(model_field.column)
        values.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    return columns, values


def _escalation_plan(
    *, today: date, jurisdiction_id: int, calendar: WorkCalendar
) -> tuple[int, date] | None:
    """(jurisdiction, latest due date) of the clocks overdue for at least
    ``FAZHI_ESCALATE_ABOVE_AFTER`` working days on ``today``, whose overdue reminders also go
    to the office above; None when ``today`` itself is in a year the calendar does not know
    (no silent guess: the office above is told once the notice is entered).

    Overdue for n working days: n working days after the due date, up to ``today``
    included. That holds for a due date before the n-th working day counted back from
    ``today`` (``today`` counted if it is one).
    """
    n = settings.FAZHI_ESCALATE_ABOVE_AFTER
    if n <= 0:  # at once: every overdue clock is due before today
        return jurisdiction_id, today - timedelta(days=1)
    try:
        nth = working_days_before(today + timedelta(days=1), n, calendar=calendar)
    except CalendarRangeError:
        return None
    return jurisdiction_id, nth - timedelta(days=1)


def _insert_due_reminders(*, today: date, now: datetime, plan: list, above: list) -> int:
    """Insert every reminder owed on ``today`` in one INSERT … SELECT; returns how many rows
    were inserted (rows that exist already, or that a concurrent sweep inserts first, are
    skipped by the unique constraint).

    Who acts on a clock (design.md, "Offices and people": reminders reach the people who can
    act): its active responsible people; when none is named (or none is active), the active
    holders of its ``responsible_role`` for its responsible unit.

    "Before" reminders (``plan``): to who acts on each open clock due on a planned date, or
    to the heads of its responsible unit when nobody does. Overdue reminders, once a day until
    met or waived (a clock already reminded of today is skipped): to who acts, and escalated
    to the heads of the responsible unit; once the clock is overdue past ``above`` (the
    latest due date per jurisdiction, ``_escalation_plan``), also to the heads of the unit
    above it (``Unit.parent``). Each reminder names its tier (``Reminder.escalation``); a
    person reached at two tiers gets one reminder, at the lower one. Role grants and heads
    are those ``selectors.unit_roles_all`` reads.
    """
    names = _names()
    explicit = [Reminder._meta.get_field(name).column for name in _REMINDER_FIELDS] + [
        Reminder._meta.get_field("created_at").column
    ]
    other_columns, other_values = _reminder_columns(explicit)
    columns = ", ".join(connection.ops.quote_name(c) for c in explicit + other_columns)
    other_sql = "".join(", %s" for _ in other_values)
    clocks_sql, clocks_params = _clocks_ctes(today=today, plan=plan, above=above, names=names)
    recipients_sql, recipients_params = _recipients_ctes(names=names)
    r_table, r_col = names.reminder, names.r_col
    # INSERT first and the WITH inside it: SQLite's driver counts rows only for a statement
    # that starts with INSERT.
    sql = f"""
        INSERT INTO {r_table} ({columns})
        WITH {clocks_sql},
        {recipients_sql}
        SELECT w.deadline_id, w.kind, w.recipient_id, w.occurrence, w.win, MIN(w.tier),
            %s{other_sql}
        FROM wanted AS w
        WHERE NOT EXISTS (
            SELECT 1 FROM {r_table} AS r
            WHERE r.{r_col["deadline"]} = w.deadline_id AND r.{r_col["kind"]} = w.kind
                AND r.{r_col["recipient"]} = w.recipient_id
                AND r.{r_col["occurrence"]} = w.occurrence
        )
        GROUP BY w.deadline_id, w.kind, w.recipient_id, w.occurrence, w.win
        ON CONFLICT DO NOTHING
    """
    params = [*clocks_params, *recipients_params, now, *other_values]
    with connection.cursor() as cursor:
        # One line: psycopg caches the parse of statements up to 4 kB (no literal in it
        # holds a space that matters: every value is a parameter).
        cursor.execute(" ".join(sql.split()), params)
        return cursor.rowcount


class _Names(NamedTuple):
    """The quoted tables and columns the reminders statement names."""

    deadline: str
    reminder: str
    people: str
    user: str
    unit: str
    parent: str
    r_col: dict[str, str]


def _names() -> _Names:
    q = connection.ops.quote_name
    deadline, reminder = Deadline._meta, Reminder._meta
    people = deadline.get_field("responsible_people").remote_field.through._meta
    user = people.get_field("user").related_model._meta
    unit = deadline.get_field("responsible_unit").related_model._meta
    return _Names(
        *(q(m.db_table) for m in (deadline, reminder, people, user, unit)),
        parent=q(unit.get_field("parent").column),
        r_col={name: q(reminder.get_field(name).column) for name in _REMINDER_FIELDS},
    )


def _clocks_ctes(*, today: date, plan: list, above: list, names: _Names) -> tuple[str, list]:
    """The clocks owed a reminder on ``today`` (``clocks``), with the ``plan`` and ``above``
    rows they are found by: the open clocks due on a planned date ("before"), and the overdue
    clocks not yet reminded of ``today``, each marked when it is escalated above."""
    d_table, r_table, r_col = names.deadline, names.reminder, names.r_col
    before, overdue = Reminder.Kind.BEFORE.value, Reminder.Kind.OVERDUE.value
    # Every join below is driven by the few clocks found on the (status, due) index and goes
    # through an index or a table of a handful of rows, so the plan stays the same when the
    # statistics are stale (the clocks just marked overdue are not in them yet).
    if plan:
        plan_cte = "plan (jurisdiction_id, due, win, occurrence) AS (VALUES {}),".format(
            ", ".join("(%s, %s, %s, %s)" for _ in plan)
        )
        before_branch = f"""
                SELECT d.id, CAST(d.responsible_unit_id AS TEXT), CAST(NULL AS TEXT),
                    d.responsible_role, %s, p.occurrence, p.win, 0
                FROM {d_table} AS d
                JOIN plan AS p ON p.due = d.due AND p.jurisdiction_id = d.jurisdiction_id
                WHERE d.status = %s AND d.due >= %s AND d.due <= %s
                UNION ALL"""
        plan_params = [value for row in plan for value in row]
        days = [row[1] for row in plan]
        before_params = [before, Deadline.Status.OPEN.value, min(days), max(days)]
    else:  # no reminder window: only overdue reminders
        plan_cte, before_branch, plan_params, before_params = "", "", [], []
    if above:
        above_cte = "above (jurisdiction_id, latest_due) AS (VALUES {}),".format(
            ", ".join("(%s, %s)" for _ in above)
        )
        above_params = [value for row in above for value in row]
        is_above = "CASE WHEN d.due <= a.latest_due THEN 1 ELSE 0 END"
        above_join = "LEFT JOIN above AS a ON a.jurisdiction_id = d.jurisdiction_id"
    else:  # no calendar knows today: nobody is escalated above today
        above_cte, above_params, is_above, above_join = "", [], "0", ""
    sql = f"""
        {plan_cte} {above_cte}
        clocks (id, unit_pk, parent_pk, role, kind, occurrence, win, above) AS ({before_branch}
            SELECT d.id, CAST(d.responsible_unit_id AS TEXT), CAST(un.{names.parent} AS TEXT),
                d.responsible_role, %s, %s, CAST(NULL AS INTEGER), {is_above}
            FROM {d_table} AS d
            JOIN {names.unit} AS un ON un.id = d.responsible_unit_id
            {above_join}
            WHERE d.status = %s AND NOT EXISTS (
                SELECT 1 FROM {r_table} AS r
                WHERE r.{r_col["deadline"]} = d.id AND r.{r_col["kind"]} = %s
                    AND r.{r_col["occurrence"]} = %s
            )
        )"""
    params = [
        *plan_params,
        *above_params,
        *before_params,
        overdue,
        today,
        Deadline.Status.OVERDUE.value,
        overdue,
        today,
    ]
    return sql, params


def _recipients_ctes(*, names: _Names) -> tuple[str, list]:
    """Whom each clock's reminder goes to, and at which tier (``wanted``): who acts on it, its
    unit's heads, the heads of the unit above; see ``_insert_due_reminders``."""
    overdue = Reminder.Kind.OVERDUE.value
    tier = Reminder.Escalation
    grants_sql, grants_params = unit_roles_all().query.sql_with_params()
    sql = f"""
        grants (unit_pk, role, user_id) AS ({grants_sql}),
        clock_grants (unit_pk, role, user_id) AS (
            SELECT g.unit_pk, g.role, g.user_id FROM grants AS g
            WHERE g.unit_pk IN (
                SELECT c.unit_pk FROM clocks AS c
                UNION ALL SELECT c.parent_pk FROM clocks AS c WHERE c.above = 1
            )
        ),
        named (deadline_id, user_id) AS (
            SELECT rp.deadline_id, rp.user_id
            FROM {names.people} AS rp JOIN {names.user} AS u ON u.id = rp.user_id
            WHERE rp.deadline_id IN (SELECT c.id FROM clocks AS c) AND u.is_active = %s
        ),
        actors (id, user_id) AS (
            SELECT n.deadline_id, n.user_id FROM named AS n
            UNION ALL
            SELECT c.id, g.user_id
            FROM clocks AS c JOIN clock_grants AS g ON g.unit_pk = c.unit_pk AND g.role = c.role
            WHERE NOT EXISTS (SELECT 1 FROM named AS n WHERE n.deadline_id = c.id)
        ),
        wanted (deadline_id, kind, recipient_id, occurrence, win, tier) AS (
            SELECT c.id, c.kind, a.user_id, c.occurrence, c.win, {tier.ACTOR:d}
            FROM clocks AS c JOIN actors AS a ON a.id = c.id
            UNION ALL
            SELECT c.id, c.kind, g.user_id, c.occurrence, c.win,
                CASE WHEN c.kind = %s THEN {tier.UNIT_HEAD:d} ELSE {tier.ACTOR:d} END
            FROM clocks AS c
            JOIN clock_grants AS g ON g.unit_pk = c.unit_pk AND g.role = %s
            WHERE c.kind = %s OR NOT EXISTS (SELECT 1 FROM actors AS a WHERE a.id = c.id)
            UNION ALL
            SELECT c.id, c.kind, g.user_id, c.occurrence, c.win, {tier.OFFICE_ABOVE:d}
            FROM clocks AS c
            JOIN clock_grants AS g ON g.unit_pk = c.parent_pk AND g.role = %s
            WHERE c.above = 1
        )"""
    return sql, [*grants_params, True, overdue, "unit_head", overdue, "unit_head"]


# The columns the sweep's INSERT names first, in this order (then created_at).
_REMINDER_FIELDS = ("deadline", "kind", "recipient", "occurrence", "window", "escalation")


def reminders_schedule(*, today: date, now: datetime) -> tuple[int, int]:
    """Mark overdue clocks and insert every reminder now due; returns (overdue, inserted).

    A fixed handful of statements whatever the number of clocks: the per-row work (which
    clock gets which reminder, and whom it goes to) is one INSERT … SELECT on the (status,
    due) index, so a sweep costs in proportion to the clocks that are due, not to the table.
    ``inserted`` counts rows actually inserted: copies a concurrent sweep made first are
    dropped by the unique constraint.
    """
    marked = deadlines_mark_overdue(today=today)
    plan, above = [], []
    for jurisdiction_id, calendar in calendars_all():
        _warn_if_calendar_ends_soon(today, calendar)
        plan += _before_plan(today=today, jurisdiction_id=jurisdiction_id, calendar=calendar)
        escalation = _escalation_plan(
            today=today, jurisdiction_id=jurisdiction_id, calendar=calendar
        )
        if escalation is not None:
            above.append(escalation)
    inserted = _insert_due_reminders(today=today, now=now, plan=plan, above=above)
    return len(marked), inserted
