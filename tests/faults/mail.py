"""E-mail backends for the fault drills' worker processes (set by ``worker_settings``)."""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class GateBackend(BaseEmailBackend):
    """Notes each attempt in ``$FAZHI_FAULT_GATE/attempts``, then blocks until the file
    ``open`` appears there, then appends the message to ``sent``. The test kills the worker
    while a send is blocked: the reminder's transaction is still open at that moment."""

    def send_messages(self, messages):
        gate = Path(os.environ["FAZHI_FAULT_GATE"])
        with open(gate / "attempts", "a") as f:
            f.write("attempt\n")
        deadline = time.monotonic() + 300
        while not (gate / "open").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the gate never opened")
            time.sleep(0.05)
        with open(gate / "sent", "a") as f:
            for message in messages:
                f.write(f"{','.join(message.to)}\n")
        return len(messages)
