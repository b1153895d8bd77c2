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

from bench import drill, harness
from bench.concurrency_report import STAFF_ENDPOINTS, report
from bench.concurrency_server import LOGS, STAFF, Server, load, probe

SETTINGS = "bench.concurrency_settings"
PORTAL_ENDPOINTS = ("home", "consultations", "consultation", "decisions", "decision")

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
    args = arguments()
    large = args.large or (10_000 if args.quick else 100_000)
    seconds = args.seconds or (3.0 if args.quick else 12.0)
    users_levels = [int(u) for u in args.users.split(",")]
    sizes = (args.small, large)
    LOGS.mkdir(parents=True, exist_ok=True)

    name = harness.setup("concurrency")
    env = server_env()
    servers: list[Server] = []
    static = None
    small_db = harness.scratch_name("concurrency_small")
    generate_s: dict[int, float] = {}
    try:
        env["FAZHI_RECORD_SIGNING_KEY"] = drill.signing_key(env)
        static = collectstatic_start(env)
        cookies, portal_urls = sizes_prepare(
            env, servers, generate_s, sizes=sizes, database=name, small_db=small_db
        )
        if static.wait(timeout=300) != 0:
            raise SystemExit("collectstatic failed; see var/concurrency/setup.log")
        static = None

        for server in servers:
            server.start()
        for server in servers:
            warm(server, cookies, portal_urls)
        results = measure(
            servers,
            seconds=seconds,
            users_levels=users_levels,
            cookies=cookies,
            portal_urls=portal_urls,
        )
        chosen = {server.size: server.chosen for server in servers}
    finally:
        cleanup(servers, static, keep=args.keep, database=name, small_db=small_db)

    report(results, sizes, users_levels, seconds, generate_s, chosen)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="each measurement")
    parser.add_argument("--users", default="10,30")
    return parser.parse_args()


def server_env() -> dict[str, str]:
    """The servers' environment: the production settings with fresh secrets, on the scratch
    database (``harness.setup`` has set DATABASE_URL)."""
    return {
        **os.environ,  # DATABASE_URL: the scratch database (harness.setup)
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "FAZHI_STATIC_ROOT": str(LOGS / "static"),
        "FAZHI_MEDIA_ROOT": str(LOGS / "media"),
        "FAZHI_BENCH_CACHE_PREFIX": f"fazhi-concurrency-{secrets.token_hex(4)}",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
    }


def collectstatic_start(env: dict[str, str]) -> subprocess.Popen:
    """``collectstatic`` in its own process group, while the databases are filled."""
    with open(LOGS / "setup.log", "w") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=harness.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def sizes_prepare(
    env: dict[str, str],
    servers: list[Server],
    generate_s: dict[int, float],
    *,
    sizes: tuple[int, int],
    database: str,
    small_db: str,
) -> tuple[list[str], tuple[int, int]]:
    """Fill the database, the small size on a copy and the large on the original, appending
    each size's (not yet started) server to ``servers`` and its generation time to
    ``generate_s``; the staff's cookies (``STAFF`` order) and the portal's (consultation,
    published decision)."""
    from django.db import connections

    from bench.engine import lifecycle, people
    from bench.inbox_generator import Generator
    from bench.portal import open_consultation
    from decisions.models import Decision

    small, large = sizes
    p = people()
    lifecycle(p, 1)  # published, with a finished consultation and a meeting
    consultation = open_consultation(p)
    published = Decision.objects.filter(publication__published=True).values_list("pk", flat=True)[0]
    gen = Generator(p)
    # Sessions first: the small size's database is a copy, the same sessions hold in both.
    cookies_by_person = sessions_make(env, list(STAFF))
    cookies = [cookies_by_person[who] for who in STAFF]
    # The small size on a copy of the database and the large on the original, each with its
    # own gunicorn, so that the two sizes are measured back to back, not minutes apart.
    generate_s[small] = round(gen.add(small - gen.made), 1)
    settle()
    servers.append(Server.make(size=small, label="small", database=small_db, env=env))
    servers[0].staff, servers[0].chosen = staff_mix(servers[0].base, p)
    connections.close_all()
    with harness.admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{small_db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{small_db}" TEMPLATE "{database}"')
    generate_s[large] = round(gen.add(large - gen.made), 1)
    settle()
    servers.append(Server.make(size=large, label="large", database=database, env=env))
    servers[1].staff, servers[1].chosen = staff_mix(servers[1].base, p)
    connections.close_all()
    return cookies, (consultation.pk, published)


def warm(server: Server, cookies: list[str], portal_urls: tuple[int, int]) -> None:
    """Every page of both mixes once as each person (a 200 or the run stops), then a second
    of load on both workers, every page."""
    portal = portal_mix(server.base, *portal_urls)
    probe(server.staff, cookies, server.web)
    probe(portal, [], server.web)
    run = {"seconds": 1.0, "users": len(STAFF), "access_log": server.access_log}
    load(mix=server.staff, cookies=cookies, **run)  # both workers, every page
    load(mix=portal, **run)
    load(url=server.bare_url, **run)


def cleanup(servers: list[Server], static, *, keep: bool, database: str, small_db: str) -> None:
    """Stop the servers and ``collectstatic`` if still running, remove the temporary files,
    drop the databases unless kept."""
    for server in servers:
        server.web.stop()
    if static is not None and static.poll() is None:
        os.killpg(static.pid, signal.SIGKILL)
        static.wait(timeout=20)
    for temporary in (f"mix-{os.getpid()}.json", f"sessions-{os.getpid()}.txt"):
        (LOGS / temporary).unlink(missing_ok=True)
    if not keep:
        harness.database_drop(small_db)
    harness.teardown(database, keep=keep)


if __name__ == "__main__":
    main()
