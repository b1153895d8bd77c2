"""The reminder sweep: make due reminders, mark overdue clocks, deliver each reminder once.

Run every minute by Celery beat (``tasks.sweep``) and by ``manage.py reminders_sweep``.
Safe however often and however concurrently it runs:

* a reminder is a row unique per (deadline, kind, recipient, occurrence), inserted with
  ``ON CONFLICT DO NOTHING``, so a second sweep cannot make a second copy;
* a reminder is sent only by whoever wins a conditional UPDATE of ``claimed_at``, and marked
  sent in the same transaction that creates its notification; the notification is also unique
  per reminder in the database;
* nothing is lost when Redis or a worker is down: an unsent reminder stays in the table and the
  next sweep queues (or delivers) it again; a claim older than
  ``FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS`` belongs to a dead worker and is taken over.

E-mail is the one step outside the database: mark, then send. The commit that marks the
reminder sent also marks its e-mail "sending"; the e-mail goes out after it and is then marked
sent, retrying the mark on a new connection when the old one dropped. A failed send is marked
for a retry; a "sending" mark older than the claim timeout means its sender died and is sent
again. Only a sender that dies, or a database that stays away for half the claim timeout,
between the mail server's acceptance and the mark can repeat an e-mail; every attempt carries
the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from workflows.calendar import (
    CalendarRangeError,
    WorkCalendar,
    add_working_days,
    working_days_before,
)

from .messages import notice_reminder_message, recipient_language, reminder_message
from .models import CalendarNoticeReminder, Deadline, Reminder
from .selectors import (
    CALENDAR_WARNING,
    calendars_all,
    claim_timeout,
    reminders_pending,
    reminders_to_queue,
    unit_roles_all,
)
from .services import deadlines_compute_awaiting, deadlines_mark_overdue, notification_create

logger = logging.getLogger(__name__)

# Upper bound of reminders handled by one sweep; the rest wait for the next minute.
BATCH = 5000
# Reminders per delivery message: one publish costs about as much as one delivery's SQL, so a
# message per reminder made a 1,500-reminder morning cost 1,500 broker round trips (2.3 s of
# beat time in ``make bench``); 50 keep a 2-worker pool busy while costing 30.
QUEUE_CHUNK = 50


@dataclass
class SweepReport:
    today: date
    marked_overdue: int = 0
    created: int = 0
    delivered: int = 0
    skipped: int = 0
    queued: int = 0
    queue_errors: list[str] = field(default_factory=list)
    # Clocks computed because their holiday notice became known; clocks still waiting by year.
    computed: int = 0
    awaiting: dict[int, int] = field(default_factory=dict)
    notice_reminders: int = 0
    emails_retried: int = 0

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "computed": self.computed,
            "awaiting": {str(year): n for year, n in sorted(self.awaiting.items())},
            "notice_reminders": self.notice_reminders,
            "emails_retried": self.emails_retried,
            "marked_overdue": self.marked_overdue,
            "created": self.created,
            "delivered": self.delivered,
            "skipped": self.skipped,
            "queued": self.queued,
            "queue_errors": list(self.queue_errors),
        }


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
    q = connection.ops.quote_name
    deadline, reminder = Deadline._meta, Reminder._meta
    people = deadline.get_field("responsible_people").remote_field.through._meta
    user = people.get_field("user").related_model._meta
    unit = deadline.get_field("responsible_unit").related_model._meta
    d_table, r_table, p_table, u_table, unit_table = (
        q(m.db_table) for m in (deadline, reminder, people, user, unit)
    )
    parent_col = q(unit.get_field("parent").column)
    r_col = {name: q(reminder.get_field(name).column) for name in _REMINDER_FIELDS}
    grants_sql, grants_params = unit_roles_all().query.sql_with_params()
    explicit = [reminder.get_field(name).column for name in _REMINDER_FIELDS] + [
        reminder.get_field("created_at").column
    ]
    other_columns, other_values = _reminder_columns(explicit)
    columns = ", ".join(q(c) for c in explicit + other_columns)
    other_sql = "".join(", %s" for _ in other_values)
    before, overdue = Reminder.Kind.BEFORE.value, Reminder.Kind.OVERDUE.value
    tier = Reminder.Escalation
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
    # INSERT first and the WITH inside it: SQLite's driver counts rows only for a statement
    # that starts with INSERT.
    sql = f"""
        INSERT INTO {r_table} ({columns})
        WITH {plan_cte} {above_cte}
        clocks (id, unit_pk, parent_pk, role, kind, occurrence, win, above) AS ({before_branch}
            SELECT d.id, CAST(d.responsible_unit_id AS TEXT), CAST(un.{parent_col} AS TEXT),
                d.responsible_role, %s, %s, CAST(NULL AS INTEGER), {is_above}
            FROM {d_table} AS d
            JOIN {unit_table} AS un ON un.id = d.responsible_unit_id
            {above_join}
            WHERE d.status = %s AND NOT EXISTS (
                SELECT 1 FROM {r_table} AS r
                WHERE r.{r_col["deadline"]} = d.id AND r.{r_col["kind"]} = %s
                    AND r.{r_col["occurrence"]} = %s
            )
        ),
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
            FROM {p_table} AS rp JOIN {u_table} AS u ON u.id = rp.user_id
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
        )
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
    params = [
        *plan_params,
        *above_params,
        *before_params,
        overdue,
        today,
        Deadline.Status.OVERDUE.value,
        overdue,
        today,
        *grants_params,
        True,
        overdue,
        "unit_head",
        overdue,
        "unit_head",
        now,
        *other_values,
    ]
    with connection.cursor() as cursor:
        # One line: psycopg caches the parse of statements up to 4 kB (no literal in it
        # holds a space that matters: every value is a parameter).
        cursor.execute(" ".join(sql.split()), params)
        return cursor.rowcount


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


