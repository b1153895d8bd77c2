"""The inbox: one list of everything waiting for a person, across every source.

Work that is not a viewflow task (a step on a ``viewflow.fsm`` lifecycle, a status record
waiting for somebody) reaches the same inbox through a registered source::

    register_inbox_source("normdocs", normdoc_inbox_items)

A source takes a user and returns ``InboxItem``s. It must cost a constant number of SQL
queries however many items it returns. A source that also accepts the keyword arguments
``grants`` and ``limit`` is called with the person's ``RoleGrants`` (read once per request,
one query, shared by every source) and the number of leading items the page needs; it
returns an ``InboxSlice``: at most ``limit`` items in inbox order, and how many there are in
all, counted up to ``workflows.paging.COUNT_CAP + 1`` (never a count over every item). The
page then reads one page's worth from each source in SQL, whatever the inbox size.

A viewflow task is due when its step meets a clock (``task_clocks``: where each process's
clocks are, ``register_task_clocks``); a large queue is listed in due order from the clocks'
side (``due``). The page's tasks are read as items by one statement (``reads``).

The inbox page (``workflows.views.InboxView``) has the tabs of government OA systems: 待办
(``Inbox``), 已办 (``done_tasks``), 办结 (``ended_tasks``) and, for a unit head, 本单位
(``unit_tasks``, the unit's open tasks to urge, ``urging``); ``InboxFilter`` narrows each to one
process and one unit (``filters``); ``due_light`` (``light``) tells how many working days are
left before each due date.
"""

import heapq
import inspect
from dataclasses import replace
from datetime import date
from functools import cache

from django.apps import apps
from django.db.models import BigIntegerField, DateField, OuterRef, QuerySet, Subquery, Value
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..models import TaskOffer
from ..paging import COUNT_CAP
from . import due
from .filters import NO_FILTER, InboxFilter, _filtered, _flow_classes, process_key
from .offers import OPEN, RoleGrants, role_grants_for, tasks_for_user
from .ordering import ordered_rows
from .reads import _items_by_id
from .task_clocks import _task_clock
from .types import InboxItem, InboxSlice, InboxSource

# --- the inbox across every source --------------------------------------------------------------


_sources: dict[str, InboxSource] = {}


def register_inbox_source(name: str, source: InboxSource) -> None:
    """Add ``source(user) -> Iterable[InboxItem]`` to every inbox (or a sliced source, see
    the module's docstring). Registering a name again replaces it, so an AppConfig.ready()
    that runs twice adds nothing twice."""
    _sources[name] = source


def inbox_sources() -> dict[str, InboxSource]:
    return dict(_sources)


@cache
def _is_sliced(source: InboxSource) -> bool:
    try:
        parameters = inspect.signature(source).parameters
    except (TypeError, ValueError):
        return False
    return "grants" in parameters and "limit" in parameters


def _sort_key(item: InboxItem):
    """The inbox's order: the earliest legal deadline first, and among those due the same day
    the one whose clock started first (its id: the running clocks are walked in that order,
    ``due.walk``), then the longest waiting; undated work after all of them, longest waiting
    first. An item with a due date but no clock (a source's) leads its day."""
    if item.due is None:
        return (True, date.max, 0, item.created)
    return (False, item.due, item.clock_id or 0, item.created)


def _source_slice(
    source: InboxSource, user, grants: RoleGrants, limit: int | None, unit: int | None = None
) -> InboxSlice:
    if _is_sliced(source):
        # A sliced source answers from the grants: for one unit, hand it that unit's only.
        if unit is not None:
            grants = grants.restricted_to(unit)
        return source(user, grants=grants, limit=limit)
    items = sorted(source(user), key=_sort_key)
    if unit is not None:
        items = [item for item in items if unit in item.unit_ids]
    return InboxSlice(items if limit is None else items[:limit], total=len(items))


def process_choices() -> list[tuple[str, str]]:
    """(key, name) of every process the inbox lists work of: the apps of the loaded flows and
    of the registered sources, by the app's verbose name."""
    keys = {process_key(flow) for flow in _flow_classes()} | set(_sources)
    choices = []
    for key in sorted(keys):
        try:
            choices.append((key, str(apps.get_app_config(key).verbose_name)))
        except LookupError:
            continue
    return choices


BY_DUE = None  # order of the inbox: earliest due first, undated last, then oldest first


