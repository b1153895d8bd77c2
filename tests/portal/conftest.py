"""Fixtures for the public portal: a decision put out for comment, and a clean cache per test
(rate-limit counters and cached fragments live in the real Redis)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.decisions.conftest import catalogue_item, drive, people  # noqa: F401
from tests.normdocs.conftest import (  # noqa: F401
    bureau_body,
    county_body,
    county_drafter,
    officials,
)

PORTAL_KEY_PATTERNS = (
    "*public-rl:*",
    "*public-v:*",
    "*template.cache.*",
    "*views.decorators.cache.*",
)


def clear_portal_cache() -> None:
    """Forget rate-limit counts and cached pages. Never cache.clear(): on Redis that is FLUSHDB,
    which would also wipe the Celery broker's bindings other tests' worker relies on."""
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        cache.clear()  # a local-memory cache holds nothing else
        return
    redis = client.get_client(write=True)
    for pattern in PORTAL_KEY_PATTERNS:
        keys = list(redis.scan_iter(match=pattern))
        if keys:
            redis.delete(*keys)


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_portal_cache()
    yield
    clear_portal_cache()


@pytest.fixture
def open_consultation(drive, people):  # noqa: F811 (fixtures imported above)
    """A decision's draft open for comment since yesterday, for thirty more days."""
    from decisions import services as s

    decision = drive.initiate()
    s.decision_draft_submit(decision=decision, by=people["drafter"])
    now = timezone.now()
    return s.decision_consultation_open(
        decision=decision,
        by=people["drafter"],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


def comment_url(consultation) -> str:
    return f"/public/consultations/{consultation.pk}/"


def staff_url(consultation) -> str:
    return f"/public/staff/consultations/{consultation.pk}/"
