"""A small HTTP load generator for ``bench.portal``, run as its own process.

    python -m bench.loadgen URL [--post] [--seconds 8] [--max-requests 5000] [--concurrency 4]

Loopback only (it refuses any other host), bounded by time and by a request count. Each of
``--concurrency`` threads keeps one session; with ``--post`` it first GETs the page for the
CSRF cookie and token, then POSTs a comment form to it. Prints one JSON line: requests, errors,
seconds, requests/s, p50/p95 latency.
"""

import argparse
import json
import re
import threading
import time
from urllib.parse import urlsplit

import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--post", action="store_true")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")

    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    budget = [args.max_requests]

    def take() -> bool:
        with lock:
            if budget[0] <= 0:
                return False
            budget[0] -= 1
            return True

    stop_at = time.perf_counter() + args.seconds

    def worker(index: int) -> None:
        session = requests.Session()
        data = None
        if args.post:
            page = session.get(args.url, timeout=30)
            match = TOKEN.search(page.text)
            if not match:
                errors.append("no CSRF token on the page")
                return
            data = {
                "csrfmiddlewaretoken": match.group(1),
                "text": f"建议分步调整，第{index}号读者。",
                "name": "居民",
                "contact": "",
                "paragraph_ref": "",
                "website": "",
            }
        headers = {"Referer": args.url}
        n = 0
        while time.perf_counter() < stop_at and take():
            started = time.perf_counter()
            try:
                if data is None:
                    response = session.get(args.url, timeout=30)
                    ok = response.status_code == 200
                else:
                    data["text"] = f"建议分步调整，第{index}-{n}号意见。"
                    response = session.post(
                        args.url, data=data, headers=headers, timeout=30, allow_redirects=False
                    )
                    ok = response.status_code == 302
            except requests.RequestException as error:
                ok, response = False, error
            elapsed = time.perf_counter() - started
            n += 1
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(str(getattr(response, "status_code", response))[:200])

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p):
        return round(ordered[int((len(ordered) - 1) * p)] * 1000, 2) if ordered else None

    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": len(errors),
                "first_error": errors[0] if errors else None,
                "seconds": round(seconds, 2),
                "rps": round(len(latencies) / seconds, 1),
                "p50_ms": pct(0.5),
                "p95_ms": pct(0.95),
            }
        )
    )


if __name__ == "__main__":
    main()
