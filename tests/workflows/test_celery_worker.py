"""A task round trip through a real Celery worker process on Redis."""

import pytest
from django.utils import timezone

from workflows.models import Heartbeat
from workflows.tasks import heartbeat, ping

pytestmark = pytest.mark.worker


def test_a_task_round_trips_through_a_real_worker(celery_worker_process):
    assert ping.delay("你好").get(timeout=30) == "你好"


def test_the_worker_writes_to_the_test_database(celery_worker_process, transactional_db):
    before = timezone.now()
    assert heartbeat.delay().get(timeout=30) == "ok"
    assert Heartbeat.objects.get(name="worker").seen_at >= before
