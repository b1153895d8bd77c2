"""The fault drill's mail server: every message that would reach SMTP is appended, as one line
``Message-ID<TAB>recipients<TAB>subject``, to FAZHI_DRILL_MAIL_FILE.

The file is opened with O_APPEND and each message written with one ``write`` of well under
PIPE_BUF bytes, so lines from the worker's processes and beat never interleave. A message
counts as sent once its line is written, as one counts once SMTP accepted it.
"""

import os
import time

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


def _field(text: str) -> str:
    return " ".join(str(text).split())[:300]


class AppendingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        fd = os.open(settings.FAZHI_DRILL_MAIL_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            for message in email_messages:
                # Built as SMTP would send it: the Message-ID is the one on the wire (a
                # reminder's own, or the one Django makes for any other message).
                mime = message.message()
                time.sleep(settings.FAZHI_DRILL_MAIL_SECONDS)
                line = "\t".join(
                    [
                        _field(mime["Message-ID"] or ""),
                        _field(",".join(message.recipients())),
                        _field(message.subject),
                    ]
                )
                os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return len(email_messages)
