"""A large queue, grouped by due date (issue 22).

A meeting secretary is offered every meeting task of the county government (~12,500 at
100,000 decisions): a list ordered by due date asks the database for every one of them to show
the first fifty, and no clerk reads page 250. When a person's to-do list holds more than
``LARGE_QUEUE`` tasks, the inbox opens on this view instead: what is overdue, what has a
due date (soonest first) and what has none (waiting longest first), the first
``GROUP_SIZE`` items of each, with the full list one click away.

Reads, whatever the queue's size:

- the tasks the person owns, and those offered to them under a role some step that meets a
  clock is offered to (``workflows.steps``: only those steps have due dates, and a step is
  offered under the roles it declares). Offered more than ``due.FORWARD_LIMIT`` of them (a
  legal advisor: every review of the county), the overdue and the dated are walked from the
  clocks' side in due order (``due.first``), the undated read from the rows kept of them
  (``undated``) with the first few at the roles' other steps: the cost is the groups' size,
  not the queue's. Offered fewer, or when a clocked step's process registered no way back
  from its clocks, each task's due date is read once, bucketed in SQL, and only each bucket's
  first rows and its count leave the database;
- the first few offered under the person's other roles, oldest first, over the offers'
  (role, unit, task) index (``queue.OpenTaskIds``): a few rows per (role, unit) held;
- every registered source's first items, as the full list reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BigIntegerField, DateField, Value
from viewflow.workflow.models import Task

from ..connections import prepared_cursor
from ..paging import capped
from ..tasking import node_steps
from . import due
from .items import _sort_key, _source_slice, _sources
from .offers import OPEN, RoleGrants, tasks_for_user
from .queue import OpenTaskIds
from .reads import _items_by_id
from .task_clocks import _clocked_nodes, _task_clock
from .types import InboxItem
from .undated import undated_heads

# More open tasks than this, and the to-do tab opens grouped (two pages of the full list).
LARGE_QUEUE = 100
# Items shown in each group.
GROUP_SIZE = 10
# A group's count stops here: "more than 100" says what a clerk needs of a group whose first
# ten are shown; counting on to the lists' ``COUNT_CAP`` walked ten times the clocks (a
# legal advisor's 12,480 reviews at 100,000 decisions, issue 22).
GROUP_COUNT_CAP = 100

OVERDUE, DATED, UNDATED = "overdue", "dated", "undated"


@dataclass
class InboxGroup:
    """One group of the grouped view: its first items and how many it holds (``total``,
    None when only "more than the items shown" is known; counted up to ``GROUP_COUNT_CAP + 1``,
    a ``paging.CappedCount`` whose ``capped`` says "more than ``GROUP_COUNT_CAP``")."""

    key: str
    items: list[InboxItem] = field(default_factory=list)
    total: int | None = 0

    @property
    def more(self) -> bool:
        return self.total is None or self.total > len(self.items)


def queue_head(*, user, grants: RoleGrants) -> list[int]:
    """The ids of the first ``LARGE_QUEUE`` + 1 open tasks waiting for ``user`` (by id, the
    oldest first), read over their offers: a few hundred rows at most."""
    return OpenTaskIds(user, grants).order_by("id").ids(0, LARGE_QUEUE + 1)


def queue_is_large(*, user, grants: RoleGrants, head: list[int] | None = None) -> bool:
    """More than ``LARGE_QUEUE`` open tasks wait for ``user`` (``head``: ``queue_head``'s
    answer, when read already)."""
    head = queue_head(user=user, grants=grants) if head is None else head
    return len(head) > LARGE_QUEUE


def _clocked_roles() -> frozenset[str]:
    """The roles the steps that meet a clock are offered to: only a task offered under one of
    them (or owned) can have a due date."""
    clocked = {id(node) for node, _rules, _clocks in _clocked_nodes()}
    roles = set()
    for (flow_class, name), (step, _subject) in node_steps().items():
        if id(getattr(flow_class, name)) in clocked:
            roles.update(step.roles)
    return frozenset(roles)


def _split(grants: RoleGrants, roles) -> tuple[RoleGrants, RoleGrants]:
    """The person's grants under ``roles``, and under the others."""
    inside = {role: ids for role, ids in grants.units.items() if role in roles}
    outside = {role: ids for role, ids in grants.units.items() if role not in roles}
    return RoleGrants(units=inside, groups=grants.groups), RoleGrants(
        units=outside, groups=grants.groups
    )


