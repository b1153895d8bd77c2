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

    register_task_clocks(DecisionProcess, decision_process_clocks, decision_clock_processes)

and, third, the way back from a clock to its process: a large queue is then listed in due order
from the clocks' side, the running clocks walked in due order to the tasks that meet them
(``workflows.inbox.due``), instead of reading every task's clock to show fifty.

The inbox page (``workflows.views.InboxView``) has the tabs of government OA systems: 待办
(``Inbox``), 已办 (``done_tasks``), 办结 (``ended_tasks``) and, for a unit head, 本单位
(``unit_tasks``, the unit's open tasks to urge, ``urging``); ``InboxFilter`` narrows each to one
process and one unit; ``due_light`` tells how many working days are left before each due date.
"""

import heapq
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.flow import Flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from ..calendar import CalendarRangeError, count_working_days
from ..clocks.models import Deadline
from ..connections import prepared_cursor
from ..models import TaskOffer, Unit
from ..paging import COUNT_CAP
from ..tasking import node_steps, step_of_task
from .offers import OPEN, RoleGrants, role_grants_for, tasks_for_user
from .ordering import ordered_rows

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
    legal_source: str = ""  # the provision setting the due date, as it is cited
    jurisdiction_id: int | None = None  # whose working-day calendar counts the days left
    process: str = ""  # the app the work belongs to ("decisions", "normdocs"): the filter
    unit_ids: tuple[int, ...] = ()  # the units for which it is asked (the unit filter, 催办)
    task_id: int | None = None  # the viewflow task carrying it, if any (催办)
    done_at: datetime | None = None  # 已办 / 办结: when the person's part ended
    # The running clock giving ``due``: among items due the same day, the one whose clock
    # started first comes first (``_sort_key``).
    clock_id: int | None = None


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox page is narrowed to: one process (an app label, e.g. "decisions": its
    tasks and its registered source) and one unit (work asked of the person for that unit)."""

    process: str = ""
    unit: int | None = None

    def __bool__(self) -> bool:
        return bool(self.process) or self.unit is not None


NO_FILTER = InboxFilter()


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
# process model -> processes(deadlines) -> the inverse: of a queryset of running Deadlines,
# those that are clocks of a process's subject (as ``clocks`` names them), each annotated with
# that process's pk as ``i_process``. With it, the inbox reads a large queue in due order from
# the clocks' side (``workflows.inbox.due``).
ClockProcesses = Callable[[QuerySet], QuerySet]
_clock_processes: dict[type, ClockProcesses] = {}


def register_task_clocks(
    process_model: type[Process], clocks: TaskClocks, processes: ClockProcesses | None = None
) -> None:
    """Say where the clocks of the subject of a ``process_model`` are, so that its tasks show
    the due date of the clock their step meets (and the inbox lists them by it); and, with
    ``processes``, the way back from a clock to its process. Registering again replaces."""
    _task_clocks[process_model] = clocks
    if processes is None:
        _clock_processes.pop(process_model, None)
    else:
        _clock_processes[process_model] = processes


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


@cache
def _process_children() -> tuple[tuple[type[Process], tuple[Any, ...]], ...]:
    """Multi-table subclasses of viewflow's Process (the model, its forward relations).

    Reading them with the task lets the inbox name each task's subject (e.g. the object the
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
            field
            # The child's own fields: the parent's (parent task, seed, artifact) name no
            # subject, and each would add a join.
            for field in model._meta.local_concrete_fields
            if field.is_relation
            and (field.many_to_one or field.one_to_one)
            and not field.remote_field.parent_link
            and not issubclass(field.related_model, Process)
        )
        children.append((model, relations))
    return tuple(children)


def _task_stage(task: Task, subject, step) -> str:
    """Where the subject stands in its procedure: its stage when it has one (a decision's
    《重大行政决策程序暂行条例》 stage), else the step's name, else the process's title."""
    display = getattr(subject, "get_stage_display", None)
    if callable(display):
        return str(display())
    if step is not None:
        return str(step.name)
    return str(task.flow_task.flow_class.process_title) if task.flow_task else ""


def _task_title(task: Task, step) -> str:
    """The step's declared name (translated), else viewflow's title of the node."""
    if step is not None:
        return str(step.name)
    return str(task.title or task.flow_task)


def _task_url(task: Task) -> str:
    try:
        return task.reverse("index")
    except NoReverseMatch:
        return ""


def _task_unit(task: Task, offers: list[tuple[str, int, str]], grants: RoleGrants) -> str:
    """For which unit the person is asked: of a task offered to several (role, unit) pairs
    (``offers``: (role, unit id, the unit's name, as it prints), in the order they were made),
    the units of those the person holds."""
    if task.owner_id:
        return str(_("You"))
    held = [
        offer
        for offer in offers
        if offer[0] in grants.groups and offer[1] in grants.units.get(offer[0], ())
    ]
    return "、".join(dict.fromkeys(name for _role, _unit, name in held or offers[:1]))


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


def _clocks_state(nodes=None) -> tuple:
    """What a statement reading the tasks' clocks is built from: the clocked nodes and their
    processes' clocks as registered, and the numbering of the content types (Deadline's own,
    read from Django's cache without a query, tells when they were numbered anew)."""
    nodes = _clocked_nodes() if nodes is None else nodes
    return (
        ContentType.objects.get_for_model(Deadline).pk,
        tuple((id(node), rule_keys, id(clocks)) for node, rule_keys, clocks in nodes),
    )


def _task_clock(field: str, output_field):
    """``field`` (``due`` or ``awaiting_year``) of each task's running clock (the earliest
    due of them), None when its step meets no clock: a ``CASE`` on the task's node, so the
    clock's subquery runs only for the tasks of a clocked step (PostgreSQL evaluates a
    ``CASE`` branch's subplan only when its condition holds). Each lookup is answered by the
    running clocks' unique (content type, object id, rule) index
    (``clocks_one_running_clock_per_rule``): no further index is needed.

    Built once per registry state: building it cost more than running it (0.8 ms a read);
    Django copies an expression when a query uses it, so the one built serves every query.
    The clocks' conditions embed content-type ids (``decisions.inbox``): it is built again
    when the content types are numbered anew (a flushed test database), which Deadline's own
    content type, read from Django's cache without a query, tells.
    """
    nodes = _clocked_nodes()
    key = (field, *_clocks_state(nodes))
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
                .order_by(F("due").asc(nulls_last=True), "pk")
                .values(field)[:1]
            ),
        )
        for node, rule_keys, clocks in nodes
    ]
    built = Case(*whens, default=None, output_field=output_field) if whens else None
    _built[key] = built
    return built


