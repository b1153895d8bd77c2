"""A small HTTP load generator for ``bench.portal`` and ``bench.concurrency``, run as its own
process.

    python -m bench.loadgen URL [--post] [--seconds 8] [--max-requests 5000] [--concurrency 4]
    python -m bench.loadgen --mix MIX.json [--session COOKIE ...] [--sessions-file FILE]
        [--header "X-Forwarded-Proto: https" ...] [--seconds 8] [--concurrency 30]

Loopback only (it refuses any other host), bounded by time and by a request count. Each of
``--concurrency`` threads keeps one session; with ``--post`` it first GETs the page for the
CSRF cookie and token, then POSTs a comment form to it.

With ``--mix`` the threads GET a list of endpoints instead of one URL: the file holds a JSON
list of ``{"name": …, "url": …}``; thread i cycles through the list starting at entry
i mod len(list), so that at any moment the threads are spread over the endpoints. Thread i sends
the cookie ``--session`` number i mod n (each value a ``name=value`` cookie, or one a line in
``--sessions-file``), so n threads log in as n people in turn; an endpoint's ``url`` may be a
list, one URL per session in the same order (each person's own decision). In a mix only a 200
counts as an answer: a redirect (to the login page, say) is an error, not followed.

Prints one JSON line: requests, errors, seconds, requests/s, p50/p95 latency; with ``--mix``
also ``endpoints``: per endpoint name its requests, errors, first error, requests/s, p50/p95.
"""

import argparse
import json
import re
import threading
import time
from urllib.parse import urlsplit

import requests

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def pct(p):
        return round(ordered[int((len(ordered) - 1) * p)] * 1000, 2) if ordered else None

    return {"p50_ms": pct(0.5), "p95_ms": pct(0.95)}


def mix_load(path: str) -> list[dict]:
    with open(path) as f:
        mix = json.load(f)
    if not isinstance(mix, list) or not mix:
        raise SystemExit("--mix: a non-empty JSON list of {name, url}")
    for entry in mix:
        urls = entry["url"] if isinstance(entry["url"], list) else [entry["url"]]
        if not urls or any(urlsplit(u).hostname not in LOOPBACK for u in urls):
            raise SystemExit(f"loopback only: {entry}")
    return mix


def cookies_load(args) -> list[str]:
    cookies = list(args.session or [])
    if args.sessions_file:
        with open(args.sessions_file) as f:
            cookies += [line.strip() for line in f if line.strip()]
    return cookies


class Load:
    """What the threads share: the request budget, the time to stop, and each answer's latency
    or error (overall and, with a mix, per endpoint), under one lock."""

    def __init__(self, *, max_requests: int, seconds: float, mix: list[dict] | None):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.by_endpoint: dict[str, dict] = {
            entry["name"]: {"latencies": [], "errors": []} for entry in (mix or [])
        }
        self.budget = max_requests
        self.stop_at = time.perf_counter() + seconds

    def take(self) -> bool:
        """One more request, while time and the budget last."""
        if time.perf_counter() >= self.stop_at:
            return False
        with self.lock:
            if self.budget <= 0:
                return False
            self.budget -= 1
            return True

    def summary(self, seconds: float) -> dict:
        out = {
            "requests": len(self.latencies),
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else None,
            "seconds": round(seconds, 2),
            "rps": round(len(self.latencies) / seconds, 1),
            **percentiles(self.latencies),
        }
        if self.by_endpoint:
            out["endpoints"] = {
                name: {
                    "requests": len(r["latencies"]),
                    "errors": len(r["errors"]),
                    "first_error": r["errors"][0] if r["errors"] else None,
                    "rps": round(len(r["latencies"]) / seconds, 1),
                    **percentiles(r["latencies"]),
                }
                for name, r in self.by_endpoint.items()
            }
        return out


