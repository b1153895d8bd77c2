"""What every normdocs service shares: refusals, the record, deadlines, today's date."""

from datetime import date

from django.utils import timezone

from workflows.record.services import record_append

from ..rules import RuleRefusal


def refuse(reason: str | None) -> None:
    """Raise the refusal when a rule gave a reason (rules return None when all is well)."""
    if reason:
        raise RuleRefusal(reason)


def require(allowed: bool, reason: str) -> None:
    if not allowed:
        raise RuleRefusal(reason)


def today() -> date:
    return timezone.localdate()


def record(*, actor, action: str, subject, payload: dict | None = None):
    """Append to the full-process record; called inside the caller's transaction."""
    return record_append(actor=actor, action=f"normdoc.{action}", subject=subject, payload=payload)