# --- clocks awaiting a holiday notice -------------------------------------------------------


def awaiting_by_year() -> dict[int, int]:
    """{year: number of clocks waiting for its holiday notice} (the partial index)."""
    return dict(
        Deadline.objects.filter(due=None)
        .values("awaiting_year")
        .annotate(n=Count("pk"))
        .values_list("awaiting_year", "n")
    )


def _administrators():
    """Who enters a holiday notice: active superusers and members of "administrator"."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name="administrator"))
        .distinct()
        .order_by("pk")
    )


def notice_reminders_send(*, today: date, now: datetime, awaiting: dict[int, int]) -> int:
    """Remind every administrator, once a day, of each year whose notice clocks wait for.

    Every day until the notice is entered (domain.md §4: the clock waits visibly). One row per
    (year, person, day), unique in the database and created in the transaction that creates
    its notification and sends its e-mail: a second sweep the same day sends nothing.
    """
    sent = 0
    for year, waiting in sorted(awaiting.items()):
        for person in _administrators():
            try:
                with transaction.atomic():
                    row, created = CalendarNoticeReminder.objects.get_or_create(
                        year=year,
                        recipient=person,
                        occurrence=today,
                        defaults={"waiting": waiting, "created_at": now},
                    )
                    if not created:
                        continue
                    message = notice_reminder_message(
                        year=year, waiting=waiting, language=recipient_language(person)
                    )
                    row.notification = notification_create(
                        recipient=person, title=message.title, body=message.body, url=message.url
                    )
                    row.save(update_fields=["notification"])
                    if person.email:
                        send_mail(
                            subject=message.title,
                            message=message.body,
                            from_email=None,
                            recipient_list=[person.email],
                        )
                sent += 1
            except IntegrityError:  # a concurrent sweep made it first
                continue
            except Exception:  # noqa: BLE001 - tomorrow's sweep (or the next) tries again
                logger.exception("Holiday notice reminder to %s failed", person.pk)
    return sent


# --- delivering them ------------------------------------------------------------------------


class _ClaimLost(Exception):
    """Our claim was taken over (we were presumed dead): the other deliverer sends it."""


def reminder_deliver(*, reminder_id: int, now: datetime) -> bool:
    """Send one reminder if nobody else has or is: returns True when this call sent it.

    Claim (its own committed UPDATE, so rivals see it), then in one transaction: mark it sent
    (only if our claim still holds), create the notification and, when the person has an
    address, mark its e-mail "sending". After that commit the e-mail goes out and is marked
    sent (``_email_send``): mark, then send, so a database connection that drops after the
    send cannot roll its mark back together with the reminder's and have both done again.
    A failure before the commit rolls everything back and releases the claim for a later
    sweep (in queue mode, once the claim timeout has passed since it was queued).
    A call for a reminder already sent retries its e-mail if that is owed
    (``reminder_email_retry``): a queued message run again after its worker died is enough.
    """
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at=None, cancelled_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()))
        .update(claimed_at=now)
    )
    if claimed != 1:
        reminder_email_retry(reminder_id=reminder_id, now=now)
        return False
    try:
        with transaction.atomic():
            mine = Reminder.objects.filter(
                pk=reminder_id, sent_at=None, cancelled_at=None, claimed_at=now
            )
            # Locks the row until commit: a rival's take-over or a cancellation waits for us.
            if mine.update(sent_at=now) != 1:
                raise _ClaimLost
            reminder = Reminder.objects.select_related(
                "recipient", "deadline__responsible_unit__parent", "deadline__content_type"
            ).get(pk=reminder_id)
            recipient = reminder.recipient
            message = reminder_message(reminder, language=recipient_language(recipient))
            notification_create(
                recipient=recipient,
                title=message.title,
                body=message.body,
                url=message.url,
                reminder=reminder,
            )
            if recipient.email:
                Reminder.objects.filter(pk=reminder_id).update(
                    email_status=Reminder.Email.SENDING, email_claimed_at=now
                )
    except _ClaimLost:
        return False
    except Exception as error:  # noqa: BLE001 - whatever broke, the reminder must be retried
        logger.exception("Reminder %s could not be sent; it will be retried", reminder_id)
        Reminder.objects.filter(pk=reminder_id, sent_at=None, claimed_at=now).update(
            claimed_at=None, failures=F("failures") + 1, last_error=repr(error)[:2000]
        )
        return False
    if recipient.email:
        _email_send(reminder_id=reminder_id, claim=now, to=recipient.email, message=message)
    return True


def _email_owed(now: datetime) -> Q:
    """An e-mail to send: it failed and waits for a retry, or its sender died mid-send."""
    return Q(email_status=Reminder.Email.PENDING) | Q(
        email_status=Reminder.Email.SENDING, email_claimed_at__lt=now - claim_timeout()
    )


def reminder_email_retry(*, reminder_id: int, now: datetime) -> bool:
    """Send the e-mail of a reminder already delivered in the app, if it is owed (a failed
    send, or a sender that died before marking it); True when this call sent it."""
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=False, cancelled_at=None)
        .filter(_email_owed(now))
        .update(email_status=Reminder.Email.SENDING, email_claimed_at=now)
    )
    if claimed != 1:
        return False
    reminder = Reminder.objects.select_related(
        "recipient", "deadline__responsible_unit__parent", "deadline__content_type"
    ).get(pk=reminder_id)
    recipient = reminder.recipient
    if not recipient.email:  # the address was removed since
        _email_mark(reminder_id, now, email_status=Reminder.Email.NONE)
        return False
    message = reminder_message(reminder, language=recipient_language(recipient))
    return _email_send(reminder_id=reminder_id, claim=now, to=recipient.email, message=message)


def reminder_message_id(reminder_id: int) -> str:
    """The same Message-ID for every attempt at one reminder's e-mail: a mail system or client
    that sees it twice knows it is one message."""
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "fazhi").strip("> ")
    return f"<reminder-{reminder_id}@{domain}>"


def _email_send(*, reminder_id: int, claim: datetime, to: str, message) -> bool:
    """Send the e-mail claimed "sending" at ``claim`` and mark the outcome; True when sent."""
    email = EmailMessage(
        subject=message.title,
        body=message.body,
        to=[to],
        headers={"Message-ID": reminder_message_id(reminder_id)},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as refused:
        # Refused for good: retrying cannot help, and the notification is in the app already.
        logger.warning("Reminder %s: e-mail refused: %r", reminder_id, refused)
        _email_mark(
            reminder_id,
            claim,
            email_status=Reminder.Email.REFUSED,
            last_error=f"e-mail refused: {refused!r}"[:2000],
        )
        return False
    except Exception as error:  # noqa: BLE001 - the server is down: a later sweep retries
        logger.warning("Reminder %s: e-mail not sent, retried later: %r", reminder_id, error)
        _email_mark(
            reminder_id,
            claim,
            email_status=Reminder.Email.PENDING,
            failures=F("failures") + 1,
            last_error=repr(error)[:2000],
        )
        return False
    _email_mark(reminder_id, claim, email_status=Reminder.Email.SENT, emailed_at=timezone.now())
    return True


def _email_mark(reminder_id: int, claim: datetime, **fields) -> None:
    """Record an e-mail's outcome under our claim, retrying on a fresh connection.

    After a send, the mark is what stands between the reader and a second copy: a dropped
    connection is closed and the mark tried again on a new one, for up to half the claim
    timeout (a stale "sending" claim is retried as a send after the whole timeout).
    """
    give_up = time.monotonic() + claim_timeout().total_seconds() / 2
    pause = 0.1
    while True:
        try:
            Reminder.objects.filter(
                pk=reminder_id, email_status=Reminder.Email.SENDING, email_claimed_at=claim
            ).update(**fields)
            return
        except (OperationalError, InterfaceError) as error:
            connection.close()  # unusable now; the next query opens a new connection
            if time.monotonic() + pause > give_up:
                logger.error(
                    "Reminder %s: e-mail outcome %s could not be recorded: %r",
                    reminder_id,
                    fields.get("email_status"),
                    error,
                )
                return
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _emails_retry(*, now: datetime, report: SweepReport) -> None:
    """E-mails owed for reminders delivered in the app: failed sends and dead senders."""
    ids = list(
        Reminder.objects.filter(sent_at__isnull=False, cancelled_at=None)
        .filter(_email_owed(now))
        .order_by("email_claimed_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    for reminder_id in ids:
        if reminder_email_retry(reminder_id=reminder_id, now=now):
            report.emails_retried += 1


def _enqueue(ids: list[int], now: datetime, report: SweepReport) -> None:
    """Publish the reminders in messages of ``QUEUE_CHUNK``; on a broker failure, stop and
    un-mark the rest so that the next sweep queues them again.

    A message that reaches the broker and is then lost (Redis restarted empty) leaves its
    reminders marked queued: the next sweep after the claim timeout queues them again.
    """
    from .tasks import deliver_reminders

    for start in range(0, len(ids), QUEUE_CHUNK):
        chunk = ids[start : start + QUEUE_CHUNK]
        try:
            deliver_reminders.apply_async(
                args=[chunk],
                retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
            )
        except Exception as error:  # noqa: BLE001 - kombu/redis raise many kinds when down
            left = ids[start:]
            Reminder.objects.filter(pk__in=left, queued_at=now, sent_at=None).update(queued_at=None)
            report.queue_errors.append(repr(error)[:500])
            logger.warning(
                "Broker unreachable, %s reminder(s) stay pending for the next sweep: %r",
                len(left),
                error,
            )
            return
        report.queued += len(chunk)


def _queue_pending(*, now: datetime, report: SweepReport) -> None:
    ids = list(
        reminders_to_queue(now=now).order_by("created_at").values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return
    # Mark them queued with our own timestamp; what we marked is what we publish.
    reminders_to_queue(now=now).filter(pk__in=ids).update(queued_at=now)
    mine = list(Reminder.objects.filter(pk__in=ids, queued_at=now).values_list("pk", flat=True))
    transaction.on_commit(lambda: _enqueue(mine, now, report))


def reminders_sweep(*, today: date, now: datetime, deliver: str = "inline") -> SweepReport:
    """One sweep: schedule due reminders and mark overdue clocks, then deliver.

    ``deliver="inline"`` sends every pending reminder in this process (the management command,
    tests); ``deliver="queue"`` publishes ``deliver_reminders`` tasks of up to ``QUEUE_CHUNK``
    reminders after commit (beat).
    Never raises because the broker is down.
    """
    if deliver not in ("inline", "queue"):
        raise ValueError(f"deliver must be 'inline' or 'queue', not {deliver!r}")
    report = SweepReport(today=today)
    # A notice entered since (or a chinesecalendar upgrade) releases waiting clocks first, so
    # that their reminders are made in this very sweep.
    report.computed = len(deadlines_compute_awaiting().computed)
    report.awaiting = awaiting_by_year()
    report.notice_reminders = notice_reminders_send(today=today, now=now, awaiting=report.awaiting)
    report.marked_overdue, report.created = reminders_schedule(today=today, now=now)
    # Rare (a mail server down, a sender killed mid-send): retried here in either mode.
    _emails_retry(now=now, report=report)
    if deliver == "queue":
        _queue_pending(now=now, report=report)
        return report
    ids = list(
        reminders_pending(now=now).order_by("created_at").values_list("pk", flat=True)[:BATCH]
    )
    for reminder_id in ids:
        if reminder_deliver(reminder_id=reminder_id, now=now):
            report.delivered += 1
        else:
            report.skipped += 1
    return report