def worker_mix(
    load: Load, index: int, *, mix: list[dict], cookies: list[str], extra_headers: dict
) -> None:
    """Thread ``index``: GET the mix's endpoints in turn, from entry ``index`` on, as person
    ``index`` mod the number of cookies; only a 200 counts."""
    session = requests.Session()
    headers = dict(extra_headers)
    person = index % len(cookies) if cookies else 0
    if cookies:
        headers["Cookie"] = cookies[person]
    n = index % len(mix)
    while load.take():
        entry = mix[n % len(mix)]
        n += 1
        urls = entry["url"] if isinstance(entry["url"], list) else [entry["url"]]
        url = urls[person % len(urls)]
        started = time.perf_counter()
        try:
            response = session.get(url, headers=headers, timeout=30, allow_redirects=False)
            ok = response.status_code == 200
            error = f"{response.status_code} {url} {response.headers.get('Location', '')}"
        except requests.RequestException as exc:
            ok, error = False, f"{url}: {exc!r}"
        elapsed = time.perf_counter() - started
        with load.lock:
            record = load.by_endpoint[entry["name"]]
            if ok:
                load.latencies.append(elapsed)
                record["latencies"].append(elapsed)
            else:
                load.errors.append(error[:300])
                record["errors"].append(error[:300])


def worker(
    load: Load, index: int, *, url: str, post: bool, cookies: list[str], extra_headers: dict
) -> None:
    """Thread ``index``: GET ``url`` again and again, or with ``post`` POST a comment to it
    (after one GET for the CSRF token); a POST answers with a redirect."""
    session = requests.Session()
    session.headers.update(extra_headers)
    if cookies:
        session.headers["Cookie"] = cookies[index % len(cookies)]
    data = None
    if post:
        page = session.get(url, timeout=30)
        match = TOKEN.search(page.text)
        if not match:
            load.errors.append("no CSRF token on the page")
            return
        data = {
            "csrfmiddlewaretoken": match.group(1),
            "text": f"建议分步调整，第{index}号读者。",
            "name": "居民",
            "contact": "",
            "paragraph_ref": "",
            "website": "",
        }
    headers = {"Referer": url}
    n = 0
    while load.take():
        started = time.perf_counter()
        try:
            if data is None:
                response = session.get(url, timeout=30)
                ok = response.status_code == 200
            else:
                data["text"] = f"建议分步调整，第{index}-{n}号意见。"
                response = session.post(
                    url, data=data, headers=headers, timeout=30, allow_redirects=False
                )
                ok = response.status_code == 302
        except requests.RequestException as error:
            ok, response = False, error
        elapsed = time.perf_counter() - started
        n += 1
        with load.lock:
            if ok:
                load.latencies.append(elapsed)
            else:
                load.errors.append(str(getattr(response, "status_code", response))[:200])


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--post", action="store_true")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--mix", help="JSON file: a list of {name, url} endpoints")
    parser.add_argument(
        "--session", action="append", help="a cookie, name=value; repeatable (thread i: i mod n)"
    )
    parser.add_argument("--sessions-file", help="cookies, name=value, one a line")
    parser.add_argument(
        "--header", action="append", default=[], help='an extra header, "Name: value"'
    )
    args = parser.parse_args()
    if (args.url is None) == (args.mix is None):
        raise SystemExit("give either a URL or --mix")
    if args.mix and args.post:
        raise SystemExit("--post measures one page: not with --mix")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        raise SystemExit("loopback only")
    return args


def main() -> None:
    args = arguments()
    mix = mix_load(args.mix) if args.mix else None
    cookies = cookies_load(args)
    extra_headers = {}
    for header in args.header:
        name, _, value = header.partition(":")
        extra_headers[name.strip()] = value.strip()

    load = Load(max_requests=args.max_requests, seconds=args.seconds, mix=mix)
    common = {"cookies": cookies, "extra_headers": extra_headers}
    if mix:
        target, kwargs = worker_mix, {"mix": mix, **common}
    else:
        target, kwargs = worker, {"url": args.url, "post": args.post, **common}
    threads = [
        threading.Thread(target=target, args=(load, i), kwargs=kwargs)
        for i in range(args.concurrency)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(load.summary(time.perf_counter() - began), ensure_ascii=False))


if __name__ == "__main__":
    main()
