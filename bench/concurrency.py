"""Concurrency: what 10 and 30 people at once cost the staff pages and the public portal, at
1,000 and at 100,000 decisions, on gunicorn with the production settings.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m bench.concurrency
        [--quick] [--keep] [--small 1000] [--large 100000] [--seconds 12] [--users 10,30]

The other sections time one request at a time (``bench.inbox``) or one public page
(``bench.portal``); a county's morning is several officials and citizens at once on the same
two workers. This section runs gunicorn as a deployment does (2 sync workers on 127.0.0.1,
``bench.concurrency_settings``: the production settings with DEBUG off, the manifest static
files built by ``collectstatic`` into var/concurrency/static, connections kept 60 s, the Redis
cache; plus the bench URLconf's bare view and the public rate limits lifted, as
``bench.settings`` does on the test settings). The secrets production insists on are made
afresh for the run, as ``bench.drill`` makes them. The decisions are ``bench.inbox.Generator``'s
bulk rows; one decision is also taken from initiation to the sealed archive through the
services (``bench.engine.lifecycle``: a published decision, a finished consultation, a meeting)
and one consultation is opened (``bench.portal.open_consultation``), so that every person and
every public page has something real to show. The small size is a copy of the database taken
at 1,000 decisions (``<database>_bench_concurrency_small``), the large one the original grown
on to 100,000, both vacuumed and checkpointed after the bulk load; each has its own gunicorn,
and the two are measured back to back at each number of users, not minutes apart on a shared
machine whose load drifts.

Staff log in without the login form: a session made with the configured ``SESSION_ENGINE`` in
a process on the server's own settings (its secret key signs the session and the password
hash it holds), its cookie sent as is, with ``X-Forwarded-Proto: https`` as the proxy in front
of production sends it (the session and CSRF cookies are Secure there). The load comes from
another process (``bench.loadgen --mix``), threads on loopback, each for a bounded time. For
each number of users, at the small and then at the large size, measured separately and in this
order:

* bare — ``/bench/bare/`` alone at that concurrency (the reference: middleware, routing and the
  queue in front of two workers, no query), measured first and again last, the lower p95 kept;
* staff — each thread one person's session (secretary, drafter, archivist, legal advisor, in
  turn) cycling through the inbox page, a decision page, the decisions list, the task API
  (session authentication, as the staff site's own scripts call it) and the record page of a
  decision; the decision is one that person may see (a generated one when they see any,
  otherwise the one made through the services);
* portal — anonymous threads over the portal's home, the consultations list, the open
  consultation, the published decisions list and the published decision (served as production
  serves them, from the Redis page cache where the portal caches).

With 2 sync workers a request waits for the ones ahead of it: at 30 users a p95 is mostly
queue, which the bare view pays too. So each endpoint's p95 is reported as a ratio to the bare
view's p95 at the same concurrency in the same run (targets, in ``bench.run``: the worst staff
endpoint ≤ 10 × bare and the worst portal endpoint ≤ 5 × bare at 30 users and the large size),
and the growth of each staff endpoint's p95 from the small to the large size at 30 users
(target ≤ 1.5: a page's cost must not follow the county's history). The load generator shares
the machine's cores with the server; that cost is in the bare view's figure as well.

Within one mix every endpoint waits in the same queue, so the client's p95s of a mix's
endpoints lie close together: they tell what a person waits, not which page is dear. For that,
gunicorn's access log (var/concurrency/access-{small,large}.log) gives each request's time in
the worker and, by its session cookie, whose request it was: each endpoint's p50/p95 of it, and
the p95 per person, are reported beside the client's figures (not used by a target).

Any answer other than 200 (an error page, a redirect to the login page) fails the section:
the run stops with the endpoint, the status and the URL, and a nonzero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench import drill, harness
from bench import drill_procs as procs
from bench.portal import free_port

SETTINGS = "bench.concurrency_settings"
LOGS = harness.ROOT / "var" / "concurrency"
STAFF = ("secretary", "drafter", "archivist", "legal_advisor")
HEADERS = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy sends
STAFF_ENDPOINTS = ("inbox", "decision", "list", "api", "record")
PORTAL_ENDPOINTS = ("home", "consultations", "consultation", "decisions", "decision")
# Per endpoint: as the client saw it (queue included), and in gunicorn's worker (access log).
METRICS = ("p50_ms", "p95_ms", "rps", "requests", "errors", "server_p50_ms", "server_p95_ms")
# Targets (also in bench.run), printed beside the figures.
TARGET_STAFF_RATIO, TARGET_STAFF_GROWTH, TARGET_PORTAL_RATIO = 10.0, 1.5, 5.0

SESSIONS_SCRIPT = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
store = import_module(settings.SESSION_ENGINE).SessionStore
out = {}
for username in USERNAMES:
    user = get_user_model().objects.get(username=username)
    session = store()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out[username] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
print("SESSIONS " + json.dumps(out))
"""


