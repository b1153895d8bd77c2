"""Who may take which human task (``offers``) and the inbox of everything waiting for a person
across every source (``items``). Import from here; the submodules are the implementation."""

from .items import (
    Inbox,
    InboxItem,
    InboxSlice,
    InboxSource,
    inbox_for_user,
    inbox_items_for_user,
    inbox_sources,
    register_inbox_source,
    register_task_clocks,
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

__all__ = [
    "NO_GRANTS",
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
