"""Inbox: latency and queries of the inbox API and page for a legal advisor, at 1,000 and at
100,000 decisions in the database.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.inbox [--quick]

The decisions are generated in bulk with COPY, not through the services
(``bench.inbox_generator``: processes, tasks offered as the flow offers them, the open legality
reviews with their running clocks, and a chained record), then checked (``Generator.verify``).

Latency is measured in this process with Django's test client (middleware, authentication,
template or serializer included; no network): p50 and p95 of ``--requests`` GETs after a
warm-up. The figure the issue asks for is p95 at 100k ÷ p95 at 1k.
"""

from __future__ import annotations

import argparse
import time

from bench import harness
from bench.inbox_generator import Generator

# Measured one request at a time on the decisions list, the inbox page and the task API (issue
# 22: each ≤ 25 ms at 100k decisions): the secretary is offered every county-level meeting
# task (an eighth of the decisions), the drafter those of their department, the archivist reads all.
STAFF = ("secretary", "drafter", "archivist")


def measure(client, url: str, requests: int) -> dict:
    for _ in range(3):  # warm-up
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    # Not CaptureQueriesContext: request_started empties connection.queries.
    counter = harness.SqlCounter()
    with counter.counting():
        response = client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(harness.percentile(times, 0.5), 2),
        "p95_ms": round(harness.percentile(times, 0.95), 2),
        "queries": counter.statements,
        "bytes": len(response.content),
    }


def measure_sizes(p: dict, gen: Generator, sizes: tuple[int, int], requests: int) -> tuple:
    """At each size in turn (the generator grown to it): the advisor's API and page, their
    inbox's size, and each of ``STAFF``'s endpoints; then the generated data verified.
    (advisor's results, staff results, generation seconds, verification seconds) by size."""
    from django.test import Client
    from django.urls import reverse

    from workflows.inbox import tasks_for_user

    advisor = p["legal_advisor"]
    client = Client()
    client.force_login(advisor)
    urls = {"api": reverse("api:task-list"), "page": reverse("workbench:inbox:index")}
    staff_urls = {**urls, "list": reverse("decisions:register:index")}
    staff = {}
    for who in STAFF:
        staff[who] = Client()
        staff[who].force_login(p[who])
    results, generate_s, staff_results = {}, {}, {}
    for size in sizes:
        generate_s[size] = gen.add(size - gen.made)
        inbox_size = tasks_for_user(user=advisor).count()
        results[size] = {k: measure(client, u, requests) for k, u in urls.items()}
        results[size]["inbox_tasks"] = inbox_size
        staff_results[size] = {
            (who, k): measure(staff[who], u, requests)
            for who in STAFF
            for k, u in staff_urls.items()
        }
    started = time.perf_counter()
    gen.verify()
    verify_s = time.perf_counter() - started
    return results, staff_results, generate_s, verify_s


def advisor_report(figures: dict, rows: list, results: dict, small: int, large: int) -> None:
    """The legal advisor's API and page at both sizes and their p95 ratio, into ``figures``
    and ``rows``."""
    lo, hi = results[small], results[large]
    for kind in ("api", "page"):
        for size, label in ((small, "small"), (large, "large")):
            for k, v in results[size][kind].items():
                figures[f"{kind}_{label}_{k}"] = v
        figures[f"{kind}_p95_ratio"] = harness.ratio(hi[kind]["p95_ms"], lo[kind]["p95_ms"], 2)
        figures[f"{kind}_p50_ratio"] = harness.ratio(hi[kind]["p50_ms"], lo[kind]["p50_ms"], 2)
    figures["inbox_tasks_small"] = lo["inbox_tasks"]
    figures["inbox_tasks_large"] = hi["inbox_tasks"]
    for kind, what in (("api", "API /api/v1/tasks/"), ("page", "page /workbench/inbox/")):
        for size in (small, large):
            r = results[size][kind]
            rows.append(
                (
                    f"{what} at {size:,} decisions",
                    f"p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  {r['queries']} queries",
                )
            )
        rows.append(
            (
                f"{what} p95 ratio {large // 1000}k/{small // 1000}k (target ≤ 1.5, p95 ≤ 50 ms)",
                f"{figures[f'{kind}_p95_ratio']}",
            )
        )
    rows.append(("tasks in the advisor's inbox", f"{lo['inbox_tasks']} → {hi['inbox_tasks']}"))


def staff_report(figures: dict, rows: list, staff_results: dict, small: int, large: int) -> None:
    """Each of ``STAFF``'s endpoints at both sizes and the worst at the large one, into
    ``figures`` and ``rows``."""
    worst = {"p50_ms": 0.0, "p95_ms": 0.0}
    for (who, kind), r in staff_results[large].items():
        r_small = staff_results[small][(who, kind)]
        for k in ("p50_ms", "p95_ms", "queries"):
            figures[f"staff_{who}_{kind}_small_{k}"] = r_small[k]
            figures[f"staff_{who}_{kind}_large_{k}"] = r[k]
        worst = {k: max(worst[k], r[k]) for k in worst}
        rows.append(
            (
                f"{who} {kind} at {small:,} → {large:,}",
                f"p50 {r_small['p50_ms']} → {r['p50_ms']} ms  p95 {r_small['p95_ms']} → "
                f"{r['p95_ms']} ms  {r['queries']} queries",
            )
        )
    figures["staff_large_max_p50_ms"] = worst["p50_ms"]
    figures["staff_large_max_p95_ms"] = worst["p95_ms"]
    rows.append(
        (
            f"staff endpoints at {large:,}: worst p50 / p95 (target p50 ≤ 25 ms)",
            f"{worst['p50_ms']} / {worst['p95_ms']} ms",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    large = args.large or (10_000 if args.quick else 100_000)
    requests = args.requests or (20 if args.quick else 60)

    name = harness.setup("inbox")
    try:
        from bench.engine import people

        p = people()
        results, staff_results, generate_s, verify_s = measure_sizes(
            p, Generator(p), (args.small, large), requests
        )
    finally:
        harness.teardown(name, keep=args.keep)

    figures = {"small": args.small, "large": large, "requests": requests}
    rows = []
    advisor_report(figures, rows, results, args.small, large)
    figures["generate_s_large"] = round(generate_s[large], 1)
    figures["verify_s_large"] = round(verify_s, 1)
    staff_report(figures, rows, staff_results, args.small, large)
    rows.append((f"bulk generation of {large:,} decisions", f"{figures['generate_s_large']} s"))
    rows.append(("record_verify of the generated chain", f"ok, {figures['verify_s_large']} s"))
    harness.emit("inbox", figures, rows)


if __name__ == "__main__":
    main()
