"""Delivering reminders, each once: claim, mark sent with its notification, then the e-mail
(mark, then send). See ``workflows.clocks.sweep`` for the whole guarantee."""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .messages import recipient_language, reminder_message
from .models import Reminder
from .selectors import claim_timeout
from .services import notification_create

logger = logging.getLogger(__name__)


class _ClaimLost(Exception):
    """Our claim was taken over (we were presumed dead): the other deliverer sends it."""


def reminder_deliver(*, reminder_id: int, now: datetime) -> bool:
    """Send one reminder if nobody else has or is: returns True when this call sent it.

    Claim (its own committed UPDATE, so rivals see it), then in one transaction: mark it sent
    (only if our claim still holds), create the notification and, when the person has an
    address, mark its e-mail "sending". After that commit the e-mail goes out and is marked
    sent (``_email_send``): mark, then send, so a database connection that drops after the
    send cannot roll its mark back together with the reminder's and have both done again.
    A failure before the commit rolls everything back and releases the claim for a later
    sweep (in queue mode, once the claim timeout has passed since it was queued).
    A call for a reminder already sent retries its e-mail if that is owed
    (``reminder_email_retry``): a queued message run again after its worker died is enough.
    """
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at=None, cancelled_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout()))
        .update(claimed_at=now)
    )
    if claimed != 1:
        reminder_email_retry(reminder_id=reminder_id, now=now)
        return False
    try:
        with transaction.atomic():
            mine = Reminder.objects.filter(
                pk=reminder_id, sent_at=None, cancelled_at=None, claimed_at=now
            )
            # Locks the row until commit: a rival's take-over or a cancellation waits for us.
            if mine.update(sent_at=now) != 1:
                raise _ClaimLost
            reminder = Reminder.objects.select_related(
                "recipient", "deadline__responsible_unit__parent", "deadline__content_type"
            ).get(pk=reminder_id)
            recipient = reminder.recipient
            message = reminder_message(reminder, language=recipient_language(recipient))
            notification_create(
                recipient=recipient,
                title=message.title,
                body=message.body,
                url=message.url,
                reminder=reminder,
            )
            if recipient.email:
                Reminder.objects.filter(pk=reminder_id).update(
                    email_status=Reminder.Email.SENDING, email_claimed_at=now
                )
    except _ClaimLost:
        return False
    except Exception as error:  # noqa: BLE001 - whatever broke, the reminder must be retried
        logger.exception("Reminder %s could not be sent; it will be retried", reminder_id)
        Reminder.objects.filter(pk=reminder_id, sent_at=None, claimed_at=now).update(
            claimed_at=None, failures=F("failures") + 1, last_error=repr(error)[:2000]
        )
        return False
    if recipient.email:
        _email_send(reminder_id=reminder_id, claim=now, to=recipient.email, message=message)
    return True


def _email_owed(now: datetime) -> Q:
    """An e-mail to send: it failed and waits for a retry, or its sender died mid-send."""
    return Q(email_status=Reminder.Email.PENDING) | Q(
        email_status=Reminder.Email.SENDING, email_claimed_at__lt=now - claim_timeout()
    )


def reminder_email_retry(*, reminder_id: int, now: datetime) -> bool:
    """Send the e-mail of a reminder already delivered in the app, if it is owed (a failed
    send, or a sender that died before marking it); True when this call sent it."""
    claimed = (
        Reminder.objects.filter(pk=reminder_id, sent_at__isnull=False, cancelled_at=None)
        .filter(_email_owed(now))
        .update(email_status=Reminder.Email.SENDING, email_claimed_at=now)
    )
    if claimed != 1:
        return False
    reminder = Reminder.objects.select_related(
        "recipient", "deadline__responsible_unit__parent", "deadline__content_type"
    ).get(pk=reminder_id)
    recipient = reminder.recipient
    if not recipient.email:  # the address was removed since
        _email_mark(reminder_id, now, email_status=Reminder.Email.NONE)
        return False
    message = reminder_message(reminder, language=recipient_language(recipient))
    return _email_send(reminder_id=reminder_id, claim=now, to=recipient.email, message=message)


def reminder_message_id(reminder_id: int) -> str:
    """The same Message-ID for every attempt at one reminder's e-mail: a mail system or client
    that sees it twice knows it is one message."""
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "fazhi").strip("> ")
    return f"<reminder-{reminder_id}@{domain}>"


def _email_send(*, reminder_id: int, claim: datetime, to: str, message) -> bool:
    """Send the e-mail claimed "sending" at ``claim`` and mark the outcome; True when sent."""
    email = EmailMessage(
        subject=message.title,
        body=message.body,
        to=[to],
        headers={"Message-ID": reminder_message_id(reminder_id)},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as refused:
        # Refused for good: retrying cannot help, and the notification is in the app already.
        logger.warning("Reminder %s: e-mail refused: %r", reminder_id, refused)
        _email_mark(
            reminder_id,
            claim,
            email_status=Reminder.Email.REFUSED,
            last_error=f"e-mail refused: {refused!r}"[:2000],
        )
        return False
    except Exception as error:  # noqa: BLE001 - the server is down: a later sweep retries
        logger.warning("Reminder %s: e-mail not sent, retried later: %r", reminder_id, error)
        _email_mark(
            reminder_id,
            claim,
            email_status=Reminder.Email.PENDING,
            failures=F("failures") + 1,
            last_error=repr(error)[:2000],
        )
        return False
    _email_mark(reminder_id, claim, email_status=Reminder.Email.SENT, emailed_at=timezone.now())
    return True


def _email_mark(reminder_id: int, claim: datetime, **fields) -> None:
    """Record an e-mail's outcome under our claim, retrying on a fresh connection.

    After a send, the mark is what stands between the reader and a second copy: a dropped
    connection is closed and the mark tried again on a new one, for up to half the claim
    timeout (a stale "sending" claim is retried as a send after the whole timeout).
    """
    give_up = time.monotonic() + claim_timeout().total_seconds() / 2
    pause = 0.1
    while True:
        try:
            Reminder.objects.filter(
                pk=reminder_id, email_status=Reminder.Email.SENDING, email_claimed_at=claim
            ).update(**fields)
            return
        except (OperationalError, InterfaceError) as error:
            connection.close()  # unusable now; the next query opens a new connection
            if time.monotonic() + pause > give_up:
                logger.error(
                    "Reminder %s: e-mail outcome %s could not be recorded: %r",
                    reminder_id,
                    fields.get("email_status"),
                    error,
                )
                return
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
