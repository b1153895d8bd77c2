"""``make bench``: every section in its own process and scratch database, then one table and,
last, one JSON line with every figure.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m bench.run [--quick]
        [--only engine,inbox,sweep,record,portal,cleanup,concurrency]

Each figure is a ratio to a reference measured in the same run (the machine is noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from bench import harness

SECTIONS = ["engine", "inbox", "sweep", "record", "portal", "cleanup", "concurrency"]
# (section, figure, target, higher is better)
TARGETS = [
    # An engine built on viewflow cannot outrun bare viewflow: the agreed floor is half its
    # speed, with at most 25 statements per transition (bare viewflow sends about 11).
    ("engine", "ratio_to_bare_viewflow", 0.5, True),
    ("engine", "statements_per_transition", 25.0, False),
    ("inbox", "api_p95_ratio", 1.5, False),
    ("inbox", "api_large_p95_ms", 50.0, False),
    ("inbox", "page_p95_ratio", 1.5, False),
    ("inbox", "page_large_p95_ms", 50.0, False),
    ("inbox", "staff_large_max_p50_ms", 25.0, False),
    ("sweep", "schedule_ratio", 3.0, False),
    ("sweep", "queue_sweep_ratio", 3.0, False),
    ("record", "verify_ratio_to_hashlib_sha256_sm3", 0.30, True),
    ("portal", "page_ratio", 0.5, True),
    ("cleanup", "ratio_to_reference", 20.0, False),
    # 30 people at once on 2 workers, at the large size: each p95 against the bare view's p95
    # at the same concurrency (the queue in front of the workers is in both), and a staff
    # page's p95 may not follow the county's history (1k → 100k decisions).
    ("concurrency", "staff_max_p95_ratio_30", 10.0, False),
    ("concurrency", "staff_max_growth_30", 1.5, False),
    ("concurrency", "portal_max_p95_ratio_30", 5.0, False),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(SECTIONS))
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", harness.DEFAULT_REDIS_URL)
    (harness.ROOT / "var").mkdir(exist_ok=True)
    results, seconds = {}, {}
    began = time.perf_counter()
    try:
        harness.database_drop(harness.template_name())  # migrate afresh: the code may have moved
        harness.template_ensure()
        for section in args.only.split(","):
            command = [sys.executable, "-m", f"bench.{section}"] + (
                ["--quick"] if args.quick else []
            )
            started = time.perf_counter()
            out = subprocess.run(
                command, cwd=harness.ROOT, capture_output=True, text=True, env=os.environ.copy()
            )
            seconds[section] = round(time.perf_counter() - started, 1)
            lines = out.stdout.splitlines()
            table = [line for line in lines if not line.startswith("{")]
            print("\n".join(table), flush=True)
            found = [json.loads(line) for line in lines if line.startswith('{"section"')]
            if out.returncode != 0 or not found:
                print(
                    f"\n== {section} FAILED ({out.returncode}) ==\n{out.stderr[-3000:]}", flush=True
                )
                results[section] = {"error": out.stderr.strip().splitlines()[-1:] or ["?"]}
                continue
            results[section] = found[-1]
    finally:
        harness.database_drop(harness.template_name())

    print("\n== targets ==")
    verdicts = {}
    for section, key, target, higher in TARGETS:
        if section not in results:  # not run this time (--only): no verdict either way
            continue
        value = results.get(section, {}).get(key)
        ok = value is not None and (value >= target if higher else value <= target)
        verdicts[f"{section}.{key}"] = ok
        sign = "≥" if higher else "≤"
        print(
            f"{section + '.' + key:<45} {value!s:>10}  target {sign} {target}  {'met' if ok else 'NOT MET'}"
        )
    print(
        f"(sizes: {'--quick' if args.quick else 'full'}; {round(time.perf_counter() - began)} s in all)"
    )
    print(
        json.dumps(
            {"quick": args.quick, "seconds": seconds, "targets_met": verdicts, **results},
            ensure_ascii=False,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