def sessions_make(env: dict[str, str], usernames: list[str]) -> dict[str, str]:
    """A logged-in session per person, made on the server's settings; name → cookie."""
    script = SESSIONS_SCRIPT.replace("USERNAMES", repr(list(usernames)))
    out = drill.manage(env, "shell", "-c", script, settings=SETTINGS)
    line = next(line for line in out.splitlines() if line.startswith("SESSIONS "))
    return json.loads(line.removeprefix("SESSIONS "))


def decision_for(user) -> tuple[int, str]:
    """A decision ``user`` may see: the middle one of the generated decisions they see, else
    the latest one made through the services."""
    from decisions.selectors import decisions_visible_to

    visible = decisions_visible_to(user=user).order_by("pk")
    generated = visible.filter(title__startswith="基准决策")
    n = generated.count()
    if n:
        return generated.values_list("pk", flat=True)[n // 2], f"generated, 1 of {n:,} seen"
    pk = visible.values_list("pk", flat=True).last()
    if pk is None:
        raise SystemExit(f"{user.username} sees no decision: nothing to put in the staff mix")
    return pk, "made through the services"


def staff_mix(base: str, p: dict) -> tuple[list[dict], dict]:
    from django.urls import reverse

    chosen = {who: decision_for(p[who]) for who in STAFF}
    per_person = {
        "decision": [
            base + reverse("decisions:register:detail", args=[chosen[who][0]]) for who in STAFF
        ],
        "record": [
            base + reverse("record:timeline", args=["decisions.decision", str(chosen[who][0])])
            for who in STAFF
        ],
    }
    shared = {
        "inbox": base + reverse("workbench:inbox:index"),
        "list": base + reverse("decisions:register:index"),
        "api": base + reverse("api:task-list"),
    }
    mix = [{"name": ep, "url": per_person.get(ep) or shared[ep]} for ep in STAFF_ENDPOINTS]
    return mix, {who: f"#{pk} ({how})" for who, (pk, how) in chosen.items()}


def portal_mix(base: str, consultation_pk: int, decision_pk: int) -> list[dict]:
    from django.urls import reverse

    urls = {
        "home": reverse("public:home"),
        "consultations": reverse("public:consultations"),
        "consultation": reverse("public:consultation", args=[consultation_pk]),
        "decisions": reverse("public:decisions"),
        "decision": reverse("public:decision", args=[decision_pk]),
    }
    return [{"name": ep, "url": base + urls[ep]} for ep in PORTAL_ENDPOINTS]


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


def measure(servers: list[Server], *, seconds, users_levels, cookies, portal_urls) -> dict:
    """For each number of users, each size in turn (back to back, so that a machine busier for
    a while weighs on both sizes alike): bare, staff mix, portal mix, bare again."""
    out: dict[int, dict] = {server.size: {} for server in servers}
    for users in users_levels:
        for server in servers:
            portal = portal_mix(server.base, *portal_urls)
            run = {"users": users, "access_log": server.access_log}
            bare_first = load(seconds=seconds, url=server.bare_url, **run)
            staff = load(seconds=seconds, mix=server.staff, cookies=cookies, **run)
            portal_r = load(seconds=seconds, mix=portal, **run)
            bare_last = load(seconds=seconds, url=server.bare_url, **run)
            out[server.size][users] = {
                "bare": min(bare_first, bare_last, key=lambda r: r["p95_ms"]),
                "bare_p95_first_last": [bare_first["p95_ms"], bare_last["p95_ms"]],
                "staff": staff,
                "portal": portal_r,
            }
    return out


def settle() -> None:
    """VACUUM ANALYZE and a checkpoint after a bulk load: the visibility map and the dirty
    buffers of a county database in its steady state, not a bulk load's aftermath."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="each measurement")
    parser.add_argument("--users", default="10,30")
    args = parser.parse_args()
    large = args.large or (10_000 if args.quick else 100_000)
    seconds = args.seconds or (3.0 if args.quick else 12.0)
    users_levels = [int(u) for u in args.users.split(",")]
    sizes = (args.small, large)
    LOGS.mkdir(parents=True, exist_ok=True)

    name = harness.setup("concurrency")
    env = {
        **os.environ,  # DATABASE_URL: the scratch database (harness.setup)
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "FAZHI_STATIC_ROOT": str(LOGS / "static"),
        "FAZHI_MEDIA_ROOT": str(LOGS / "media"),
        "FAZHI_BENCH_CACHE_PREFIX": f"fazhi-concurrency-{secrets.token_hex(4)}",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }
    servers: list[Server] = []
    static = None
    small_db = harness.scratch_name("concurrency_small")
    generate_s: dict[int, float] = {}
    try:
        env["FAZHI_RECORD_SIGNING_KEY"] = drill.signing_key(env)
        with open(LOGS / "setup.log", "w") as log:
            static = subprocess.Popen(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=harness.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        from django.db import connections

        from bench.engine import lifecycle, people
        from bench.inbox import Generator
        from bench.portal import open_consultation
        from decisions.models import Decision

        p = people()
        lifecycle(p, 1)  # published, with a finished consultation and a meeting
        consultation = open_consultation(p)
        published = Decision.objects.filter(publication__published=True).values_list(
            "pk", flat=True
        )[0]
        gen = Generator(p)
        # Sessions first: the small size's database is a copy, the same sessions hold in both.
        cookies_by_person = sessions_make(env, list(STAFF))
        cookies = [cookies_by_person[who] for who in STAFF]
        # The small size on a copy of the database and the large on the original, each with its
        # own gunicorn, so that the two sizes are measured back to back, not minutes apart.
        generate_s[args.small] = round(gen.add(args.small - gen.made), 1)
        settle()
        servers.append(Server.make(size=args.small, label="small", database=small_db, env=env))
        servers[0].staff, servers[0].chosen = staff_mix(servers[0].base, p)
        connections.close_all()
        with harness.admin_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{small_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{small_db}" TEMPLATE "{name}"')
        generate_s[large] = round(gen.add(large - gen.made), 1)
        settle()
        servers.append(Server.make(size=large, label="large", database=name, env=env))
        servers[1].staff, servers[1].chosen = staff_mix(servers[1].base, p)
        connections.close_all()
        if static.wait(timeout=300) != 0:
            raise SystemExit("collectstatic failed; see var/concurrency/setup.log")
        static = None

        portal_urls = (consultation.pk, published)
        for server in servers:
            server.start()
        for server in servers:
            portal = portal_mix(server.base, *portal_urls)
            probe(server.staff, cookies, server.web)
            probe(portal, [], server.web)
            warm = {"seconds": 1.0, "users": len(STAFF), "access_log": server.access_log}
            load(mix=server.staff, cookies=cookies, **warm)  # both workers, every page
            load(mix=portal, **warm)
            load(url=server.bare_url, **warm)
        results = measure(
            servers,
            seconds=seconds,
            users_levels=users_levels,
            cookies=cookies,
            portal_urls=portal_urls,
        )
        chosen = {server.size: server.chosen for server in servers}
    finally:
        for server in servers:
            server.web.stop()
        if static is not None and static.poll() is None:
            os.killpg(static.pid, signal.SIGKILL)
            static.wait(timeout=20)
        for temporary in (f"mix-{os.getpid()}.json", f"sessions-{os.getpid()}.txt"):
            (LOGS / temporary).unlink(missing_ok=True)
        if not args.keep:
            harness.database_drop(small_db)
        harness.teardown(name, keep=args.keep)

    report(results, sizes, users_levels, seconds, generate_s, chosen)


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
        label = labels[size]
        for users in users_levels:
            r = results[size][users]
            bare_p95 = r["bare"]["p95_ms"]
            key = f"{label}_u{users}"
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
            for kind in ("staff", "portal"):
                mix = r[kind]
                figures[f"{key}_{kind}_rps"] = mix["rps"]
                for ep, e in mix["endpoints"].items():
                    ratio = harness.ratio(e["p95_ms"], bare_p95, 2)
                    for metric in METRICS:
                        figures[f"{key}_{kind}_{ep}_{metric}"] = e.get(metric)
                    figures[f"{key}_{kind}_{ep}_p95_ratio"] = ratio
                    by_person = e.get("server_p95_ms_by_person") or {}
                    for who, value in by_person.items():
                        figures[f"{key}_{kind}_{ep}_{who}_server_p95_ms"] = value
                    if size == large and users == top and ratio is not None:
                        worst[kind] = max(worst[kind], ratio)
                    rows.append(
                        (
                            f"  {kind} {ep}",
                            f"p50 {e['p50_ms']} ms  p95 {e['p95_ms']} ms  {e['rps']} req/s  "
                            f"{e['errors']} errors  p95/bare {ratio}  (in the worker: p50 "
                            f"{e.get('server_p50_ms')} ms  p95 {e.get('server_p95_ms')} ms"
                            + (
                                "; p95 by person: "
                                + ", ".join(f"{who} {v}" for who, v in by_person.items())
                                if by_person
                                else ""
                            )
                            + ")",
                        )
                    )
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


if __name__ == "__main__":
    main()
