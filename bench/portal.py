"""Public portal: requests per second for the consultation page and for comment POSTs under
gunicorn (2 sync workers on 127.0.0.1), against a bare Django view on the same server.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m bench.portal [--quick]

gunicorn runs ``config.wsgi`` with ``bench.settings`` (which mounts ``/bench/bare/`` and lifts
the public rate limits: one load generator is otherwise a single, very busy citizen). The load
comes from another process (``bench.loadgen``), bounded by time and request count. Each target
is measured after a short warm-up; the bare view is measured first and again last, and the
better of the two is the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import requests

from bench import harness


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_consultation(p: dict | None = None):
    """A decision of the bench people (``bench.engine.people``; made afresh unless ``p`` is
    given) with its public consultation open for 30 days."""
    from django.utils import timezone

    from bench.engine import people
    from decisions import services as s

    p = p or people()
    d = s.decision_initiate(
        by=p["drafter"],
        lead_unit=p["bureau"],
        catalogue_item=p["item"],
        title="关于调整城区供热价格的决定",
        problem="供热成本上涨。",
        legal_basis=["《价格法》"],
    )
    s.decision_draft_save(
        decision=d,
        by=p["drafter"],
        draft_text="第一条 城区居民供热价格调整为每平方米22元。\n" * 40,
        drafting_explanation="起草说明",
        start_decided_by="县长",
        start_decided_on=timezone.localdate(),
        start_reference="县长批示〔2024〕3号",
    )
    s.decision_draft_submit(decision=d, by=p["drafter"])
    now = timezone.now()
    return s.decision_consultation_open(
        decision=d,
        by=p["drafter"],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


def load(url: str, *, seconds: float, post: bool = False, max_requests: int = 20000) -> dict:
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        url,
        "--seconds",
        str(seconds),
        "--max-requests",
        str(max_requests),
        "--concurrency",
        "4",
    ]
    if post:
        command.append("--post")
    out = subprocess.run(command, cwd=harness.ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(f"load on {url} had errors: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 10.0)

    name = harness.setup("portal")
    server = None
    try:
        from django.urls import reverse

        consultation = open_consultation()
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": harness.SETTINGS}
        log = open(harness.ROOT / "var" / "bench-gunicorn.log", "w")
        server = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=harness.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        bare_url = base + "/bench/bare/"
        page_url = base + reverse("public:consultation", args=[consultation.pk])
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(bare_url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start; see var/bench-gunicorn.log")
            time.sleep(0.3)
        for url in (bare_url, page_url):  # warm both workers
            load(url, seconds=1.0)
        bare_first = load(bare_url, seconds=seconds)
        page = load(page_url, seconds=seconds)
        post = load(page_url, seconds=seconds, post=True)
        bare_last = load(bare_url, seconds=seconds)
        from workflows.consultations.models import Comment

        comments = Comment.objects.filter(consultation=consultation).count()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        harness.teardown(name, keep=args.keep)

    bare = max(bare_first, bare_last, key=lambda r: r["rps"])
    figures = {
        "seconds_each": seconds,
        "bare_rps": bare["rps"],
        "bare_rps_first_last": [bare_first["rps"], bare_last["rps"]],
        "page_rps": page["rps"],
        "page_p95_ms": page["p95_ms"],
        "post_rps": post["rps"],
        "post_p95_ms": post["p95_ms"],
        "page_ratio": harness.ratio(page["rps"], bare["rps"]),
        "post_ratio": harness.ratio(post["rps"], bare["rps"]),
        "comments_stored": comments,
        "comments_posted": post["requests"],
    }
    rows = [
        (
            "bare Django view (best of first/last)",
            f"{bare['rps']} req/s  ({bare_first['rps']} / {bare_last['rps']})",
        ),
        ("consultation page GET", f"{page['rps']} req/s  p95 {page['p95_ms']} ms"),
        ("comment POST (302 to the receipt)", f"{post['rps']} req/s  p95 {post['p95_ms']} ms"),
        ("page / bare (target ≥ 0.5)", f"{figures['page_ratio']}"),
        ("POST / bare", f"{figures['post_ratio']}"),
        ("comments stored / POSTs answered 302", f"{comments} / {post['requests']}"),
    ]
    harness.emit("portal", figures, rows)


if __name__ == "__main__":
    main()