def _flow_classes() -> list[type]:
    """Every viewflow Flow class loaded (each process's flow)."""
    found, todo = [], [Flow]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def process_key(flow_class: type) -> str:
    """The app a flow belongs to ("decisions"): the key of the inbox's process filter, the
    same name the app registers its inbox source under."""
    config = apps.get_containing_app_config(flow_class.__module__)
    return config.label if config is not None else ""


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


def _filtered(tasks: QuerySet, flt: InboxFilter) -> QuerySet:
    """``tasks`` narrowed to one process's flows and to those offered to one unit."""
    if flt.process:
        flows = [flow for flow in _flow_classes() if process_key(flow) == flt.process]
        tasks = tasks.filter(process__flow_class__in=flows) if flows else tasks.none()
    if flt.unit is not None:
        tasks = tasks.filter(pk__in=TaskOffer.objects.filter(unit_id=flt.unit).values("task_id"))
    return tasks


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
    from . import due

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


# Stand for the page's task ids while the statement reading them is compiled (``_ItemsRead``).
_TASK_IDS = -7_310_531
# The columns of ``_ItemsRead``'s rows, in order, before those of the tasks' subjects.
_TASK_COLUMNS = ("id", "flow_task", "status", "created", "finished", "owner_id", "process_id")
_CLOCK, _FLOW_CLASS, _PROCESS_STATUS = 7, 8, 9
_DUE, _AWAITING, _LEGAL_SOURCE, _JURISDICTION = 10, 11, 12, 13
_OFFER_ROLE, _OFFER_UNIT, _OFFER_UNIT_NAME = 14, 15, 16
_TASK_ATTNAMES = tuple(Task._meta.get_field(name).attname for name in _TASK_COLUMNS)
# Reads of tasks as inbox items, compiled on this connection (``_items_read``), for up to
# this many tasks (a longer read, a whole tab at once, is compiled each time).
_READS = "_fazhi_inbox_item_reads"
_KEPT_UP_TO = 200


