"""Engine: whole decision lifecycles through DecisionFlow and the services, against two floors.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.engine [--quick] [--lifecycles N]

One lifecycle is the adopted path with a public consultation: 12 human tasks (draft, open
consultation, dispose of comments, risk assessment, submit for, complete and approve legality
review, package check, meeting, Party-committee report, publication, archive) plus the
consultation timer fired by the dispatcher beat runs (``workflows.timers``). Each task is
completed through ``workflows.tasking``, the one path pages and API take: under the process
lock, the offer re-checked, the services run in the lock's transaction (without savepoints:
``workflows.transactions``), then viewflow's start/execute — so every figure includes the record
events, the legal clocks and the permission checks.

``python -m bench.engine --profile`` prints where a lifecycle's time goes.

References measured in the same run:
* raw: a psycopg loop of one UPDATE + one INSERT per commit (the floor of any transition);
* bare viewflow: ``bench.flows.BareFlow``, 11 sequential human tasks, no services.

The engine and bare viewflow run in alternating rounds (``ROUNDS``) and the ratio reported is
the median round's: the machine is shared, and a load that moves between two long runs moved
the ratio by half of itself.

A "transition" is one completed human task; statements and commits per transition count
everything a lifecycle sends to PostgreSQL (start and timer included) divided by 12.

Targets (bench.run): at least half bare viewflow's transitions per second (an engine that runs
viewflow plus the services cannot be faster than viewflow alone) and at most 25 statements per
transition.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from dataclasses import dataclass, field

from bench import harness
from bench.engine_lifecycle import BARE_TASKS, bare_lifecycle, lifecycle, people

HUMAN_TASKS = 12
ROUNDS = 5  # alternating engine/bare rounds (see main)


def raw_rate(commits: int) -> float:
    """Commits/s of a psycopg loop doing one UPDATE and one INSERT per transaction."""
    import os

    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("CREATE TABLE bench_raw_state (id int PRIMARY KEY, n bigint NOT NULL)")
        conn.execute(
            "CREATE TABLE bench_raw_log (id bigserial PRIMARY KEY, n bigint NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)"
        )
        conn.execute("INSERT INTO bench_raw_state VALUES (1, 0)")
        conn.commit()
        started = time.perf_counter()
        for i in range(commits):
            conn.execute("UPDATE bench_raw_state SET n = n + 1 WHERE id = 1")
            conn.execute("INSERT INTO bench_raw_log (n, note) VALUES (%s, %s)", [i, "transition"])
            conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw_state, bench_raw_log")
        conn.commit()
    return commits / elapsed


def profile_top(fn, lines: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


@dataclass
class Rounds:
    """What the alternating rounds measured (``rounds_run``)."""

    lifecycles: int
    engine_s: float = 0.0
    bare_s: float = 0.0
    bare_runs: int = 0
    ratios: list = field(default_factory=list)
    counter: object = None
    bare_counter: object = None


def rounds_run(p: dict, bare_user, lifecycles: int) -> Rounds:
    """The machine is shared and its load moves within seconds: run the engine and the bare
    reference in alternating rounds, so that each ratio compares like with like (the median
    round's is reported)."""
    from django.db import connection

    measured = Rounds(
        lifecycles=lifecycles,
        counter=harness.SqlCounter(connection),
        bare_counter=harness.SqlCounter(connection),
    )
    rounds = min(ROUNDS, lifecycles)
    n = 0
    for r in range(rounds):
        size = lifecycles // rounds + (1 if r < lifecycles % rounds else 0)
        started = time.perf_counter()
        with measured.counter.counting():
            for _ in range(size):
                n += 1
                lifecycle(p, n)
        round_engine = time.perf_counter() - started
        started = time.perf_counter()
        with measured.bare_counter.counting():
            for _ in range(size * 3):
                bare_lifecycle(bare_user)
        round_bare = time.perf_counter() - started
        measured.engine_s += round_engine
        measured.bare_s += round_bare
        measured.bare_runs += size * 3
        measured.ratios.append(  # transitions per second, each flow with its own task count
            (size * HUMAN_TASKS / round_engine) / (size * 3 * BARE_TASKS / round_bare)
        )
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--lifecycles", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 2 lifecycles")
    args = parser.parse_args()
    lifecycles = args.lifecycles or (3 if args.quick else 20)

    name = harness.setup("engine")
    try:
        from django.contrib.auth import get_user_model

        from workflows.record.verify import record_verify

        p = people()
        lifecycle(p, 0)  # warm-up: imports, caches, plans
        bare_user = get_user_model().objects.create(username="bare")
        bare_lifecycle(bare_user)
        measured = rounds_run(p, bare_user, lifecycles)
        raw_tps = raw_rate(300 if args.quick else 3000)
        verified = record_verify()
        if not verified.ok:
            raise SystemExit(f"the record does not verify after the lifecycles: {verified}")
        if args.profile:
            print(profile_top(lambda: [lifecycle(p, 10_000 + i) for i in range(2)], 40))
    finally:
        harness.teardown(name, keep=args.keep)
    figures = figures_of(measured, raw_tps, verified.checked)
    harness.emit("engine", figures, rows_of(figures))


