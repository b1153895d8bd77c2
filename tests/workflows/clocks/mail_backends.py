"""An e-mail backend whose server is down: the only way to make sending fail for real."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableServerBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingServerBackend(BaseEmailBackend):
    """The server is up but refuses the address for good."""

    def send_messages(self, email_messages):
        recipients = [r for message in email_messages for r in message.recipients()]
        raise smtplib.SMTPRecipientsRefused({r: (550, b"No such user") for r in recipients})
