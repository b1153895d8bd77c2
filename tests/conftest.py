"""Shared fixtures: people in their roles, a real Celery worker, real Chromium.

The suite runs against real PostgreSQL and Redis (DATABASE_URL / REDIS_URL, set by
`make test`). Nothing here skips when a service is missing: it fails, loudly.
"""

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

ROOT = Path(__file__).resolve().parent.parent


# --- time -----------------------------------------------------------------------------------

# The moment every test runs at unless it travels elsewhere: a Monday and an ordinary working
# day, in the last year the suite's calendar knows (config.settings.test ends the package's
# schedule with 2026). No test depends on the day the suite runs (domain.md §4).
SUITE_NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The test's clock, at ``SUITE_NOW`` and ticking; ``clock.move_to(moment)`` travels.

    ``FAZHI_TEST_NOW`` tells a process the test starts (a server, a worker) to travel to the
    same moment (config.settings.test); ``travel_to`` below moves both.
    """
    monkeypatch.setenv("FAZHI_TEST_NOW", SUITE_NOW.isoformat())
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def travel_to(clock, monkeypatch):
    """travel_to(datetime or date) moves this test, and the processes it starts after, there
    (a date means 10:00 that day in Asia/Shanghai)."""

    def travel(moment):
        if not isinstance(moment, datetime):
            moment = datetime(moment.year, moment.month, moment.day, 10, tzinfo=SUITE_NOW.tzinfo)
        clock.move_to(moment)
        monkeypatch.setenv("FAZHI_TEST_NOW", moment.isoformat())
        return moment

    return travel


# --- emptying the database between transactional tests ---------------------------------------


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_record_triggers():
    """Django empties the database after a transactional test with one TRUNCATE of every table,
    which the record's BEFORE TRUNCATE triggers refuse (workflows/record/migrations/0004).
    The flush runs in a transaction: ``SET LOCAL session_replication_role = replica`` (which
    only a superuser may set, as the suite's PostgreSQL role is) skips ordinary triggers for
    that transaction alone."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def sql_flush_past_triggers(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else []

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush_past_triggers)
        yield


# --- organisation and people ----------------------------------------------------------------


@pytest.fixture
def county(db):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    return unit_ensure(name="乌恰县人民政府", kind=Unit.Kind.GOVERNMENT, issuer_code="恰政")[0]


@pytest.fixture
def justice_bureau(county):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    bureau = unit_ensure(
        name="乌恰县司法局", kind=Unit.Kind.DEPARTMENT, issuer_code="恰司", parent=county
    )[0]
    # The county's review office (第二十五条: 负责合法性审查的部门).
    county.review_office = bureau
    county.save(update_fields=["review_office"])
    return bureau


@pytest.fixture
def township(county):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    return unit_ensure(
        name="吾合沙鲁乡", kind=Unit.Kind.TOWNSHIP, issuer_code="恰吾乡", parent=county
    )[0]


PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_person(db):
    """make_person("name", unit, role=[units]) -> a user with a profile and scoped roles."""
    from workflows.services import person_ensure

    def make(username, unit, **roles):
        user, _ = person_ensure(
            username=username, full_name=username, unit=unit, password=PASSWORD, roles=roles
        )
        user.plain_password = PASSWORD
        return user

    return make


@pytest.fixture
def drafter(make_person, justice_bureau):
    """A drafter of 司法局."""
    return make_person("drafter", justice_bureau, drafter=[justice_bureau])


@pytest.fixture
def legal_advisor(make_person, justice_bureau, county):
    """A legal advisor of 司法局 who reviews for the county and its departments."""
    return make_person("legal_advisor", justice_bureau, legal_advisor=[county, justice_bureau])


@pytest.fixture
def archivist(make_person, county):
    return make_person("archivist", county, archivist=[county])


@pytest.fixture
def outsider(make_person, township):
    """A drafter from a township: must never see 司法局's drafts."""
    return make_person("outsider", township, drafter=[township])


# --- a real Celery worker on Redis ------------------------------------------------------------


def _database_url_of(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the test database and REDIS_URL.

    Tests that let the worker see their rows must commit them (``transactional_db``).
    """
    from django.db import connection

    from config.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: the worker tests need a real Redis (see README).")
    if connection.vendor != "postgresql":
        pytest.fail("The worker tests need PostgreSQL (DATABASE_URL): SQLite cannot be shared.")

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url_of(connection.settings_dict),
        # Session-wide: the worker lives at the suite's moment, as the tests do.
        "FAZHI_TEST_NOW": SUITE_NOW.isoformat(),
    }
    with django_db_blocker.unblock():
        app.control.purge()
    from tests.support import celery_worker

    options = ["--concurrency=2", "--without-gossip", "--without-mingle"]
    with celery_worker(env=env, log_name="test-worker.log", options=options) as proc:
        deadline = time.monotonic() + 60
        from workflows.tasks import ping

        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"The Celery worker exited with {proc.returncode}; see var/test-worker.log"
                )
            try:
                if ping.delay("ready").get(timeout=5) == "ready":
                    break
            except Exception:  # not up yet
                if time.monotonic() > deadline:
                    pytest.fail("The Celery worker did not answer within 60 s")
        yield proc


# --- real Chromium --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
    # around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """login(user) signs ``user`` in through the real login form."""

    def do_login(user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", user.plain_password)
        page.click("button.vf-page-lockscreen__sidebar-content-action")
        page.wait_for_load_state("networkidle")
        return page

    return do_login


# --- in CI, a skipped test is a failure ---------------------------------------------------------

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """CI must never go green by skipping its real-service or browser tests (DEVELOPERS.md)."""
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        session.exitstatus = 1
        print(f"\nCI: {len(_skipped)} test(s) skipped, which CI treats as failure:")
        for nodeid in _skipped:
            print(f"  {nodeid}")
