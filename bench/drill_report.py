"""The fault drill's verdicts and tables (``bench.drill``): what counts as a failure in each
scenario, and the table printed after it."""

from __future__ import annotations

import json

from bench import drill_scenarios as sc

SCENARIOS = {
    "baseline": "(a) baseline: no fault",
    "redis": "(b) Redis stopped 10 s during sweeps, restarted empty",
    "worker": "(c) worker SIGKILLed twice mid-delivery, restarted",
    "beats": "(d) two beats",
    "pg_delivery": "(e) PostgreSQL backends terminated every 0.5 s during delivery",
    "pg_http": "(f) PostgreSQL backends terminated every 0.5 s during HTTP transitions",
}


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
        # A step refused for good (4xx) or not open means the drill's own steps no longer
        # match the flow: nothing was drilled there, which must not pass.
        wrong = [s for s in r["stuck"] if ": refused" in s or s.endswith(": not open")]
        if wrong:
            out.append(f"{len(wrong)} transition(s) the drill could not make: {wrong[0]}")
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
        rows = http_rows(r)
    else:
        rows = delivery_rows(r)
    if r.get("died"):
        rows.append(("died by themselves (restarted)", ", ".join(r["died"])))
    problems = failures(name, r)
    rows.append(("verdict", "FAIL: " + "; ".join(problems) if problems else "pass"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}", flush=True)


def http_rows(r: dict) -> list[tuple]:
    """The HTTP transitions scenario's table rows."""
    return [
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


def delivery_rows(r: dict) -> list[tuple]:
    """A reminder scenario's table rows, with what its fault did."""
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
    return [
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
