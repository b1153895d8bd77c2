"""Who may take which human task (``offers``), the inbox of everything waiting for a person
across every source (``items``), the person's open tasks read a page at a time over their
offers (``queue``) and a large to-do list grouped by due date (``groups``). Import from here;
the submodules are the implementation."""

from .groups import InboxGroup, inbox_grouped, queue_is_large
from .items import (
    NO_FILTER,
    DueLight,
    Inbox,
    InboxFilter,
    InboxItem,
    InboxSlice,
    InboxSource,
    done_tasks,
    due_light,
    ended_tasks,
    inbox_for_user,
    inbox_items_for_user,
    inbox_sources,
    process_choices,
    register_inbox_source,
    register_task_clocks,
    unit_tasks,
)
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
