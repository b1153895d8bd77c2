"""``make drill``: fault drills on real processes — gunicorn (2 workers), a prefork Celery worker
(concurrency 2) and Celery beat, on the production settings — counting what each fault costs.

    DATABASE_URL=postgres://…/fazhi .venv/bin/python -m bench.drill
        [--only baseline,redis,worker,beats,pg_delivery,pg_http] [--clocks 200] [--decisions 40]
        [--keep]

DATABASE_URL names the PostgreSQL server; its database is never touched: the drill creates
``<that database>_drill``, migrates it, loads the demo (``manage.py demo``) and drops it at the
end. Redis is the drill's own redis-server on a free 127.0.0.1 port (it is stopped on purpose;
the shared Redis is never used). The processes use ``bench.drill_settings`` (production, with
e-mail appended to var/drill/mail.txt) and log to var/drill/.

Scenarios, each on its own 200 clocks that are overdue today on the real calendar (the
processes read today from the real clock), so 400 reminders and 400 e-mails are owed:

* baseline — nothing goes wrong;
* redis — the drill's redis-server stopped for 10 s during sweeps, started again empty;
* worker — the worker SIGKILLed (with its children) twice mid-delivery and restarted;
* beats — a second beat beside the first;
* pg_delivery — every backend of the drill's processes terminated every 0.5 s while the
  reminders are delivered;
* pg_http — the same terminations while decisions go from proposal to the meeting through the
  API (``POST /api/v1/tasks/{id}/complete/``) as the demo's drafter and legal advisor.

After each: reminders owed / sent / lost / doubled, e-mails sent / doubled (the same Message-ID
twice in the mail file) / missing, half-done transitions (a task done without its record event,
or an event for a task not done), 5xx answers, seconds. Then one JSON line with every figure.
Exits 1 when anything was lost, doubled or half-done, or the record does not verify; 5xx
answers during terminated connections are reported, not failed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from functools import partial
from urllib.parse import urlsplit

from bench import drill_procs as procs
from bench import drill_scenarios as sc
from bench import drill_transitions as tr
from bench import harness

SETTINGS = "bench.drill_settings"
SCENARIOS = {
    "baseline": "(a) baseline: no fault",
    "redis": "(b) Redis stopped 10 s during sweeps, restarted empty",
    "worker": "(c) worker SIGKILLed twice mid-delivery, restarted",
    "beats": "(d) two beats",
    "pg_delivery": "(e) PostgreSQL backends terminated every 0.5 s during delivery",
    "pg_http": "(f) PostgreSQL backends terminated every 0.5 s during HTTP transitions",
}
TOTAL_LIMIT = 8 * 60  # seconds: later scenarios are skipped (and reported so) past this


def drill_database() -> str:
    """``<DATABASE_URL's database>_drill`` on the same server."""
    return f"{urlsplit(harness.server_url()).path.lstrip('/').split('?')[0] or 'fazhi'}_drill"


def manage(env: dict[str, str], *args: str, settings: str = SETTINGS) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=harness.ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def signing_key(env: dict[str, str]) -> str:
    """A fresh record signing key from the project's own command (production requires one)."""
    out = manage(env, "record_keygen", settings="config.settings.local")
    return next(
        line.split("=", 1)[1]
        for line in out.splitlines()
        if line.startswith("FAZHI_RECORD_SIGNING_KEY=")
    )


def prepare(env: dict[str, str], database: str) -> None:
    """Create, migrate and fill the scratch database; build the static files meanwhile."""
    with harness.admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    run_env = {**env, "DJANGO_SETTINGS_MODULE": SETTINGS}
    with open(procs.LOGS / "setup.log", "w") as log:
        static = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=harness.ROOT,
            env=run_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        manage(env, "migrate", "--noinput", "-v0")
        # The demo county, people and decisions; the demo refuses production settings (no demo
        # password there), so it is loaded with the local ones, on the same database and key.
        manage(env, "demo", "--quiet-accounts", settings="config.settings.local")
        if static.wait(timeout=300) != 0:
            raise SystemExit("collectstatic failed; see var/drill/setup.log")


def people_ensure(drill: sc.Drill) -> None:
    """The drill's unit with a reviewer and a head, both with an e-mail address (the demo's
    people have none), made with the project's services."""
    from workflows.models import Unit
    from workflows.services import person_ensure, unit_ensure

    drill.unit, _ = unit_ensure(
        name="乌恰县故障演练办公室", kind=Unit.Kind.DEPARTMENT, short_name="演练办"
    )
    drill.reviewer, _ = person_ensure(
        username="drill_reviewer",
        full_name="演练审查员",
        unit=drill.unit,
        password=None,
        email="reviewer@drill.example",
    )
    drill.head, _ = person_ensure(
        username="drill_head",
        full_name="演练负责人",
        unit=drill.unit,
        password=None,
        email="head@drill.example",
        roles={"unit_head": [drill.unit]},
    )
    drill.justice = Unit.objects.get(name="乌恰县司法局")


