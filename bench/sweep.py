"""Reminder sweep: one sweep over 1,000,000 open deadlines of which 1,000 are due, against one
indexed SELECT of those rows.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m bench.sweep [--quick]

The deadlines (and their responsible person) are loaded with COPY; half of the due ones fall
inside the 1-working-day reminder window, half are already overdue (marked so, and escalated to
the unit head). Timed, on the same database:

* the reference: one indexed SELECT of the due rows (best of 5);
* ``reminders_schedule``: the part of a sweep that scans (mark overdue, find due clocks,
  insert reminders) — the part that grows with the table;
* a second reference, the write floor: the rows the schedule left behind (reminders, record
  events, overdue statuses) written again by plain SQL into tables with the same indexes. A
  sweep must write them, so no sweep can be faster than this; the SELECT reference writes
  nothing;
* one full sweep as beat runs it (``deliver="queue"``: one Celery message per 50 reminders
  to REDIS_URL; the queue is purged afterwards);
* one full sweep with inline delivery (notification + e-mail per reminder, in this process);
* a repeat sweep on the same day, which finds nothing to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bench import harness

TODAY = dt.date(2024, 10, 11)  # Friday; the next working day is the 调休 Saturday 2024-10-12
DUE_SOON = dt.date(2024, 10, 12)  # inside the 1-day window
DUE_PAST = dt.date(2024, 10, 10)  # overdue on TODAY


def _time_select(repeat: int = 5) -> tuple[float, int, str]:
    """Best-of time of the indexed SELECT of the due rows, their count, and its plan."""
    from django.db import connection

    from workflows.calendar import add_working_days
    from workflows.clocks.models import Deadline
    from workflows.clocks.selectors import calendar_for

    horizon = add_working_days(TODAY, 3, calendar=calendar_for())
    query = (
        Deadline.objects.filter(status__in=Deadline.RUNNING, due__lte=horizon)
        .order_by()
        .values_list("id", flat=True)
    )
    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = len(list(query.all()))  # .all(): a fresh queryset, not the cached result
        best = min(best, time.perf_counter() - started)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " / ".join(row[0].strip() for row in cursor.fetchall())
    return best, count, plan


def populate(n: int, due: int) -> float:
    """COPY ``n`` open deadlines (``due`` of them due on TODAY) and one responsible person each."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from workflows.clocks.selectors import jurisdiction_default
    from workflows.models import Unit

    started = time.perf_counter()
    with transaction.atomic():
        unit, person = _staff_ensure()
        jurisdiction = jurisdiction_default()
        content_type = ContentType.objects.get_for_model(Unit).pk
        with connection.cursor() as cursor:
            _deadlines_copy(
                cursor, n, due, content_type=content_type, jurisdiction=jurisdiction, unit=unit
            )
            with cursor.cursor.copy(
                "COPY clocks_deadline_responsible_people (deadline_id, user_id) FROM STDIN"
            ) as copy:
                for i in range(1, n + 1):
                    copy.write_row((i, person.pk))
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('clocks_deadline', 'id'), %s)", [n]
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE clocks_deadline")
        cursor.execute("VACUUM ANALYZE clocks_deadline_responsible_people")
    return time.perf_counter() - started


def _staff_ensure():
    """The review office, its reviewer (responsible for every deadline) and its head (whom an
    overdue deadline escalates to); the office and the reviewer."""
    from workflows.models import Unit
    from workflows.services import person_ensure, unit_ensure

    unit, _ = unit_ensure(name="乌恰县司法局", kind=Unit.Kind.DEPARTMENT, issuer_code="恰司")
    person, _ = person_ensure(
        username="reviewer",
        full_name="审查人",
        unit=unit,
        password=None,
        email="reviewer@example.org",
    )
    person_ensure(
        username="head",
        full_name="局长",
        unit=unit,
        password=None,
        email="head@example.org",
        roles={"unit_head": [unit]},
    )
    return unit, person


