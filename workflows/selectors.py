"""Reads for the shared machinery."""

from django.db.models import QuerySet
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


def tasks_for_user(*, user) -> QuerySet[Task]:
    """Open human tasks assigned to ``user``, newest first.

    Deliberately not ``Task.objects.user_queue``: that loads every guardian grant of the user
    into Python (design.md). Process issues widen this to tasks offered to the user's units.
    """
    return (
        Task.objects.filter(owner=user, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .select_related("process", "owner")
        .order_by("-created")
    )