def processes_start(drill: sc.Drill) -> None:
    for proc in drill.processes():
        proc.start()
    if not procs.http_started(drill.web, f"{drill.base_url}/health/"):
        raise SystemExit("gunicorn did not start; see var/drill/gunicorn.log")
    if not procs.worker_started(drill.worker):
        raise SystemExit("the worker did not start; see var/drill/worker.log")


def run_scenario(drill: sc.Drill, name: str, args) -> dict:
    if name == "pg_http":
        return tr.transitions_under_terminations(drill, decisions=args.decisions)
    if name == "beats":
        second = procs.beat(drill.env, "beat2")
        second.start()
        try:
            time.sleep(2 * sc.SWEEP_SECONDS)  # both beats ticking before the clocks open
            return sc.reminders_run(drill, "d", args.clocks, partial(sc.two_beats, second=second))
        finally:
            second.stop()
    fault, key = {
        "baseline": (sc.no_fault, "a"),
        "redis": (sc.redis_restarted, "b"),
        "worker": (sc.worker_killed, "c"),
        "pg_delivery": (sc.backends_terminated, "e"),
    }[name]
    return sc.reminders_run(drill, key, args.clocks, fault)


def failures(name: str, r: dict) -> list[str]:
    if "skipped" in r or "error" in r:
        return [r.get("error") or r["skipped"]]
    if name == "pg_http":
        out = []
        if r["half_done"]:
            out.append(f"{r['half_done']} half-done transition(s)")
        if r["doubled_transitions"]:
            out.append(f"{r['doubled_transitions']} doubled transition(s)")
        if not r["record_verify_ok"]:
            out.append("record_verify fails")
        return out
    out = [
        f"{r[key]} {label}"
        for key, label in [
            ("reminders_lost", "reminder(s) lost"),
            ("reminders_doubled", "reminder(s) doubled"),
            ("emails_doubled", "e-mail(s) doubled"),
            ("emails_missing", "e-mail(s) missing"),
        ]
        if r[key]
    ]
    if not r["delivered_in_time"]:
        out.append(f"not all delivered within {sc.DELIVERY_LIMIT:.0f} s")
    return out


