"""Writes for legal clocks: open, meet and waive deadlines; holiday notices; notifications.

The services live by responsibility in ``opening`` (open one or many clocks), ``closing``
(meet, waive, mark overdue), ``holiday_notices`` (enter a notice, compute the clocks that
waited for it) and ``notifying`` (in-app notifications); this module names them all, so
``from workflows.clocks.services import …`` is the one import for callers.
"""

from .closing import (
    DeadlineClosed,
    deadline_meet,
    deadline_waive,
    deadlines_mark_overdue,
    deadlines_meet_running,
)
from .holiday_notices import (
    ComputeReport,
    calendar_year_enter,
    calendar_year_record,
    deadlines_compute_awaiting,
)
from .notifying import (
    notification_create,
    notification_mark_read,
    notification_tell,
    notifications_mark_all_read,
)
from .opening import deadline_open, deadlines_open_many

__all__ = [
    "ComputeReport",
    "DeadlineClosed",
    "calendar_year_enter",
    "calendar_year_record",
    "deadline_meet",
    "deadlines_meet_running",
    "deadline_open",
    "deadline_waive",
    "deadlines_compute_awaiting",
    "deadlines_mark_overdue",
    "deadlines_open_many",
    "notification_create",
    "notification_mark_read",
    "notification_tell",
    "notifications_mark_all_read",
]
