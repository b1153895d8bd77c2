"""Benchmark of the reminder sweep on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi .venv/bin/python bench/sweep_bench.py

DATABASE_URL only says which server to use: the script creates its own scratch database
``fazhi_bench_sweep`` there (dropping a leftover one), migrates it, and drops it at the end
(unless --keep). It bulk-creates N open deadlines (default 100,000), each with one
responsible person, of which 100 are due on the swept day: 50 inside the 1-day reminder
window and 50 already past their due date (they are marked overdue and escalated to the unit
head). The other deadlines fall due over the next two years.

It then times
* one indexed SELECT of the due rows (best of 5), the floor any sweep has to pay;
* one full sweep with in-process delivery (schedule + mark overdue + record events +
  notifications + e-mails to the in-memory backend);
* a second sweep on the same day, which must find nothing to do;

and prints a table, then one JSON line with every figure.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "fazhi_bench_sweep"
TODAY = dt.date(2024, 10, 11)  # Friday; the next working day is the 调休 Saturday 2024-10-12
DUE_SOON = dt.date(2024, 10, 12)  # inside the 1-day window
DUE_PAST = dt.date(2024, 10, 10)  # overdue on TODAY
DUE_COUNT = 100


def _server_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _database_create(url: str) -> str:
    with _server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def _database_drop(url: str) -> None:
    with _server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command

    mail.outbox = []  # the in-memory backend appends here, as in tests
    call_command("migrate", verbosity=0)


def _populate(n: int) -> float:
    """Bulk-create ``n`` open deadlines (DUE_COUNT of them due); return the seconds taken."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from workflows.clocks.models import Deadline
    from workflows.clocks.selectors import jurisdiction_default
    from workflows.models import Unit
    from workflows.services import person_ensure, unit_ensure

    started = time.perf_counter()
    with transaction.atomic():
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
        jurisdiction = jurisdiction_default()
        content_type = ContentType.objects.get_for_model(Unit)
        far = [dt.date(2024, 11, 1) + dt.timedelta(days=i % 700) for i in range(n)]
        rows = []
        for i in range(n):
            if i < DUE_COUNT // 2:
                due = DUE_SOON
            elif i < DUE_COUNT:
                due = DUE_PAST
            else:
                due = far[i]
            rows.append(
                Deadline(
                    content_type=content_type,
                    object_id=str(i),
                    subject_label=f"事项 {i}",
                    jurisdiction=jurisdiction,
                    rule_key="bench.review",
                    rule_description="Legality review",
                    legal_source="《重大行政决策程序暂行条例》第二十六条",
                    start=due - dt.timedelta(days=20),
                    unit="working",
                    amount=7,
                    due=due,
                    responsible_unit=unit,
                )
            )
        Deadline.objects.bulk_create(rows, batch_size=5000)
        through = Deadline.responsible_people.through
        ids = Deadline.objects.values_list("id", flat=True)
        through.objects.bulk_create(
            [through(deadline_id=i, user_id=person.pk) for i in ids.iterator()], batch_size=5000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


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


def _time_sweep() -> tuple[float, dict]:
    from django.utils import timezone

    from workflows.clocks.sweep import reminders_sweep

    started = time.perf_counter()
    report = reminders_sweep(today=TODAY, now=timezone.now(), deliver="inline")
    return time.perf_counter() - started, report.as_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server")
    url = _database_create(server)
    try:
        _django_setup(url)
        from django.core import mail

        from workflows.clocks.models import Notification, Reminder

        populate_s = _populate(args.deadlines)
        select_s, due_rows, plan = _time_select()
        sweep_s, first = _time_sweep()
        repeat_s, second = _time_sweep()
        results = {
            "deadlines": args.deadlines,
            "due_rows": due_rows,
            "populate_s": round(populate_s, 3),
            "select_due_ms": round(select_s * 1000, 3),
            "sweep_ms": round(sweep_s * 1000, 1),
            "repeat_sweep_ms": round(repeat_s * 1000, 1),
            "sweep_to_select_ratio": round(sweep_s / select_s, 1),
            "repeat_sweep_to_select_ratio": round(repeat_s / select_s, 1),
            "reminders": Reminder.objects.count(),
            "notifications": Notification.objects.count(),
            "emails": len(mail.outbox),
            "first_sweep": first,
            "second_sweep": second,
            "select_plan": plan,
        }
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _database_drop(server)

    rows = [
        ("open deadlines", f"{results['deadlines']:,}"),
        ("due on the swept day", results["due_rows"]),
        ("bulk create + ANALYZE", f"{results['populate_s']:.2f} s"),
        ("indexed SELECT of due rows (best of 5)", f"{results['select_due_ms']:.2f} ms"),
        ("one sweep, inline delivery", f"{results['sweep_ms']:.0f} ms"),
        ("same sweep again (nothing to do)", f"{results['repeat_sweep_ms']:.0f} ms"),
        ("sweep / SELECT", f"{results['sweep_to_select_ratio']}×"),
        ("repeat sweep / SELECT", f"{results['repeat_sweep_to_select_ratio']}×"),
        (
            "reminders / notifications / e-mails",
            f"{results['reminders']} / {results['notifications']} / {results['emails']}",
        ),
        ("SELECT plan", results["select_plan"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
