"""Periodic work for normative documents (beat schedule in config/celery.py).

Both tasks are harmless when run twice: every document moves under a row lock and only from the
state the rule expects, and a regular cleanup is opened at most once per government and day.
"""

from celery import shared_task


@shared_task
def expire_documents() -> dict[str, int]:
    """The daily validity sweep: documents whose effective date has come enter into force, and
    documents whose validity period ended without a renewal decision expire (令第218号)."""
    from .services import validity_sweep

    return validity_sweep()


@shared_task
def open_regular_cleanups() -> list[int]:
    """Open the regular cleanup when the interval since the last one has run (37号 五(十八))."""
    from .services import cleanup_open_regular_if_due

    return [campaign.pk for campaign in cleanup_open_regular_if_due()]
