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
  API (``POST /api/v1/tasks/{id}/complete/``) as the demo's drafter, legal advisor and the
  review office's head.

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
from bench.drill_report import SCENARIOS, failures, print_table

SETTINGS = "bench.drill_settings"
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


def main() -> None:
    args, chosen = arguments()
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
    env = drill_env(database=database, redis_url=redis.url, mail_file=mail_file)
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
        drill_start(drill, env, database, began)
        scenarios_run(drill, chosen, args, results, began)
        final = final_check(drill, results)
    finally:
        for proc in drill.processes() if drill else []:
            proc.stop()
        redis.stop()
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections.close_all()
        if not args.keep:
            harness.database_drop(database)

    failed = summary_print(drill, results, final, began)
    sys.exit(1 if failed else 0)


def arguments() -> tuple[argparse.Namespace, list[str]]:
    """The command line, and the scenarios chosen (``--only``), each one known."""
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
    return args, chosen


def drill_env(*, database: str, redis_url: str, mail_file) -> dict[str, str]:
    """The processes' environment: the drill's database and redis-server, fresh secrets, the
    mail file, and the sweep's and claim's drill timings."""
    env = {
        **os.environ,
        "DATABASE_URL": harness.url_for(database),
        "REDIS_URL": redis_url,
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
    return env


def drill_start(drill: sc.Drill, env: dict[str, str], database: str, began: float) -> None:
    """The database prepared, the API tokens made, this process set up on it (observing
    through the ORM) and the processes started."""
    prepare(env, database)
    drill.tokens = {
        who: manage(env, "api_token", who).strip()
        for who in ("drafter", "legal_advisor", "unit_head")
    }
    os.environ.update(env)  # this process observes through the ORM (no PGAPPNAME)
    import django

    django.setup()
    people_ensure(drill)
    processes_start(drill)
    print(
        f"Drill on database {database}, redis-server 127.0.0.1:{drill.redis.port}, gunicorn "
        f"{drill.base_url}; set up in {round(time.monotonic() - began, 1)} s "
        "(logs in var/drill/)",
        flush=True,
    )


def scenarios_run(drill: sc.Drill, chosen: list[str], args, results: dict, began: float) -> None:
    """Each chosen scenario in turn into ``results`` (skipped past ``TOTAL_LIMIT``; an error
    reported and the processes revived), its table printed."""
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


def summary_print(drill, results: dict, final: dict, began: float) -> bool:
    """The verdicts and the one JSON line with every figure; whether the drill failed."""
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
    return failed


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