def print_table(name: str, r: dict) -> None:
    print(f"\n== {SCENARIOS[name]} ==")
    if "skipped" in r or "error" in r:
        rows = [("result", r.get("error") or r["skipped"])]
    elif name == "pg_http":
        rows = [
            ("decisions (made / attempted)", f"{r['initiations_made']} / {r['decisions']}"),
            ("transitions (done / attempted)", f"{r['transitions_done']} / {r['transitions']}"),
            ("reached the meeting", r["reached_meeting"]),
            ("half-done transitions", r["half_done"]),
            ("doubled transitions", r["doubled_transitions"]),
            (
                "HTTP requests / 5xx / no answer",
                f"{r['requests']} / {r['http_5xx']} / {r['no_response']}",
            ),
            ("answers by status", r["by_status"]),
            (
                "5xx / no answer: step committed / rolled back",
                f"{r['errors_after_commit']} / {r['errors_rolled_back']}",
            ),
            ("backends terminated", r["pg_terminations"]),
            (
                "record_verify",
                ("ok, " if r["record_verify_ok"] else "BROKEN, ") + r["record_verify"],
            ),
            ("not completed", "; ".join(r["stuck"]) or "none"),
            ("seconds", r["seconds"]),
        ]
    else:
        notes = {
            k: v
            for k, v in r.items()
            if k
            in (
                "redis_down_s",
                "sent_when_redis_stopped",
                "kills",
                "sent_and_emailed_at_each_kill",
                "second_beat_alive_to_the_end",
                "pg_terminations",
                "terminator_errors",
            )
        }
        rows = [
            (
                "reminders owed / sent / lost / doubled",
                f"{r['reminders_owed']} / {r['reminders_sent']} / {r['reminders_lost']} / "
                f"{r['reminders_doubled']}",
            ),
            ("in-app notifications", r["notifications"]),
            (
                "e-mails owed / sent / doubled / missing",
                f"{r['emails_owed']} / {r['emails_sent']} / {r['emails_doubled']} / "
                f"{r['emails_missing']}",
            ),
            ("e-mails not marked sent", r["emails_unmarked"]),
            ("all delivered within the limit", r["delivered_in_time"]),
            ("seconds to deliver everything", r["seconds"]),
            ("fault", json.dumps(notes, ensure_ascii=False) if notes else "none"),
            (
                "HTTP probes (inbox API, portal) / 5xx / no answer",
                f"{r['probe_requests']} / {r['probe_5xx']} / {r['probe_no_response']}  "
                f"{r['probe_by_status']}",
            ),
        ]
    if r.get("died"):
        rows.append(("died by themselves (restarted)", ", ".join(r["died"])))
    problems = failures(name, r)
    rows.append(("verdict", "FAIL: " + "; ".join(problems) if problems else "pass"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--clocks", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}")
    began = time.monotonic()

    os.environ.setdefault("DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    if urlsplit(harness.server_url()).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only: DATABASE_URL must name a server on 127.0.0.1")
    database = drill_database()
    procs.LOGS.mkdir(parents=True, exist_ok=True)
    for old in procs.LOGS.glob("*.log"):
        old.unlink()
    mail_file = procs.LOGS / "mail.txt"
    mail_file.unlink(missing_ok=True)

    # Before anything imports config.celery (tests.support does): the drill's settings.
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    from tests.support import OwnRedis, free_port

    redis = OwnRedis(free_port(0))
    env = {
        **os.environ,
        "DATABASE_URL": harness.url_for(database),
        "REDIS_URL": redis.url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "FAZHI_STATIC_ROOT": str(procs.LOGS / "static"),
        "FAZHI_MEDIA_ROOT": str(procs.LOGS / "media"),
        "FAZHI_SWEEP_SECONDS": str(sc.SWEEP_SECONDS),
        "FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS": str(sc.CLAIM_TIMEOUT),
        "FAZHI_DRILL_MAIL_FILE": str(mail_file),
        "LOG_LEVEL": "INFO",
    }
    env["FAZHI_RECORD_SIGNING_KEY"] = signing_key(env)
    proc_env = {**env, "PGAPPNAME": procs.APP_NAME}  # what the terminator looks for
    drill = None
    results: dict[str, dict] = {}
    final: dict = {"problems": ["the drill did not finish"]}
    try:
        redis.start()
        port = free_port(0)  # after redis-server has bound its own
        drill = sc.Drill(
            database=database,
            env=proc_env,
            base_url=f"http://127.0.0.1:{port}",
            redis=redis,
            web=procs.gunicorn(proc_env, port),
            worker=procs.worker(proc_env),
            beat=procs.beat(proc_env),
            mail_file=mail_file,
        )
        prepare(env, database)
        drill.tokens = {
            who: manage(env, "api_token", who).strip() for who in ("drafter", "legal_advisor")
        }
        os.environ.update(env)  # this process observes through the ORM (no PGAPPNAME)
        import django

        django.setup()
        people_ensure(drill)
        processes_start(drill)
        print(
            f"Drill on database {database}, redis-server 127.0.0.1:{redis.port}, gunicorn "
            f"{drill.base_url}; set up in {round(time.monotonic() - began, 1)} s "
            "(logs in var/drill/)",
            flush=True,
        )
        for name in chosen:
            if time.monotonic() - began > TOTAL_LIMIT:
                results[name] = {"skipped": f"skipped: past the {TOTAL_LIMIT} s limit"}
            else:
                try:
                    results[name] = run_scenario(drill, name, args)
                except Exception as error:  # noqa: BLE001 - reported; the next one runs
                    results[name] = {"error": f"drill error: {error!r}"[:500]}
                    drill.revive(name)
            print_table(name, results[name])
        final = final_check(drill, results)
    finally:
        for proc in drill.processes() if drill else []:
            proc.stop()
        redis.stop()
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections.close_all()
        if not args.keep:
            harness.database_drop(database)

    verdicts = {name: failures(name, r) for name, r in results.items()}
    verdicts["final"] = final["problems"]
    failed = any(verdicts.values())
    print(f"\n== drill: {'FAIL' if failed else 'pass'} ==")
    for name, problems in verdicts.items():
        print(f"{name:<12} {'; '.join(problems) if problems else 'pass'}")
    print(
        f"({round(time.monotonic() - began)} s in all; processes that died by themselves and "
        f"were restarted: {', '.join(drill.restarts) or 'none'})"
    )
    for r in results.values():
        r.pop("deadlines", None)
    print(
        json.dumps(
            {
                "drill": "fail" if failed else "pass",
                "seconds": round(time.monotonic() - began, 1),
                "verdicts": verdicts,
                "final": final,
                **results,
            },
            ensure_ascii=False,
            default=str,
        )
    )
    sys.exit(1 if failed else 0)


def final_check(drill: sc.Drill, results: dict) -> dict:
    """Counted again at the end, after every later scenario's wait: a double that came late is
    still found; and the whole record verified."""
    from workflows.record.verify import record_verify

    problems, late = [], {}
    keys = {"baseline": "a", "redis": "b", "worker": "c", "beats": "d", "pg_delivery": "e"}
    for name, key in keys.items():
        r = results.get(name) or {}
        if "deadlines" not in r:
            continue
        now = sc.reminder_state(drill, key, r["deadlines"])
        changed = {k: [r[k], v] for k, v in now.items() if r.get(k) != v}
        if changed:
            late[name] = changed
            for k in ("reminders_lost", "reminders_doubled", "emails_doubled", "emails_missing"):
                if now[k] and now[k] != r[k]:
                    problems.append(f"{name}: {now[k]} {k.replace('_', ' ')} at the end")
    verified = record_verify()
    if not verified.ok:
        problems.append(f"record_verify: broken at {verified.broken_seq}: {verified.reason}")
    return {
        "late_changes": late,
        "record_verify_ok": verified.ok,
        "record_events": verified.checked,
        "problems": problems,
    }


if __name__ == "__main__":
    main()