def _deadlines_copy(cursor, n: int, due: int, *, content_type: int, jurisdiction, unit) -> None:
    """COPY the ``n`` open deadlines: half of the ``due`` first ones due soon, the other half
    overdue, the rest due well after TODAY."""
    far = dt.date(2024, 11, 1)
    columns = (
        "id, content_type_id, object_id, subject_label, jurisdiction_id, rule_key, "
        "rule_description, legal_source, start, unit, amount, due, status, "
        "responsible_unit_id"
    )
    extra = _defaults(cursor)
    names = columns + "".join(f", {c}" for c, _ in extra)
    values = tuple(v for _, v in extra)
    with cursor.cursor.copy(f"COPY clocks_deadline ({names}) FROM STDIN") as copy:
        for i in range(1, n + 1):
            if i <= due // 2:
                day = DUE_SOON
            elif i <= due:
                day = DUE_PAST
            else:
                day = far + dt.timedelta(days=i % 700)
            copy.write_row(
                (
                    i,
                    content_type,
                    str(i),
                    f"事项 {i}",
                    jurisdiction.pk,
                    "bench.review",
                    "Legality review",
                    "《重大行政决策程序暂行条例》第二十六条",
                    day - dt.timedelta(days=20),
                    "working",
                    7,
                    day,
                    "open",
                    unit.pk,
                )
                + values
            )


