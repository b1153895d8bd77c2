"""What ``bench.concurrency`` reports: each size's and number of users' figures (the bare view,
then every staff and portal endpoint as a ratio to it), the staff endpoints' growth from the
small to the large size, and the worst of each against its target."""

from __future__ import annotations

from bench import harness
from bench.concurrency_server import STAFF

STAFF_ENDPOINTS = ("inbox", "decision", "list", "api", "record")
# Per endpoint: as the client saw it (queue included), and in gunicorn's worker (access log).
METRICS = ("p50_ms", "p95_ms", "rps", "requests", "errors", "server_p50_ms", "server_p95_ms")
# Targets (also in bench.run), printed beside the figures.
TARGET_STAFF_RATIO, TARGET_STAFF_GROWTH, TARGET_PORTAL_RATIO = 10.0, 1.5, 5.0


def report(results, sizes, users_levels, seconds, generate_s, chosen) -> None:
    small, large = sizes
    top = max(users_levels)
    labels = {small: "small", large: "large"}
    figures: dict = {
        "small": small,
        "large": large,
        "users": users_levels,
        "seconds_each": seconds,
        "staff_people": list(STAFF),
        "staff_decisions": {labels[s]: chosen[s] for s in sizes},
        "generate_s": {labels[s]: generate_s[s] for s in sizes},
    }
    rows = []
    worst = {"staff": 0.0, "portal": 0.0}
    for size in sizes:
        for users in users_levels:
            r = results[size][users]
            key = f"{labels[size]}_u{users}"
            bare_report(figures, rows, r, key=key, size=size, users=users)
            for kind in ("staff", "portal"):
                ratio = mix_report(figures, rows, r[kind], r["bare"]["p95_ms"], key=key, kind=kind)
                if size == large and users == top and ratio is not None:
                    worst[kind] = max(worst[kind], ratio)
    growth = growth_report(figures, rows, results, sizes, top)
    figures[f"staff_max_p95_ratio_{top}"] = worst["staff"]
    figures[f"staff_max_growth_{top}"] = growth
    figures[f"portal_max_p95_ratio_{top}"] = worst["portal"]
    rows += [
        (
            f"worst staff p95 / bare at {large:,}, {top} users (target ≤ {TARGET_STAFF_RATIO})",
            f"{worst['staff']}",
        ),
        (
            f"worst staff p95 growth at {top} users (target ≤ {TARGET_STAFF_GROWTH})",
            f"{growth}",
        ),
        (
            f"worst portal p95 / bare at {large:,}, {top} users (target ≤ {TARGET_PORTAL_RATIO})",
            f"{worst['portal']}",
        ),
        ("staff decisions (small / large)", f"{chosen[small]} / {chosen[large]}"),
        (f"bulk generation of {large:,} decisions", f"{generate_s[large]} s"),
    ]
    harness.emit("concurrency", figures, rows)


def bare_report(figures: dict, rows: list, r: dict, *, key: str, size: int, users: int) -> None:
    """The bare view at one size and number of users (the better of first and last)."""
    bare_p95 = r["bare"]["p95_ms"]
    figures[f"{key}_bare_p50_ms"] = r["bare"]["p50_ms"]
    figures[f"{key}_bare_p95_ms"] = bare_p95
    figures[f"{key}_bare_rps"] = r["bare"]["rps"]
    figures[f"{key}_bare_server_p95_ms"] = r["bare"].get("server_p95_ms")
    figures[f"{key}_bare_p95_first_last"] = r["bare_p95_first_last"]
    rows.append(
        (
            f"{size:,} decisions, {users} users: bare view (better of first/last)",
            f"p50 {r['bare']['p50_ms']} ms  p95 {bare_p95} ms  {r['bare']['rps']} req/s"
            f"  (p95 {r['bare_p95_first_last'][0]} / {r['bare_p95_first_last'][1]}; "
            f"in the worker: p95 {r['bare'].get('server_p95_ms')} ms)",
        )
    )


def mix_report(
    figures: dict, rows: list, mix: dict, bare_p95: float, *, key: str, kind: str
) -> float | None:
    """Each endpoint of one mix (``kind``: staff or portal), its p95 as a ratio to the bare
    view's; the worst of those ratios (None when no endpoint has one)."""
    figures[f"{key}_{kind}_rps"] = mix["rps"]
    worst = None
    for ep, e in mix["endpoints"].items():
        ratio = harness.ratio(e["p95_ms"], bare_p95, 2)
        for metric in METRICS:
            figures[f"{key}_{kind}_{ep}_{metric}"] = e.get(metric)
        figures[f"{key}_{kind}_{ep}_p95_ratio"] = ratio
        by_person = e.get("server_p95_ms_by_person") or {}
        for who, value in by_person.items():
            figures[f"{key}_{kind}_{ep}_{who}_server_p95_ms"] = value
        if ratio is not None:
            worst = ratio if worst is None else max(worst, ratio)
        rows.append(
            (
                f"  {kind} {ep}",
                f"p50 {e['p50_ms']} ms  p95 {e['p95_ms']} ms  {e['rps']} req/s  "
                f"{e['errors']} errors  p95/bare {ratio}  (in the worker: p50 "
                f"{e.get('server_p50_ms')} ms  p95 {e.get('server_p95_ms')} ms"
                + (
                    "; p95 by person: " + ", ".join(f"{who} {v}" for who, v in by_person.items())
                    if by_person
                    else ""
                )
                + ")",
            )
        )
    return worst


def growth_report(figures: dict, rows: list, results: dict, sizes: tuple, top: int) -> float:
    """Each staff endpoint's p95 growth from the small to the large size at ``top`` users (the
    target), with two diagnostics beside it; the worst growth."""
    small, large = sizes
    growth, in_worker, vs_bare = 0.0, 0.0, 0.0
    for ep in STAFF_ENDPOINTS:
        before = results[small][top]["staff"]["endpoints"][ep]
        after = results[large][top]["staff"]["endpoints"][ep]
        g = harness.ratio(after["p95_ms"], before["p95_ms"], 2)
        # Diagnostics, not targets: the same growth in the worker's own time, and of the p95 as
        # a multiple of the bare view's (which takes out a machine busier for one size).
        gw = harness.ratio(after.get("server_p95_ms") or 0, before.get("server_p95_ms"), 2)
        gb = harness.ratio(
            figures[f"large_u{top}_staff_{ep}_p95_ratio"] or 0,
            figures[f"small_u{top}_staff_{ep}_p95_ratio"],
            2,
        )
        figures[f"staff_{ep}_growth_{top}"] = g
        figures[f"staff_{ep}_growth_{top}_in_worker"] = gw
        figures[f"staff_{ep}_growth_{top}_vs_bare"] = gb
        growth = max(growth, g or 0.0)
        in_worker, vs_bare = max(in_worker, gw or 0.0), max(vs_bare, gb or 0.0)
        rows.append(
            (
                f"staff {ep} p95 at {top} users, {small:,} → {large:,}",
                f"{before['p95_ms']} → {after['p95_ms']} ms  ×{g}  (in the worker: "
                f"{before.get('server_p95_ms')} → {after.get('server_p95_ms')} ms  ×{gw}; "
                f"as a multiple of bare ×{gb})",
            )
        )
    figures[f"staff_max_growth_{top}_in_worker"] = in_worker
    figures[f"staff_max_growth_{top}_vs_bare"] = vs_bare
    return growth