@dataclass(frozen=True)
class _ItemsRead:
    """The statement ``_items_by_id`` sends for a number of tasks: its SQL and parameters
    (``_TASK_IDS`` and the following numbers where the ids go), each column's converters (what
    the ORM applies to a field's value: a flow node from its reference, a date from SQLite's
    text), and where each subject's columns are: per process child, the column of its id
    and, per relation, (the related model, its first column, its fields' attnames)."""

    sql: str
    params: tuple
    converters: tuple[tuple[int, tuple, Any], ...]
    children: tuple[tuple[int, tuple[tuple[type, int, tuple[str, ...]], ...]], ...]

    def rows(self, ids: list[int]) -> list[list]:
        slots = {_TASK_IDS - k: pk for k, pk in enumerate(ids)}
        with prepared_cursor() as cursor:
            cursor.execute(self.sql, [slots.get(p, p) for p in self.params])
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for at, converters, expression in self.converters:
                for convert in converters:
                    row[at] = convert(row[at], expression, connection)
        return rows


def _items_read(count: int, clocked: bool) -> _ItemsRead:
    """The statement reading ``count`` tasks with everything the inbox shows, built once per
    connection, number of tasks and registry state (composing it with the ORM cost more than
    running it: the clocks' ``CASE`` alone 2 ms a read). One row per offer of each task (a
    task may have several), in the order they were made; with each task: its own columns
    (``_TASK_COLUMNS``), its running clock's id, due date, awaited year, legal source and
    jurisdiction when ``clocked`` (``_task_clock``), its process's flow and status, and the
    subject its process carries (``_process_children``: the related object's every column, as
    the ORM reads it, since its name may be made of any)."""
    # On the connection: the converters are the backend's, bound to it.
    reads = getattr(connection, _READS, None)
    if reads is None:
        reads = {}
        setattr(connection, _READS, reads)
    key = (count, clocked, *_clocks_state())
    if key in reads:
        return reads[key]
    q = connection.ops.quote_name
    clock = _task_clock("pk", BigIntegerField()) if clocked else None
    tasks = (
        Task.objects.filter(pk__in=[_TASK_IDS - k for k in range(count)])
        # No clock: NULL typed as its id (PostgreSQL compares an untyped parameter as text).
        .annotate(i_clock=Cast(Value(None), BigIntegerField()) if clock is None else clock)
        .order_by()
        .values_list(*_TASK_COLUMNS, "i_clock")
    )
    inner, params = tasks.query.sql_with_params()
    task_fields = [Task._meta.get_field(name) for name in _TASK_COLUMNS]
    process_fields = [Process._meta.get_field(name) for name in ("flow_class", "status")]
    deadline_fields = [
        Deadline._meta.get_field(name)
        for name in ("due", "awaiting_year", "legal_source", "jurisdiction")
    ]
    offer_fields = [TaskOffer._meta.get_field(name) for name in ("role", "unit")]
    unit_name = Unit._meta.get_field("name")
    columns = [f"i.{q(name)}" for name in (*_TASK_COLUMNS, "clock")]
    columns += [f"p.{q(field.column)}" for field in process_fields]
    columns += [f"d.{q(field.column)}" for field in deadline_fields]
    columns += [f"o.{q(field.column)}" for field in offer_fields]
    columns.append(f"u.{q(unit_name.column)}")
    fields = [*task_fields, None, *process_fields, *deadline_fields, *offer_fields, unit_name]
    joins, children = [], []
    for k, (model, relations) in enumerate(_process_children()):
        child = f"c{k}"
        link = model._meta.pk
        joins.append(
            f"LEFT JOIN {q(model._meta.db_table)} {child} "
            f"ON {child}.{q(link.column)} = p.{q(Process._meta.pk.column)}"
        )
        child_at = len(columns)
        columns.append(f"{child}.{q(link.column)}")
        fields.append(link)
        subjects = []
        for n, relation in enumerate(relations):
            related, alias = relation.related_model, f"s{k}_{n}"
            # Its own table's columns (a related model with a parent model of its own reads
            # the parent's fields when they are asked for).
            own = related._meta.local_concrete_fields
            joins.append(
                f"LEFT JOIN {q(related._meta.db_table)} {alias} ON {alias}."
                f"{q(relation.target_field.column)} = {child}.{q(relation.column)}"
            )
            subjects.append((related, len(columns), tuple(field.attname for field in own)))
            columns += [f"{alias}.{q(field.column)}" for field in own]
            fields += own
        children.append((child_at, tuple(subjects)))
    names = ", ".join(q(name) for name in (*_TASK_COLUMNS, "clock"))
    pk = {model: q(model._meta.pk.column) for model in (Process, Deadline, TaskOffer, Unit)}
    offer_task = q(TaskOffer._meta.get_field("task").column)
    # The tasks (each with its clock's id) materialised first: inlined, PostgreSQL planned
    # the clock's subquery twice (the join and the column) and hashed the deadlines.
    sql = (
        f"WITH i({names}) AS MATERIALIZED ({inner}) SELECT {', '.join(columns)} FROM i "
        f"INNER JOIN {q(Process._meta.db_table)} p ON p.{pk[Process]} = i.{q('process_id')} "
        f"LEFT JOIN {q(Deadline._meta.db_table)} d ON d.{pk[Deadline]} = i.{q('clock')} "
        f"LEFT JOIN {q(TaskOffer._meta.db_table)} o ON o.{offer_task} = i.{q('id')} "
        f"LEFT JOIN {q(Unit._meta.db_table)} u ON u.{pk[Unit]} = o.{q(offer_fields[1].column)} "
        + " ".join(joins)
        + f" ORDER BY i.{q('id')}, o.{pk[TaskOffer]}"
    )
    converters = []
    for at, field in enumerate(fields):
        if field is None:
            continue
        expression = field.get_col(field.model._meta.db_table)
        found = [
            *connection.ops.get_db_converters(expression),
            *expression.get_db_converters(connection),
        ]
        if found:
            converters.append((at, tuple(found), expression))
    read = _ItemsRead(sql, tuple(params), tuple(converters), tuple(children))
    if count <= _KEPT_UP_TO:
        reads[key] = read
    return read