# Each task's due date is read once, into ``y`` (materialised: PostgreSQL copied the clock's
# subquery into each use of it otherwise). Of each bucket only its first rows are sorted (a
# top-N sort each) and the buckets are counted in one pass (``c``), joined to every row: sorting
# every task by bucket and due date to number them took a third of the statement at 12,480.
_HEAD = (
    "SELECT * FROM (SELECT '{key}' AS i_bucket, i_due, i_clock, i_created, i_pk FROM y "
    "WHERE {where} "
    "ORDER BY {order} LIMIT %s) AS h_{key}"
)
_BUCKETED = (
    "WITH y(i_pk, i_created, i_due, i_clock) AS MATERIALIZED ({tasks}), "
    "c(n_overdue, n_dated, n_undated) AS (SELECT COUNT(CASE WHEN i_due < %s THEN 1 END), "
    "COUNT(CASE WHEN i_due >= %s THEN 1 END), COUNT(CASE WHEN i_due IS NULL THEN 1 END) FROM y) "
    "SELECT h.*, c.* FROM ("
    + " UNION ALL ".join(
        (
            _HEAD.format(key=OVERDUE, where="i_due < %s", order="i_due, i_clock, i_created, i_pk"),
            _HEAD.format(key=DATED, where="i_due >= %s", order="i_due, i_clock, i_created, i_pk"),
            _HEAD.format(key=UNDATED, where="i_due IS NULL", order="i_created, i_pk"),
        )
    )
    + ") AS h CROSS JOIN c"
)


def _dated_heads(
    user, under: RoleGrants, *, today: date, size: int
) -> tuple[dict[str, tuple[list[int], int]], frozenset[int] | None]:
    """Of the tasks ``user`` owns and those offered to them under ``under`` (the grants of
    the roles of clocked steps): per bucket (overdue, due from today on, no due date), the ids
    of the first ``size`` + 1 in inbox order and how many the bucket holds. Each task's due
    date is read once, and only those rows leave the database (a legal advisor's queue is
    all reviews: each is read with its clock, as the full list reads it). And the ids of
    the tasks the person owns, when ``under`` offers nothing (None otherwise)."""
    heads: dict[str, list[tuple]] = {OVERDUE: [], DATED: [], UNDATED: []}
    totals = dict.fromkeys(heads, 0)
    due = _task_clock("due", DateField())
    if under.offered_roles():
        tasks = tasks_for_user(user=user, grants=under).select_related(None).order_by()
    else:
        # Only what they own (asked as ``tasks_for_user`` asks it, PostgreSQL read every
        # unclaimed task); mostly nothing, and then the clocks are not asked at all.
        owned = list(Task.objects.filter(owner=user, status__in=OPEN).values_list("pk", flat=True))
        if not owned:
            return {key: ([], 0) for key in heads}, frozenset()
        tasks = Task.objects.filter(pk__in=owned).order_by()
    clock = _task_clock("pk", BigIntegerField())
    tasks = tasks.annotate(
        i_due=Value(None, output_field=DateField()) if due is None else due,
        i_clock=Value(None, output_field=BigIntegerField()) if clock is None else clock,
    )
    inner, params = tasks.values_list("pk", "created", "i_due", "i_clock").query.sql_with_params()
    with prepared_cursor() as cursor:
        top = size + 1
        cursor.execute(
            _BUCKETED.format(tasks=inner), [*params, today, today, today, top, today, top, top]
        )
        rows = cursor.fetchall()
    for key, when, clock, created, pk, *counts in rows:
        # The inbox's order (``items._sort_key``): among tasks due the same day, the clock
        # started first; the undated oldest first.
        heads[key].append((when is None, when or date.max, clock if when else 0, created, pk))
        totals = dict(zip((OVERDUE, DATED, UNDATED), counts, strict=True))  # on every row
    buckets = {
        key: ([row[-1] for row in sorted(found)[: size + 1]], capped(totals[key], GROUP_COUNT_CAP))
        for key, found in heads.items()
    }
    return buckets, None if under.offered_roles() else frozenset(owned)


def _walked_heads(
    who: due.Who, *, today: date, size: int
) -> tuple[dict[str, tuple[list[int], int]], list[int]]:
    """``_dated_heads``' answer read from the clocks' side, for a person offered more tasks
    at clocked steps than reading each one's clock pays for (``due.walk_pays``): the overdue
    and the dated walked in due order (``due.first``), the undated from their rows, oldest
    first (``undated.undated_heads``). And the ids of the first ``size`` + 1 the person owns,
    or is offered under ``who``'s grants, at steps that meet no clock (oldest first): the
    bucketed read lists those among the undated."""
    overdue, overdue_total, _done = due.first(who, before=today, size=size, cap=GROUP_COUNT_CAP)
    dated, dated_total, _done = due.first(who, since=today, size=size, cap=GROUP_COUNT_CAP)
    undated, undated_total, beyond = undated_heads(who, size=size, cap=GROUP_COUNT_CAP)
    heads = {
        OVERDUE: ([pk for pk, _due, _created in overdue], capped(overdue_total, GROUP_COUNT_CAP)),
        DATED: ([pk for pk, _due, _created in dated], capped(dated_total, GROUP_COUNT_CAP)),
        UNDATED: (undated, capped(undated_total, GROUP_COUNT_CAP)),
    }
    return heads, beyond