def _task_slice(
    candidates: QuerySet,
    grants: RoleGrants,
    start: int = 0,
    stop: int | None = None,
    *,
    order: tuple[str, ...] | None = BY_DUE,
    count: bool = True,
    who=None,
) -> InboxSlice:
    """Tasks ``start:stop`` of ``candidates`` in ``order`` (the inbox's, by due date, when
    None) as inbox items, and how many there are (capped at ``COUNT_CAP + 1``). ``who``
    (``due.Who``) says whose tasks ``candidates`` are, in SQL: in due order, a large queue is
    then read from the clocks' side (``workflows.inbox.due``).

    Two queries (three when the page is full: the capped count): the page's ids (tasks only)
    with their due dates, then those tasks with everything the inbox shows, their offers and
    clocks (``_items_by_id``). In one query, the joins naming each task's subject exceed
    PostgreSQL's join_collapse_limit, and it joined every task before filtering.
    """
    candidates = candidates.select_related(None)
    due_date = _task_clock("due", DateField())
    if order is BY_DUE and due_date is not None:
        rows = _walked_rows(candidates, who, start, stop)
        if rows is None:
            # Among tasks due the same day, the clock started first (``_sort_key``); the
            # undated oldest first, whatever clock awaits a notice for them.
            clock = _task_clock("pk", BigIntegerField())
            rows = ordered_rows(candidates, due_date, clock, start, stop)
    else:
        ordered = candidates.order_by(*(order or ("created", "pk"))).values_list(
            "pk", Value(None, output_field=DateField())
        )
        rows = list(ordered[start:stop])
    due = dict(rows)
    page = list(due)
    if not page:
        return InboxSlice(total=0)
    total = start + len(page)
    if count and stop is not None and len(page) >= stop - start:
        # More may follow: count them, but never more than the pages can show (paging.py).
        total = max(total, candidates.order_by()[: COUNT_CAP + 1].count())
    found = _items_by_id(page, grants, clocked=order is BY_DUE)
    items = []
    for pk in page:
        item = found.get(pk)
        if item is None:
            continue
        if item.due is None and due[pk] is not None:
            item = replace(item, due=due[pk])
        items.append(item)
    return InboxSlice(items, total=total)


def _walked_rows(candidates: QuerySet, who, start: int, stop: int | None) -> list | None:
    """(id, due date) of tasks ``start:stop`` of ``candidates`` in due order, read from the
    clocks' side (``due.walk``) when ``who`` holds more than ``due.FORWARD_LIMIT`` tasks at
    clocked steps; None when reading each task's clock costs less (or cannot be avoided).

    The dated tasks come first: the first ``stop`` of them walked in due order; the undated
    follow, oldest first, read (each with its clock) only when the page reaches past the
    dated ones."""
    if who is None or stop is None or not due.walk_pays(who):
        return None
    dated, found, done = due.first(who, size=stop, cap=stop)
    rows = [(pk, when) for pk, when, _created in dated[start:stop]]
    if len(rows) < stop - start and done:
        skip = max(0, start - found)
        undated = (
            candidates.annotate(i_due=_task_clock("due", DateField()))
            .filter(i_due__isnull=True)
            .order_by("created", "pk")
            .values_list("pk", "i_due")
        )
        rows += list(undated[skip : skip + stop - start - len(rows)])
    return rows


def _task_items(
    user, grants: RoleGrants, limit: int | None = None, flt: InboxFilter = NO_FILTER
) -> InboxSlice:
    """The person's open viewflow tasks in inbox order (earliest due first, undated last, then
    oldest first): the first ``limit`` of them and their number, capped at ``COUNT_CAP + 1``."""
    who = due.Who(user.pk, grants, flt.process, flt.unit)
    tasks = _filtered(tasks_for_user(user=user, grants=grants), flt)
    return _task_slice(tasks, grants, 0, limit, who=who)


def _merged(
    user, grants: RoleGrants, limit: int | None, flt: InboxFilter = NO_FILTER
) -> InboxSlice:
    slices = [_task_items(user, grants, limit, flt)]
    slices += [
        _source_slice(source, user, grants, limit, flt.unit)
        for name, source in _sources.items()
        if not flt.process or name == flt.process
    ]
    # Each slice is in inbox order: merge them (ties keep the tasks-then-sources order).
    items = list(heapq.merge(*slices, key=_sort_key))
    return InboxSlice(items if limit is None else items[:limit], total=sum(s.total for s in slices))


