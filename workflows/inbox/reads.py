"""Tasks read as inbox items, a page at a time: one statement (``_ItemsRead``) reads the page's
tasks with everything the inbox shows (their offers, running clock, process and the subject
the process carries), composed once per connection and kept (``_items_read``); the rows
become ``InboxItem``s (``_items_by_id``) with each task's page found at the cost of one
``reverse`` per flow node (``_task_links``)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import BigIntegerField, Value
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from ..clocks.models import Deadline
from ..connections import prepared_cursor
from ..models import TaskOffer, Unit
from ..tasking import step_of_task
from .filters import process_key
from .offers import RoleGrants
from .task_clocks import _clocks_state, _task_clock
from .types import InboxItem


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
    inner, params = _tasks_sql(count, clocked)
    columns, fields = _item_columns()
    subject_columns, subject_fields, joins, children = _subject_columns(len(columns))
    columns += subject_columns
    fields += subject_fields
    sql = _items_sql(inner, columns, joins)
    read = _ItemsRead(sql, tuple(params), _converters(fields), children)
    if count <= _KEPT_UP_TO:
        reads[key] = read
    return read


def _tasks_sql(count: int, clocked: bool) -> tuple[str, tuple]:
    """The page's tasks (``_TASK_IDS`` where their ids go), their columns and their running
    clock's id, as SQL and its parameters: the statement's first part."""
    clock = _task_clock("pk", BigIntegerField()) if clocked else None
    tasks = (
        Task.objects.filter(pk__in=[_TASK_IDS - k for k in range(count)])
        # No clock: NULL typed as its id (PostgreSQL compares an untyped parameter as text).
        .annotate(i_clock=Cast(Value(None), BigIntegerField()) if clock is None else clock)
        .order_by()
        .values_list(*_TASK_COLUMNS, "i_clock")
    )
    return tasks.query.sql_with_params()


def _item_columns() -> tuple[list[str], list]:
    """The columns of each row before its subject's (the task's and its clock's id, its
    process's, its clock's, its offer's and the offered unit's name), and the field each
    reads (None for the clock's id, which needs no converter)."""
    q = connection.ops.quote_name
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
    return columns, fields


def _subject_columns(first: int) -> tuple[list[str], list, list[str], tuple]:
    """The subject's columns, from the row's column ``first`` on: per process child
    (``_process_children``) its id's column, then per relation the related object's own
    columns; with the field each reads, the joins reaching them, and ``_ItemsRead.children``
    (where each subject's columns are)."""
    q = connection.ops.quote_name
    columns, fields, joins, children = [], [], [], []
    for k, (model, relations) in enumerate(_process_children()):
        child = f"c{k}"
        link = model._meta.pk
        joins.append(
            f"LEFT JOIN {q(model._meta.db_table)} {child} "
            f"ON {child}.{q(link.column)} = p.{q(Process._meta.pk.column)}"
        )
        child_at = first + len(columns)
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
            subjects.append((related, first + len(columns), tuple(field.attname for field in own)))
            columns += [f"{alias}.{q(field.column)}" for field in own]
            fields += own
        children.append((child_at, tuple(subjects)))
    return columns, fields, joins, tuple(children)


def _items_sql(inner: str, columns: list[str], joins: list[str]) -> str:
    """The statement: the tasks (``inner``) joined to their process, clock, offers and offered
    units, and to their subjects (``joins``), one row per offer in the order they were made."""
    q = connection.ops.quote_name
    names = ", ".join(q(name) for name in (*_TASK_COLUMNS, "clock"))
    pk = {model: q(model._meta.pk.column) for model in (Process, Deadline, TaskOffer, Unit)}
    offer_task = q(TaskOffer._meta.get_field("task").column)
    offer_unit = q(TaskOffer._meta.get_field("unit").column)
    # The tasks (each with its clock's id) materialised first: inlined, PostgreSQL planned
    # the clock's subquery twice (the join and the column) and hashed the deadlines.
    return (
        f"WITH i({names}) AS MATERIALIZED ({inner}) SELECT {', '.join(columns)} FROM i "
        f"INNER JOIN {q(Process._meta.db_table)} p ON p.{pk[Process]} = i.{q('process_id')} "
        f"LEFT JOIN {q(Deadline._meta.db_table)} d ON d.{pk[Deadline]} = i.{q('clock')} "
        f"LEFT JOIN {q(TaskOffer._meta.db_table)} o ON o.{offer_task} = i.{q('id')} "
        f"LEFT JOIN {q(Unit._meta.db_table)} u ON u.{pk[Unit]} = o.{offer_unit} "
        + " ".join(joins)
        + f" ORDER BY i.{q('id')}, o.{pk[TaskOffer]}"
    )


def _converters(fields: list) -> tuple[tuple[int, tuple, Any], ...]:
    """(column, converters, expression) of each column the ORM converts when it reads its
    field (a flow node from its reference, a date from SQLite's text)."""
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
    return tuple(converters)


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
