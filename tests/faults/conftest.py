"""Fault drills: real PostgreSQL, real redis-server processes owned by the test, real Celery
worker processes. Nothing is mocked; faults are made by stopping and killing processes and by
terminating database backends."""

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from tests.decisions.conftest import catalogue_item, drive, people  # noqa: F401
from tests.support import celery_worker, own_redis_started
from workflows.clocks.rules import WORKING, DeadlineRule, register_rule, unregister_rule

ROOT = Path(__file__).resolve().parents[2]
CLAIM_TIMEOUT = 2  # seconds, in the test process and its workers

# A throw-away rule of the drills, registered only while one of them runs (``review_rule``).
REVIEW = DeadlineRule(
    key="faults.legality_review",
    unit=WORKING,
    amount=7,
    legal_source="《重大行政决策程序暂行条例》第二十六条",
    description="Legality review",
)
START = date(2024, 9, 27)  # 7 working days later: the 调休 Saturday 2024-10-12
FIRST_DAY_OVERDUE = date(2024, 10, 14)


@pytest.fixture(autouse=True)
def review_rule():
    """The drills' rule, registered for the test and removed after it."""
    register_rule(REVIEW)
    yield
    unregister_rule(REVIEW.key)


@pytest.fixture
def own_redis():
    server = own_redis_started(6391)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def worker_on(redis_url: str, *, gate: Path, email_backend: str, log_name: str):
    """A real worker (solo pool: SIGKILL to its pid kills the task too) on ``redis_url`` and the
    test database, with ``worker_settings``."""
    from tests.conftest import _database_url_of

    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "DATABASE_URL": _database_url_of(connection.settings_dict),
        "REDIS_URL": redis_url,
        "FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT),
        "FAZHI_FAULT_GATE": str(gate),
        "FAZHI_FAULT_EMAIL_BACKEND": email_backend,
    }
    options = ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with celery_worker(env=env, log_name=log_name, options=options) as proc:
        yield proc


@pytest.fixture
def committed(transactional_db, settings):
    """Rows are committed (workers and threads see them); the role groups the data migration
    made are put back after each transactional test's TRUNCATE."""
    from django.contrib.auth.models import Group

    from workflows.roles import ROLES

    for role in ROLES:
        Group.objects.get_or_create(name=role)
    settings.FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS = CLAIM_TIMEOUT


@pytest.fixture
def overdue_reviews(committed, make_person, justice_bureau):
    """overdue_reviews(n): n legality-review clocks, each with its own responsible reviewer,
    overdue on FIRST_DAY_OVERDUE; 司法局 has a head, who is told of each one too."""
    from workflows.clocks.services import deadline_open

    head = make_person("head", justice_bureau, unit_head=[justice_bureau])
    head.email = "head@example.org"
    head.save(update_fields=["email"])

    def make(n: int, *, with_head: bool = True):
        if not with_head:
            head.is_active = False
            head.save(update_fields=["is_active"])
        made = []
        for i in range(n):
            reviewer = make_person(f"reviewer{i}", justice_bureau, legal_advisor=[justice_bureau])
            reviewer.email = f"reviewer{i}@example.org"
            reviewer.save(update_fields=["email"])
            made.append(
                deadline_open(
                    subject=reviewer,
                    rule_key=REVIEW.key,
                    start=START,
                    responsible_unit=justice_bureau,
                    responsible_people=[reviewer],
                )
            )
        return made

    return make
