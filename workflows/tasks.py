from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task
def heartbeat() -> str:
    """Queued by beat every FAZHI_SWEEP_SECONDS, run by a worker: proves both are alive
    (``/health/``, workflows.health). Idempotent."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})
    return "ok"


@shared_task
def ping(value: str = "pong") -> str:
    """Round trip through the broker, for health checks and the test suite."""
    return value
