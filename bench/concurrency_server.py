"""The servers ``bench.concurrency`` loads and the load it sends them: one gunicorn per size
(``Server``), every URL of a mix probed once (``probe``), one ``bench.loadgen`` run against it
(``load``), and what gunicorn's access log says of the time each request spent in the worker
(``server_times``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench import drill_procs as procs
from bench import harness
from bench.portal import free_port

LOGS = harness.ROOT / "var" / "concurrency"
# The staff whose sessions the staff mix cycles through, in the order of its cookies.
STAFF = ("secretary", "drafter", "archivist", "legal_advisor")
HEADERS = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy sends


@dataclass
class Server:
    """One gunicorn (2 sync workers, in its own process group: ``drill_procs.Proc``) on one
    size's database, logging each request's path, status and time in the worker."""

    size: int
    label: str
    database: str
    port: int
    web: procs.Proc
    staff: list[dict] = field(default_factory=list)
    chosen: dict = field(default_factory=dict)

    @classmethod
    def make(cls, *, size: int, label: str, database: str, env: dict[str, str]) -> Server:
        port = free_port()
        web = procs.gunicorn({**env, "DATABASE_URL": harness.url_for(database)}, port)
        web.name = f"gunicorn-{label}"
        web.log_path = LOGS / f"{web.name}.log"
        access_log = LOGS / f"access-{label}.log"
        web.command += [
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(D)s\t%(s)s\t%({cookie}i)s\t%(U)s",  # the cookie tells whose request it was
        ]
        for path in (web.log_path, access_log):
            path.write_text("")
        return cls(size=size, label=label, database=database, port=port, web=web)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bare_url(self) -> str:
        return self.base + "/bench/bare/"

    @property
    def access_log(self) -> Path:
        return LOGS / f"access-{self.label}.log"

    def start(self) -> None:
        self.web.start()
        if not procs.http_started(self.web, self.bare_url):
            raise SystemExit(f"gunicorn did not start; see {self.web.log_path}")


def server_times(
    access_log: Path,
    offset: int,
    *,
    url: str | None,
    mix: list[dict] | None,
    cookies: list[str] = (),
) -> dict:
    """Per endpoint (``bare`` for a lone URL), the p50/p95 of the time gunicorn's worker spent
    on each request logged after ``offset``: the request without its wait in the queue in
    front of the workers; with ``cookies`` (in ``STAFF`` order) also per person."""
    names = {urlsplit(url).path: "bare"} if url else {}
    for entry in mix or []:
        for one in entry["url"] if isinstance(entry["url"], list) else [entry["url"]]:
            names[urlsplit(one).path] = entry["name"]
    people = dict(zip(cookies, STAFF, strict=False))
    time.sleep(0.2)  # a worker logs a request just after answering it
    times: dict[str, list[float]] = {}
    by_person: dict[str, dict[str, list[float]]] = {}
    with open(access_log, "rb") as f:
        f.seek(offset)
        for line in f.read().decode(errors="replace").splitlines():
            micros, _status, cookie, path = line.split("\t", 3)
            if path not in names:
                continue
            ms = int(micros) / 1000
            times.setdefault(names[path], []).append(ms)
            if cookie in people:
                by_person.setdefault(names[path], {}).setdefault(people[cookie], []).append(ms)

    def pct(values: list[float], prefix: str = "server") -> dict:
        return {
            f"{prefix}_p50_ms": round(harness.percentile(values, 0.5), 2),
            f"{prefix}_p95_ms": round(harness.percentile(values, 0.95), 2),
        }

    out = {name: pct(values) for name, values in times.items()}
    for name, persons in by_person.items():
        out[name]["server_p95_ms_by_person"] = {
            who: pct(values)["server_p95_ms"] for who, values in persons.items()
        }
    return out


def probe(mix: list[dict], cookies: list[str], web: procs.Proc) -> None:
    """Every URL of a mix once, as each person it is sent as: a 200 or the run stops, naming
    the page (and showing the server's log, where a production-only error shows)."""
    for i, cookie in enumerate(cookies or [None]):
        headers = {**HEADERS, **({"Cookie": cookie} if cookie else {})}
        for entry in mix:
            urls = entry["url"] if isinstance(entry["url"], list) else [entry["url"]]
            url = urls[i % len(urls)]
            response = requests.get(url, headers=headers, timeout=60, allow_redirects=False)
            if response.status_code != 200:
                log = web.log_path.read_text(errors="replace")[-3000:]
                raise SystemExit(
                    f"{entry['name']}: GET {url} as session {i} answered "
                    f"{response.status_code} {response.headers.get('Location', '')}\n"
                    f"--- {web.log_path} (end) ---\n{log}"
                )


def load(
    *,
    seconds: float,
    users: int,
    url: str | None = None,
    mix: list[dict] | None = None,
    cookies: list[str] = (),
    access_log: Path,
) -> dict:
    """One ``bench.loadgen`` run in its own process group (killed with it if we stop early);
    any error ends the section. ``access_log``: the loaded server's."""
    offset = access_log.stat().st_size
    command = [sys.executable, "-m", "bench.loadgen"]
    command += [url] if url else ["--mix", _write(f"mix-{os.getpid()}.json", mix)]
    if cookies:
        command += ["--sessions-file", _write(f"sessions-{os.getpid()}.txt", cookies)]
    for name, value in HEADERS.items():
        command += ["--header", f"{name}: {value}"]
    command += [
        "--seconds",
        str(seconds),
        "--concurrency",
        str(users),
        "--max-requests",
        "10000000",  # bounded by time
    ]
    proc = subprocess.Popen(
        command,
        cwd=harness.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=seconds + 120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
    if proc.returncode != 0:
        raise SystemExit(f"bench.loadgen failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(
            f"{result['errors']} error(s) under load at {users} users, first: "
            f"{result['first_error']}\n{json.dumps(result.get('endpoints'), ensure_ascii=False)}"
        )
    if not result["requests"]:
        raise SystemExit(f"no request answered at {users} users")
    server = server_times(access_log, offset, url=url, mix=mix, cookies=list(cookies))
    if url:
        result.update(server.get("bare", {}))
    for name, endpoint in result.get("endpoints", {}).items():
        endpoint.update(server.get(name, {}))
    return result


def _write(name: str, content) -> str:
    path = LOGS / name
    if isinstance(content, list) and content and isinstance(content[0], str):
        path.write_text("\n".join(content) + "\n")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False))
    return str(path)
