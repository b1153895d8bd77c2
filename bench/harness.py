"""What every benchmark section shares: a scratch database, Django set up on it, counters,
timing helpers and the output format.

DATABASE_URL only names the PostgreSQL *server* (its database is never written): each section
creates ``<that database>_bench_<section>`` from a migrated template
``<that database>_bench_tpl`` (made once per run, which saves migrating six times) and drops it
at the end. The run's driver (``bench.run``) drops the template.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fazhi"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
SETTINGS = "bench.settings"


def server_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (its database is not used)")
    return url


def _base_name(url: str) -> str:
    return (urlsplit(url).path.lstrip("/") or "fazhi").split("?")[0]


def template_name(url: str | None = None) -> str:
    return f"{_base_name(url or server_url())}_bench_tpl"


def scratch_name(section: str, url: str | None = None) -> str:
    return f"{_base_name(url or server_url())}_bench_{section}"


def url_for(database: str, url: str | None = None) -> str:
    return urlunsplit(urlsplit(url or server_url())._replace(path=f"/{database}"))


def admin_connect(url: str | None = None):
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(url_for("postgres", url), autocommit=True)


def database_exists(name: str) -> bool:
    with admin_connect() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def database_drop(name: str) -> None:
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def template_ensure() -> None:
    """Create and migrate the template database unless it exists (in a child process, so that
    this process's Django is set up only once, on the section's own database)."""
    import subprocess

    name = template_name()
    if database_exists(name):
        return
    with admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url_for(name), "DJANGO_SETTINGS_MODULE": SETTINGS}
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    except BaseException:
        database_drop(name)
        raise


def setup(section: str) -> str:
    """Create this section's scratch database from the template, point Django at it and set
    Django up. Returns the scratch database's name (drop it with ``teardown``)."""
    template_ensure()
    name = scratch_name(section)
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name()}"')
    os.environ["DATABASE_URL"] = url_for(name)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core import mail

    mail.outbox = []  # the in-memory e-mail backend appends here
    return name


def teardown(name: str, *, keep: bool = False) -> None:
    from django.db import connections

    connections.close_all()
    if not keep:
        database_drop(name)


# --- counting what reaches the database -------------------------------------------------------


def _is_read(sql: str) -> bool:
    # A lone SELECT in autocommit writes nothing to the WAL: it is not counted as a commit.
    return sql.lstrip()[:6].upper() == "SELECT"


class SqlCounter:
    """Counts statements (``connection.execute_wrapper``) and commits on Django's connection.

    A write run outside any atomic block commits by itself (autocommit) and counts as one
    commit; a transaction that ends in COMMIT counts once, seen by wrapping the connection's
    ``_commit`` (Django calls it for the outermost atomic block only).
    """

    def __init__(self, connection=None):
        from django.db import connection as default

        self.connection = connection or default
        self.statements = 0
        self.commits = 0

    def __call__(self, execute, sql, params, many, context):
        self.statements += 1
        if not context["connection"].in_atomic_block and not _is_read(sql):
            self.commits += 1
        return execute(sql, params, many, context)

    @contextmanager
    def counting(self):
        conn = self.connection
        conn.ensure_connection()
        original = conn._commit

        def _commit():
            self.commits += 1
            return original()

        conn._commit = _commit
        try:
            with conn.execute_wrapper(self):
                yield self
        finally:
            conn._commit = original


# --- timing -----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


# --- output -----------------------------------------------------------------------------------


def ratio(numerator: float, denominator: float, digits: int = 3) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def emit(section: str, figures: dict, rows: list[tuple[str, str]]) -> None:
    """Print a section's table, then its figures as one JSON line (``bench.run`` reads it)."""
    width = max(len(label) for label, _ in rows)
    print(f"\n== {section} ==")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps({"section": section, **figures}, ensure_ascii=False, default=str))


def common_arguments(parser) -> None:
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