def write_floor(*, events_after: int, repeat: int = 3) -> float:
    """Best-of time to write, with plain SQL in one transaction, the very rows the schedule
    wrote: its reminders and record events copied into tables made ``LIKE`` theirs (same
    columns, indexes and constraints; no triggers or foreign keys) and the overdue clocks'
    status rewritten. No decision is taken and nothing is hashed: it is what the disk and the
    indexes cost, the floor under any sweep that must leave those rows behind."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        for table in ("clocks_reminder", "record_event"):
            cursor.execute(f"DROP TABLE IF EXISTS bench_floor_{table}")
            cursor.execute(f"CREATE TABLE bench_floor_{table} (LIKE {table} INCLUDING ALL)")
    best = float("inf")
    for _ in range(repeat):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_floor_clocks_reminder, bench_floor_record_event")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE clocks_deadline SET status = status WHERE status = 'overdue'")
            cursor.execute("INSERT INTO bench_floor_clocks_reminder SELECT * FROM clocks_reminder")
            cursor.execute(
                "INSERT INTO bench_floor_record_event SELECT * FROM record_event WHERE seq > %s",
                [events_after],
            )
        best = min(best, time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor_clocks_reminder, bench_floor_record_event")
    return best


def _defaults(cursor) -> list[tuple[str, object]]:
    """Values for the NOT NULL columns of clocks_deadline this script does not name (the model
    grows; what a new clock gets by default is what a bulk row gets)."""
    from workflows.clocks.models import Deadline

    named = {
        "id",
        "content_type_id",
        "object_id",
        "subject_label",
        "jurisdiction_id",
        "rule_key",
        "rule_description",
        "legal_source",
        "start",
        "unit",
        "amount",
        "due",
        "status",
        "responsible_unit_id",
    }
    out = []
    for field in Deadline._meta.concrete_fields:
        if field.column in named or field.null:
            continue
        if field.has_default():
            value = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
        else:
            value = ""
        out.append((field.column, field.get_db_prep_save(value, cursor.db)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--deadlines", type=int, default=None)
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    n = args.deadlines or (50_000 if args.quick else 1_000_000)

    name = harness.setup("sweep")
    try:
        m = measure(n, args.due)
    finally:
        harness.teardown(name, keep=args.keep)

    figures = figures_of(n, m)
    harness.emit("sweep", figures, table(n, figures))


def measure(n: int, due: int) -> dict:
    """Populate, then time the reference SELECT, the schedule, the write floor and the sweeps
    on the same database; the times (seconds) and what each did."""
    from django.db import transaction
    from django.utils import timezone

    from workflows.clocks.sweep import reminders_schedule
    from workflows.record.models import Event

    populate_s = populate(n, due)
    select_s, due_rows, plan = _time_select()
    if due_rows != due:
        raise SystemExit(f"{due_rows} rows due, expected {due}")

    events_before = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    started = time.perf_counter()
    with transaction.atomic():
        marked, created = reminders_schedule(today=TODAY, now=timezone.now())
    schedule_s = time.perf_counter() - started
    floor_s = write_floor(events_after=events_before)
    return {
        "populate_s": populate_s,
        "select_s": select_s,
        "due_rows": due_rows,
        "plan": plan,
        "schedule_s": schedule_s,
        "floor_s": floor_s,
        "marked": marked,
        "created": created,
        **sweeps_time(),
    }


def sweeps_time() -> dict:
    """The beat sweep (it only queues: the reminders exist), an inline sweep and a repeat
    one; their times, what each did, and the rows and mails they left."""
    from django.core import mail
    from django.utils import timezone

    from config.celery import app
    from workflows.clocks.models import Notification, Reminder
    from workflows.clocks.sweep import reminders_sweep

    # The beat sweep: the reminders exist now, so it only queues them.
    app.control.purge()
    started = time.perf_counter()
    queued = reminders_sweep(today=TODAY, now=timezone.now(), deliver="queue")
    queue_s = time.perf_counter() - started
    app.control.purge()
    Reminder.objects.update(queued_at=None)

    started = time.perf_counter()
    inline = reminders_sweep(today=TODAY, now=timezone.now(), deliver="inline")
    inline_s = time.perf_counter() - started
    started = time.perf_counter()
    repeat = reminders_sweep(today=TODAY, now=timezone.now(), deliver="inline")
    repeat_s = time.perf_counter() - started
    counts = {
        "reminders": Reminder.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": len(mail.outbox),
    }
    return {
        "queue_s": queue_s,
        "inline_s": inline_s,
        "repeat_s": repeat_s,
        "queued": queued,
        "inline": inline,
        "repeat": repeat,
        "counts": counts,
    }


def figures_of(n: int, m: dict) -> dict:
    select_s, schedule_s, floor_s = m["select_s"], m["schedule_s"], m["floor_s"]
    queue_s, inline_s, repeat_s = m["queue_s"], m["inline_s"], m["repeat_s"]
    return {
        "deadlines": n,
        "due": m["due_rows"],
        "populate_s": round(m["populate_s"], 1),
        "select_ms": round(select_s * 1000, 2),
        "schedule_ms": round(schedule_s * 1000, 1),
        "queue_sweep_ms": round(queue_s * 1000, 1),
        "inline_sweep_ms": round(inline_s * 1000, 1),
        "repeat_sweep_ms": round(repeat_s * 1000, 1),
        "write_floor_ms": round(floor_s * 1000, 1),
        "schedule_ratio": harness.ratio(schedule_s, select_s, 1),
        "write_floor_ratio": harness.ratio(floor_s, select_s, 1),
        "schedule_to_write_floor": harness.ratio(schedule_s, floor_s, 2),
        "queue_sweep_ratio": harness.ratio(queue_s, select_s, 1),
        "inline_sweep_ratio": harness.ratio(inline_s, select_s, 1),
        "repeat_sweep_ratio": harness.ratio(repeat_s, select_s, 1),
        "marked_overdue": m["marked"],
        "reminders_created": m["created"],
        "queued": m["queued"].queued,
        "delivered_inline": m["inline"].delivered,
        "repeat_delivered": m["repeat"].delivered,
        **m["counts"],
        "select_plan": m["plan"],
    }


def table(n: int, figures: dict) -> list[tuple[str, str]]:
    return [
        ("open deadlines / due", f"{n:,} / {figures['due']}"),
        ("COPY + VACUUM ANALYZE", f"{figures['populate_s']} s"),
        ("reference: indexed SELECT of the due rows", f"{figures['select_ms']} ms"),
        (
            "schedule (scan, mark overdue, insert reminders)",
            f"{figures['schedule_ms']} ms  = {figures['schedule_ratio']}× SELECT",
        ),
        (
            "floor: the same rows written by plain SQL",
            f"{figures['write_floor_ms']} ms  = {figures['write_floor_ratio']}× SELECT",
        ),
        ("schedule / write floor", f"{figures['schedule_to_write_floor']}×"),
        (
            "beat sweep, deliver=queue (50 reminders a message)",
            f"{figures['queue_sweep_ms']} ms  = {figures['queue_sweep_ratio']}× SELECT",
        ),
        (
            "sweep, inline delivery (notification + e-mail)",
            f"{figures['inline_sweep_ms']} ms  = {figures['inline_sweep_ratio']}× SELECT",
        ),
        (
            "repeat sweep, nothing to do",
            f"{figures['repeat_sweep_ms']} ms  = {figures['repeat_sweep_ratio']}× SELECT",
        ),
        (
            "reminders / notifications / e-mails",
            f"{figures['reminders']} / {figures['notifications']} / {figures['emails']}",
        ),
        ("SELECT plan", figures["select_plan"]),
    ]


if __name__ == "__main__":
    main()