# Digits only, so that they pass the ``<int:…>`` converters; never part of the rest of a URL.
_PROCESS_MARK, _TASK_MARK = "918273645546372819", "827364554637281918"


def _task_links() -> Callable[[Task], str]:
    """``_task_url`` for many tasks at the cost of one ``reverse`` per flow node (as
    ``workflows.links.reverse_by_pk`` does for one id): a task's page differs from another's
    of the same node only in the process's and the task's ids, so the node's is reversed
    once with marks in their places, and each task's ids put where the marks were."""
    made: dict[Any, tuple[str, str, str] | None] = {}

    def url(task: Task) -> str:
        node = task.flow_task
        if node not in made:
            made[node] = None
            try:
                marked = node.reverse("index", args=[int(_PROCESS_MARK), int(_TASK_MARK)])
            except NoReverseMatch:
                marked = ""
            head, _mark, rest = marked.partition(_PROCESS_MARK)
            middle, _mark, tail = rest.partition(_TASK_MARK)
            # Each mark once, the process's first: else ask each time.
            if (
                marked.count(_PROCESS_MARK) == 1
                and marked.count(_TASK_MARK) == 1
                and _TASK_MARK in rest
            ):
                made[node] = (head, middle, tail)
        parts = made[node]
        if parts is None:
            return _task_url(task)
        head, middle, tail = parts
        return f"{head}{int(task.process_id)}{middle}{int(task.pk)}{tail}"

    return url


