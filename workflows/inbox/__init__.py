"""Who may take which human task (``offers``), the inbox of everything waiting for a person
across every source (``items``: its item, slice and filter shapes in ``types`` and
``filters``, its tasks' clocks in ``task_clocks``, its tasks read as items in ``reads``, the
light of each due date in ``light``), the person's open tasks read a page at a time over their
offers (``queue``) and a large to-do list grouped by due date (``groups``). Import from here;
the submodules are the implementation."""

from .filters import NO_FILTER, InboxFilter
from .groups import InboxGroup, inbox_grouped, queue_is_large
from .items import (
    Inbox,
    done_tasks,
    ended_tasks,
    inbox_for_user,
    inbox_items_for_user,
    inbox_sources,
    process_choices,
    register_inbox_source,
    unit_tasks,
)
from .light import DueLight, due_light
from .offers import (
    NO_GRANTS,
    OPEN,
    RoleGrants,
    may_act_on_task,
    offers_for_user,
    role_grants_for,
    task_offer,
    task_offer_many,
    tasks_for_user,
    unit_ids_for_role,
    with_offers,
)
from .queue import OpenTaskIds
from .task_clocks import register_task_clocks
from .types import InboxItem, InboxSlice, InboxSource

__all__ = [
    "NO_FILTER",
    "NO_GRANTS",
    "DueLight",
    "InboxGroup",
    "OpenTaskIds",
    "inbox_grouped",
    "queue_is_large",
    "InboxFilter",
    "done_tasks",
    "due_light",
    "ended_tasks",
    "process_choices",
    "unit_tasks",
    "OPEN",
    "Inbox",
    "InboxItem",
    "InboxSlice",
    "InboxSource",
    "RoleGrants",
    "inbox_for_user",
    "inbox_items_for_user",
    "inbox_sources",
    "may_act_on_task",
    "offers_for_user",
    "register_inbox_source",
    "register_task_clocks",
    "role_grants_for",
    "task_offer",
    "task_offer_many",
    "tasks_for_user",
    "unit_ids_for_role",
    "with_offers",
]