def figures_of(measured: Rounds, raw_tps: float, verified: int) -> dict:
    transitions = measured.lifecycles * HUMAN_TASKS
    engine_tps = transitions / measured.engine_s
    bare_transitions = measured.bare_runs * BARE_TASKS
    bare_tps = bare_transitions / measured.bare_s
    return {
        "lifecycles": measured.lifecycles,
        "transitions": transitions,
        "lifecycles_per_s": round(measured.lifecycles / measured.engine_s, 2),
        "transitions_per_s": round(engine_tps, 1),
        "bare_viewflow_transitions_per_s": round(bare_tps, 1),
        "raw_commits_per_s": round(raw_tps, 1),
        "ratio_to_raw": harness.ratio(engine_tps, raw_tps),
        "ratio_to_bare_viewflow": round(statistics.median(measured.ratios), 3),
        "ratio_to_bare_viewflow_rounds": [round(r, 3) for r in measured.ratios],
        "statements_per_transition": round(measured.counter.statements / transitions, 1),
        "commits_per_transition": round(measured.counter.commits / transitions, 2),
        "bare_statements_per_transition": round(
            measured.bare_counter.statements / bare_transitions, 1
        ),
        "bare_commits_per_transition": round(measured.bare_counter.commits / bare_transitions, 2),
        "record_events_verified": verified,
    }


def rows_of(figures: dict) -> list[tuple[str, str]]:
    return [
        ("lifecycles (12 human tasks + timer each)", f"{figures['lifecycles']}"),
        ("lifecycles/s through the services", f"{figures['lifecycles_per_s']}"),
        ("transitions/s (services)", f"{figures['transitions_per_s']}"),
        (
            "transitions/s (bare viewflow, same 11 tasks)",
            f"{figures['bare_viewflow_transitions_per_s']}",
        ),
        ("raw psycopg UPDATE+INSERT commits/s", f"{figures['raw_commits_per_s']}"),
        ("engine / raw", f"{figures['ratio_to_raw']}"),
        (
            "engine / bare viewflow, median of rounds  (target ≥ 0.5)",
            f"{figures['ratio_to_bare_viewflow']}  {figures['ratio_to_bare_viewflow_rounds']}",
        ),
        (
            "SQL statements per transition  (target ≤ 25)",
            f"{figures['statements_per_transition']}",
        ),
        (
            "SQL statements per transition, bare viewflow",
            f"{figures['bare_statements_per_transition']}",
        ),
        (
            "commits per transition (services / bare viewflow)",
            f"{figures['commits_per_transition']} / {figures['bare_commits_per_transition']}",
        ),
    ]


if __name__ == "__main__":
    main()