def _items_by_id(ids: Iterable[int], grants: RoleGrants, *, clocked: bool) -> dict[int, InboxItem]:
    """The tasks of ``ids`` as inbox items, by task id (in no order); with their clocks (due
    date, legal source, the holiday notice awaited) when ``clocked``. One statement
    (``_items_read``): the tasks with everything the inbox shows, one row per offer."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    read = _items_read(len(ids), clocked)
    db = connection.alias
    url = _task_links()
    by_task: dict[int, tuple[list, list]] = {}
    for row in read.rows(ids):
        found = by_task.get(row[0])
        if found is None:
            found = by_task[row[0]] = (row, [])
        if row[_OFFER_ROLE] is not None:
            found[1].append((row[_OFFER_ROLE], row[_OFFER_UNIT], row[_OFFER_UNIT_NAME]))
    items = {}
    for pk, (row, offers) in by_task.items():
        task = Task.from_db(db, _TASK_ATTNAMES, row[: len(_TASK_COLUMNS)])
        subject = _row_subject(row, read, db)
        if subject is None:
            # The process itself, as much as its name needs.
            subject = Process.from_db(
                db,
                ("id", "flow_class", "status"),
                (task.process_id, row[_FLOW_CLASS], row[_PROCESS_STATUS]),
            )
        step = step_of_task(task)
        step = step[0] if step is not None else None
        clock = row[_CLOCK]
        items[pk] = InboxItem(
            kind="task",
            title=_task_title(task, step),
            subject=str(subject),
            url=url(task),
            due=row[_DUE] if clock is not None else None,
            unit=_task_unit(task, offers, grants),
            stage=_task_stage(task, subject, step),
            created=task.created,
            key=f"task:{task.pk}",
            awaiting=row[_AWAITING] if clock is not None else None,
            legal_source=row[_LEGAL_SOURCE] if clock is not None else "",
            jurisdiction_id=row[_JURISDICTION] if clock is not None else None,
            process=process_key(task.flow_task.flow_class) if task.flow_task else "",
            unit_ids=tuple(dict.fromkeys(unit for _role, unit, _name in offers)),
            task_id=task.pk,
            done_at=task.finished if task.status == STATUS.DONE else None,
            clock_id=clock,
        )
    return items


def _row_subject(row: list, read: _ItemsRead, db: str):
    """The object the task's process carries (a decision…), from its columns of ``row``:
    of the process child the process is, the first relation set; None when there is none."""
    for child_at, subjects in read.children:
        if row[child_at] is None:
            continue
        for model, at, attnames in subjects:
            values = row[at : at + len(attnames)]
            if values[attnames.index(model._meta.pk.attname)] is not None:
                return model.from_db(db, attnames, values)
    return None


def _task_items(
    user, grants: RoleGrants, limit: int | None = None, flt: InboxFilter = NO_FILTER
) -> InboxSlice:
    """The person's open viewflow tasks in inbox order (earliest due first, undated last, then
    oldest first): the first ``limit`` of them and their number, capped at ``COUNT_CAP + 1``."""
    from .due import Who

    who = Who(user.pk, grants, flt.process, flt.unit)
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


# --- the light: working days left --------------------------------------------------------------


@dataclass(frozen=True)
class DueLight:
    """How close an item is to its due date, in working days (domain.md §4): ``colour`` green
    (more than 3 working days left), amber (0 to 3: due today counts 0) or red (overdue), or
    "awaiting" when the days cannot be counted until a year's holiday notice is entered.
    ``label`` says the same in words: the colour is never the only sign."""

    colour: str
    label: str
    days: int | None = None


AMBER_WORKING_DAYS = 3


def due_light(
    item: InboxItem, *, today: date, calendars: dict, default_calendar
) -> DueLight | None:
    """The light of ``item`` on ``today`` (Asia/Shanghai), counted on the working-day calendar
    of its clock's jurisdiction (``calendars``: id → ``WorkCalendar``); None when it has no
    due date and awaits nothing."""
    if item.due is None:
        if item.awaiting:
            return DueLight(
                "awaiting",
                gettext("Awaiting the %(year)s holiday notice") % {"year": item.awaiting},
            )
        return None
    if item.due < today:
        return DueLight("red", gettext("Overdue"))
    calendar = calendars.get(item.jurisdiction_id, default_calendar)
    try:
        left = count_working_days(today, item.due, calendar=calendar)
    except CalendarRangeError as error:
        return DueLight(
            "awaiting", gettext("Awaiting the %(year)s holiday notice") % {"year": error.year}
        )
    label = ngettext("%(days)d working day left", "%(days)d working days left", left) % {
        "days": left
    }
    return DueLight("green" if left > AMBER_WORKING_DAYS else "amber", label, left)


def inbox_items_for_user(*, user) -> list[InboxItem]:
    """Everything waiting for ``user``: their viewflow tasks and every registered source's items,
    earliest due first, then oldest first."""
    return list(Inbox(user))
