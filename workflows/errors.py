"""Domain errors shared by every app, independent of how the caller reached the service.

The web UI, the API and Celery tasks all call the same services; each turns these errors into
its own answer (the API: ``workflows.api.exceptions``).
"""


class StaleState(Exception):
    """The thing changed since the caller looked at it: another person claimed or completed
    the task, the document's state moved on. Retrying with fresh data may succeed.

    Services raise it when a conditional UPDATE wins no row or a transition no longer applies.
    """

    def __init__(self, message: str = "", *, code: str = "stale_state"):
        super().__init__(message or "The object changed since you loaded it.")
        self.code = code
