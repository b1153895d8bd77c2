"""In-app notifications: created, told (with an e-mail copy), marked read."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..transactions import service_atomic
from .models import Notification


@service_atomic
def notification_create(
    *, recipient, title: str, body: str = "", url: str = "", reminder=None
) -> Notification:
    return Notification.objects.create(
        recipient=recipient, title=title[:300], body=body, url=url[:500], reminder=reminder
    )


def notification_tell(*, recipient, title: str, body: str, url: str) -> Notification:
    """An in-app notification, in the caller's transaction (it exists exactly when what it
    announces does), and the same words by e-mail once that commits, when the person has an
    address. The e-mail is a courtesy copy: the notification (and the inbox item beside it)
    carries the work, so a mail server that refuses it is logged and nothing is undone.
    Reminders, which must reach people, are e-mailed by the sweep instead (mark, then send)."""
    notification = notification_create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(
            partial(
                send_mail,
                subject=title,
                message=body,
                from_email=None,
                recipient_list=[recipient.email],
            ),
            robust=True,
        )
    return notification


@service_atomic
def notification_mark_read(*, notification: Notification, at: datetime | None = None) -> bool:
    """Mark one notification read; True when it was unread."""
    return (
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=at or timezone.now()
        )
        == 1
    )


@service_atomic
def notifications_mark_all_read(*, user, at: datetime | None = None) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(
        read_at=at or timezone.now()
    )
