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

A viewflow task is due when its step (``workflows.steps``) meets a clock: the due date of that
clock's running ``Deadline``. Clocks name their subject (a decision, its legality review…), not
the process, so each process says once where the clocks of its subject are::

    register_task_clocks(DecisionProcess, decision_process_clocks)
"""

import heapq
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Case, DateField, F, IntegerField, OuterRef, Q, Subquery, When
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from ..clocks.models import Deadline
from ..paging import COUNT_CAP
from ..tasking import node_steps
from .offers import RoleGrants, role_grants_for, tasks_for_user, with_offers

# --- the inbox across every source --------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for a person, whatever machinery carries it."""

    kind: str  # stable machine key: "task", or "<source>.<step>"
    title: str  # what to do
    subject: str  # what it is about
    url: str  # where it is done ("" when there is no page)
    due: date | None
    unit: str  # for which unit the person is asked to act
    stage: str  # where the subject stands in its procedure
    created: datetime  # since when it waits
    key: str = ""  # unique among the person's items, for links and tests
    # No due date yet: its clock waits for this year's holiday notice (domain.md §4).
    awaiting: int | None = None


class InboxSlice(list):
    """The leading items of one source in inbox order (a list), and ``total``: how many
    items the source holds in all, beyond the slice too, counted up to
    ``workflows.paging.COUNT_CAP + 1`` at most (more means "more than the cap")."""

    def __init__(self, items: Iterable[InboxItem] = (), *, total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


InboxSource = Callable[..., Iterable[InboxItem]]

_sources: dict[str, InboxSource] = {}


def register_inbox_source(name: str, source: InboxSource) -> None:
    """Add ``source(user) -> Iterable[InboxItem]`` to every inbox (or a sliced source, see
    the module's docstring). Registering a name again replaces it, so an AppConfig.ready()
    that runs twice adds nothing twice."""
    _sources[name] = source


def inbox_sources() -> dict[str, InboxSource]:
    return dict(_sources)


# process model -> clocks(process) -> a condition on Deadline naming the clocks of the subject
# the process carries; ``process`` is an expression naming the process's pk, written to be
# used inside a subquery of Deadline (``OuterRef(OuterRef("process_id"))``).
TaskClocks = Callable[[Any], Q]
_task_clocks: dict[type, TaskClocks] = {}


def register_task_clocks(process_model: type[Process], clocks: TaskClocks) -> None:
    """Say where the clocks of the subject of a ``process_model`` are, so that its tasks show
    the due date of the clock their step meets (and the inbox lists them by it). Registering
    again replaces."""
    _task_clocks[process_model] = clocks


@cache
def _is_sliced(source: InboxSource) -> bool:
    try:
        parameters = inspect.signature(source).parameters
    except (TypeError, ValueError):
        return False
    return "grants" in parameters and "limit" in parameters


def _sort_key(item: InboxItem):
    # Earliest legal deadline first; undated work after it, longest waiting first.
    return (item.due is None, item.due or date.max, item.created)


def _source_slice(source: InboxSource, user, grants: RoleGrants, limit: int | None) -> InboxSlice:
    if _is_sliced(source):
        return source(user, grants=grants, limit=limit)
    items = sorted(source(user), key=_sort_key)
    return InboxSlice(items if limit is None else items[:limit], total=len(items))


@cache
def _process_children() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Multi-table subclasses of viewflow's Process (reverse link name, forward relations).

    Selecting them with the task lets the inbox name each task's subject (e.g. the object the
    process carries) without one query per task, and without knowing any flow by name. The
    models do not change while the process runs: computed once.
    """
    children = []
    for model in apps.get_models():
        if model is Process or not issubclass(model, Process) or model._meta.proxy:
            continue
        if Process not in model._meta.parents:
            continue
        relations = tuple(
            field.name
            # The child's own fields: the parent's (parent task, seed, artifact) name no
            # subject, and each would add a join.
            for field in model._meta.local_concrete_fields
            if field.is_relation
            and (field.many_to_one or field.one_to_one)
            and not field.remote_field.parent_link
            and not issubclass(field.related_model, Process)
        )
        children.append((model._meta.model_name, relations))
    return tuple(children)


@cache
def _task_relations() -> tuple[str, ...]:
    related = []
    for link, relations in _process_children():
        related.append(f"process__{link}")
        related += [f"process__{link}__{name}" for name in relations]
    return tuple(related)


def _task_subject(task: Task, children) -> str:
    for link, relations in children:
        # A missing reverse one-to-one raises a subclass of AttributeError: getattr's default.
        child = getattr(task.process, link, None)
        if child is None:
            continue
        for name in relations:
            related = getattr(child, name, None)
            if related is not None:
                return str(related)
    return str(task.process)


def _task_url(task: Task) -> str:
    try:
        return task.reverse("index")
    except NoReverseMatch:
        return ""


def _task_unit(task: Task, grants: RoleGrants) -> str:
    """For which unit the person is asked: of a task offered to several (role, unit) pairs,
    the units of those the person holds (``task.offers`` prefetched, ``with_offers``)."""
    if task.owner_id:
        return str(_("You"))
    offers = list(task.offers.all())
    held = [
        offer
        for offer in offers
        if offer.role in grants.groups and offer.unit_id in grants.units.get(offer.role, ())
    ]
    return "、".join(dict.fromkeys(str(offer.unit) for offer in held or offers[:1]))


def _clocked_nodes() -> tuple[tuple[Any, tuple[str, ...], TaskClocks], ...]:
    """(flow node, rule keys, the process's clocks) of each human node whose step meets a
    clock: its task is due when that clock is (the step must act before it runs out)."""
    clocked = []
    for (flow_class, node), (step, _subject) in node_steps().items():
        rule_keys = tuple(clock.rule_key for clock in step.clocks if clock.meets)
        clocks = _task_clocks.get(getattr(flow_class, "process_class", None))
        if rule_keys and clocks is not None:
            clocked.append((getattr(flow_class, node), rule_keys, clocks))
    return tuple(clocked)


_built: dict[tuple, Any] = {}


def _task_clock(field: str, output_field):
    """``field`` (``due`` or ``awaiting_year``) of each task's running clock (the earliest
    due of them), None when its step meets no clock: a ``CASE`` on the task's node, so the
    clock's subquery runs only for the tasks of a clocked step (PostgreSQL evaluates a
    ``CASE`` branch's subplan only when its condition holds). Each lookup is answered by the
    running clocks' unique (content type, object id, rule) index
    (``clocks_one_running_clock_per_rule``): no further index is needed.

    Built once per registry state: building it cost more than running it (0.8 ms a read);
    Django copies an expression when a query uses it, so the one built serves every query.
    """
    nodes = _clocked_nodes()
    key = (field, tuple((id(node), rule_keys, id(clocks)) for node, rule_keys, clocks in nodes))
    if key in _built:
        return _built[key]
    process = OuterRef(OuterRef("process_id"))
    whens = [
        When(
            flow_task=node,
            then=Subquery(
                Deadline.objects.filter(
                    clocks(process), rule_key__in=rule_keys, status__in=Deadline.RUNNING
                )
                .order_by(F("due").asc(nulls_last=True))
                .values(field)[:1]
            ),
        )
        for node, rule_keys, clocks in nodes
    ]
    built = Case(*whens, default=None, output_field=output_field) if whens else None
    _built[key] = built
    return built


def _task_items(user, grants: RoleGrants, limit: int | None = None) -> InboxSlice:
    """The person's viewflow tasks in inbox order (earliest due first, undated last, then
    oldest first): the first ``limit`` of them and their number, capped at ``COUNT_CAP + 1``.

    Three queries (four when the page is full: the capped count; a ``COUNT(*) OVER ()`` here
    counted every offered task, twelve thousand for a county's meeting secretary): the page's
    ids (tasks only) with their due dates, then those tasks with everything the inbox shows,
    then their offers (a task may have several, so they cannot be joined in). In one query,
    the dozen joins naming each task's subject exceed PostgreSQL's join_collapse_limit, and
    it joined every task before filtering.
    """
    children = _process_children()
    candidates = tasks_for_user(user=user, grants=grants).select_related(None)
    due_date = _task_clock("due", DateField())
    ordered = candidates.order_by("created", "pk").values_list("pk", flat=True)
    if due_date is not None:
        ordered = (
            candidates.annotate(i_due=due_date)
            .order_by(F("i_due").asc(nulls_last=True), "created", "pk")
            .values_list("pk", "i_due", "flow_task")
        )
    rows = list(ordered if limit is None else ordered[:limit])
    due = {row[0]: row[1] for row in rows} if due_date is not None else dict.fromkeys(rows)
    # Undated but clocked: its clock may wait for a year's holiday notice (domain.md §4).
    clocked = {node for node, _rule_keys, _clocks in _clocked_nodes()}
    waiting = due_date is not None and any(d is None and n in clocked for _, d, n in rows)
    page = list(due)
    if not page:
        return InboxSlice(total=0)
    total = len(page)
    if limit is not None and total >= limit:
        # More may follow: count them, but never more than the pages can show (paging.py).
        total = max(total, candidates.order_by()[: COUNT_CAP + 1].count())
    found = with_offers(Task.objects.select_related("process", "owner", *_task_relations()))
    if waiting:
        found = found.annotate(i_awaiting=_task_clock("awaiting_year", IntegerField()))
    found = found.in_bulk(page)
    tasks = [found[pk] for pk in page if pk in found]
    items = [
        InboxItem(
            kind="task",
            title=str(task.title or task.flow_task),
            subject=_task_subject(task, children),
            url=_task_url(task),
            due=due[task.pk],
            unit=_task_unit(task, grants),
            stage=str(task.flow_task.flow_class.process_title) if task.flow_task else "",
            created=task.created,
            key=f"task:{task.pk}",
            awaiting=getattr(task, "i_awaiting", None),
        )
        for task in tasks
    ]
    return InboxSlice(items, total=total)


def _merged(user, grants: RoleGrants, limit: int | None) -> InboxSlice:
    slices = [_task_items(user, grants, limit)]
    slices += [_source_slice(source, user, grants, limit) for source in _sources.values()]
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

    def __init__(self, user, *, prefetch: int = 50):
        self.user = user
        self.prefetch = prefetch
        self._grants: RoleGrants | None = None
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
        self._read, self._limit = _merged(self.user, self.grants, top), top
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


def inbox_for_user(*, user, prefetch: int = 50) -> Inbox:
    """The person's inbox, paged in SQL (for a paginated page)."""
    return Inbox(user, prefetch=prefetch)


def inbox_items_for_user(*, user) -> list[InboxItem]:
    """Everything waiting for ``user``: their viewflow tasks and every registered source's items,
    earliest due first, then oldest first."""
    return list(Inbox(user))