def _items_of(ids: list[int], grants: RoleGrants, *, clocked: bool) -> list[InboxItem]:
    """The tasks of ``ids`` as inbox items; with their clocks (due date, legal source, the
    holiday notice awaited) when ``clocked`` (some of them have one): building that query
    cost more than running it, and a secretary's tasks have none."""
    if not ids:
        return []
    return list(_items_by_id(ids, grants, clocked=clocked).values())


def inbox_grouped(
    *,
    user,
    grants: RoleGrants,
    today: date,
    size: int | None = None,
    head: list[int] | None = None,
) -> list[InboxGroup]:
    """The person's to-do list grouped by due date: overdue, with a due date, without one;
    the first ``size`` items of each (``GROUP_SIZE``) in inbox order. A constant number of
    queries; ``head`` (``queue_head``'s answer, when the request read it) saves one.

    A task is listed without a due date only when its clock, read with the item, gives it
    none: the rows kept of the undated (``undated``) are trusted to list them, not to date
    them, and a task one of them names whose clock has a date after all is left out."""
    size = GROUP_SIZE if size is None else size
    under, others = _split(grants, _clocked_roles())
    who = due.Who(user.pk, under)
    if due.walk_pays(who):
        heads, beyond = _walked_heads(who, today=today, size=size)
        owned = None
    else:
        (heads, owned), beyond = _dated_heads(user, under, today=today, size=size), []
    (overdue_ids, overdue_total), (upcoming_ids, upcoming_total) = heads[OVERDUE], heads[DATED]
    # Without a due date: those read above, and the first few offered under the other roles,
    # walking their offers oldest first (a task offered under both is listed once).
    awaiting, awaiting_total = heads[UNDATED]
    if head is not None and owned is not None:
        # No role of a clocked step: ``others`` are all the person's grants, walked already,
        # with the tasks they own (read above, each in its bucket: left out here).
        walk = [pk for pk in head if pk not in owned][: size + 1]
    else:
        walk = OpenTaskIds(user, others, owned=False).order_by("id").ids(0, size + 1)
    undated_ids = list(dict.fromkeys([*awaiting[:size], *beyond[:size], *walk[:size]]))
    shown = overdue_ids[:size] + upcoming_ids[:size]
    tasks = {
        item.task_id: item
        for item in _items_of(shown + undated_ids, grants, clocked=bool(shown or awaiting))
    }
    groups = {
        OVERDUE: InboxGroup(OVERDUE, total=overdue_total),
        DATED: InboxGroup(DATED, total=upcoming_total),
        UNDATED: InboxGroup(UNDATED),
    }
    groups[OVERDUE].items = [tasks[pk] for pk in overdue_ids[:size] if pk in tasks]
    groups[DATED].items = [tasks[pk] for pk in upcoming_ids[:size] if pk in tasks]
    undated = [tasks[pk] for pk in undated_ids if pk in tasks and tasks[pk].due is None]
    undated_cut = len(walk) > size or len(beyond) > size or awaiting_total > size
    sources_cut = _add_source_items(
        groups, undated, user=user, grants=grants, today=today, size=size
    )
    undated_cut = undated_cut or sources_cut
    for key in (OVERDUE, DATED):
        groups[key].items = sorted(groups[key].items, key=_sort_key)[:size]
    undated.sort(key=_sort_key)
    groups[UNDATED].items = undated[:size]
    groups[UNDATED].total = None if undated_cut or len(undated) > size else len(undated)
    return [group for group in groups.values() if group.items]


def _add_source_items(
    groups: dict[str, InboxGroup],
    undated: list[InboxItem],
    *,
    user,
    grants: RoleGrants,
    today: date,
    size: int,
) -> bool:
    """Every registered source's first items, as the full list reads them, added to the dated
    ``groups`` and to ``undated``; a source holding more than it gave leaves its groups'
    totals unknown ("more"). Whether any source did."""
    any_cut = False
    for source in _sources.values():
        given = _source_slice(source, user, grants, size * 2)
        cut = given.total > len(given)
        any_cut = any_cut or cut
        for item in given:
            if item.due is None:
                undated.append(item)
                continue
            group = groups[OVERDUE if item.due < today else DATED]
            group.items.append(item)
            group.total = (
                None if cut or group.total is None else capped(group.total + 1, GROUP_COUNT_CAP)
            )
    return any_cut