class Inbox:
    """Everything waiting for a person, read from the database a page at a time.

    A sequence for Django's ``Paginator``: ``count()`` and slicing. Each source is asked for
    its first ``top`` items in inbox order (``top`` the end of the page asked for) and their
    number, in SQL; the slices are merged. The first read fetches ``prefetch`` items, so the
    first page costs one read per source with its count included.
    """

    def __init__(
        self,
        user,
        *,
        prefetch: int = 50,
        flt: InboxFilter = NO_FILTER,
        grants: RoleGrants | None = None,
    ):
        self.user = user
        self.prefetch = prefetch
        self.flt = flt
        self._grants: RoleGrants | None = grants
        self._read: InboxSlice | None = None
        self._limit: int | None = 0

    @property
    def grants(self) -> RoleGrants:
        if self._grants is None:
            self._grants = role_grants_for(user=self.user)
        return self._grants

    def _first(self, top: int | None) -> InboxSlice:
        """At least the first ``top`` items (all when None), reading again only when needed."""
        read = self._read
        if read is not None and (
            self._limit is None
            or len(read) >= read.total
            or (top is not None and top <= self._limit)
        ):
            return read
        if not self.user.is_authenticated or not self.user.is_active:
            self._read, self._limit = InboxSlice(), None
            return self._read
        self._read, self._limit = _merged(self.user, self.grants, top, self.flt), top
        return self._read

    def count(self) -> int:
        return self._first(max(self.prefetch, self._limit or 0)).total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            if (
                index.step not in (None, 1)
                or (index.start or 0) < 0
                or (index.stop is not None and index.stop < 0)
            ):
                return list(self)[index]
            return list(self._first(index.stop)[index])
        if index < 0:
            return list(self)[index]
        return self._first(index + 1)[index]

    def __iter__(self):
        return iter(self._first(None))


def inbox_for_user(
    *, user, prefetch: int = 50, flt: InboxFilter = NO_FILTER, grants: RoleGrants | None = None
) -> Inbox:
    """The person's inbox (待办), paged in SQL (for a paginated page); ``grants`` when the
    request read them already."""
    return Inbox(user, prefetch=prefetch, flt=flt, grants=grants)


# --- 已办, 办结 and the unit's open tasks ----------------------------------------------------------

ENDED = (STATUS.DONE, STATUS.CANCELED)


class TaskList:
    """Tasks of a queryset as inbox items, a page at a time: a sequence for ``Paginator``
    whose ``count()`` stops at ``COUNT_CAP + 1`` (``workflows.paging``)."""

    def __init__(self, tasks: QuerySet, grants: RoleGrants, *, order: tuple[str, ...] | None):
        self.tasks = tasks
        self.grants = grants
        self.order = order
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.tasks.order_by()[: COUNT_CAP + 1].count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop
            return list(
                _task_slice(self.tasks, self.grants, start, stop, order=self.order, count=False)
            )
        return self[index : index + 1][0]

    def __iter__(self):
        return iter(self[0:None])


def done_tasks(*, user, grants: RoleGrants, flt: InboxFilter = NO_FILTER) -> TaskList:
    """已办: the tasks ``user`` completed whose process is still running, latest first."""
    tasks = Task.objects.filter(owner=user, status=STATUS.DONE).exclude(process__status__in=ENDED)
    return TaskList(_filtered(tasks, flt), grants, order=("-finished", "-pk"))


def ended_tasks(*, user, grants: RoleGrants, flt: InboxFilter = NO_FILTER) -> TaskList:
    """办结: the processes ``user`` took part in (completed a task of) that have ended, the last
    ended first; each by the last task the person completed in it."""
    mine = Task.objects.filter(owner=user, status=STATUS.DONE)
    last = mine.filter(process_id=OuterRef("process_id")).order_by("-finished", "-pk")
    tasks = mine.filter(process__status__in=ENDED, pk=Subquery(last.values("pk")[:1]))
    tasks = _filtered(tasks, flt)
    return TaskList(tasks, grants, order=("-process__finished", "-pk"))


def unit_tasks(*, user, grants: RoleGrants, flt: InboxFilter = NO_FILTER) -> TaskList:
    """本单位: the open tasks offered to a unit ``user`` heads (unit_head), whoever holds them,
    earliest due first: what a head may urge (催办)."""
    heads = grants.unit_ids("unit_head")
    tasks = Task.objects.filter(
        status__in=OPEN, pk__in=TaskOffer.objects.filter(unit_id__in=heads).values("task_id")
    )
    return TaskList(_filtered(tasks, flt), grants, order=BY_DUE)


def inbox_items_for_user(*, user) -> list[InboxItem]:
    """Everything waiting for ``user``: their viewflow tasks and every registered source's items,
    earliest due first, then oldest first."""
    return list(Inbox(user))
