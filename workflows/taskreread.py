"""An action's task, re-read under the process lock (``workflows.tasking``), composed and
planned once.

Every action re-reads its task under the process lock with the process as the flow's own
class (viewflow's activation would otherwise read it again: ``Process.coerced``), what the
flow's ``process_select_related`` names of it, and two answers (the person's role over each
unit the task is offered to, and whether it is offered to them): seven tables and two correlated sub-selects. Composing that with the ORM cost about a
millisecond and PostgreSQL took three more to plan it, at every action, for a statement
that differs only in its arguments. So it is composed once per shape (flow class, paths,
which answers), Django turns its row into instances with the select_related machinery the
ORM itself uses (``ModelIterable``), and it is sent through ``connections.prepared_cursor``:
planned once per connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models.query import get_related_populators
from viewflow.workflow.models import Process, Task

from .connections import prepared_cursor
from .locks import row_hold
from .rows import convert_row

_TASK_PK = -7_310_530  # stands for the task's id while the re-read is composed


@dataclass(frozen=True)
class _Reread:
    sql: str  # the statement, ``%s`` where its arguments go
    init_list: list[str]
    fields: tuple[int, int]  # the task's columns: [start, end)
    populators: list
    annotations: dict[str, int]
    converters: list


_rereads: dict[tuple, _Reread] = {}


def _task_reread(flow_class, task_pk: int, checks, offered) -> Task:
    """``Task.objects.select_related(<the process paths>).annotate(offered_role_checks=checks,
    offered_to_user=offered).get(pk=task_pk)`` (each annotation when not None)."""
    paths = _process_paths(flow_class)
    key = (
        flow_class,
        paths,
        connection.vendor,
        None if checks is None else checks.sql,
        None if offered is None else offered.sql,
    )
    reread = _rereads.get(key)
    if reread is None:
        reread = _rereads[key] = _reread_compose(paths, checks, offered)
    arguments = [
        *(() if checks is None else checks.params),
        *(() if offered is None else offered.params),
        task_pk,
    ]
    with prepared_cursor() as cursor:
        cursor.execute(reread.sql, arguments)
        row = cursor.fetchone()
    if row is None:
        raise Task.DoesNotExist("Task matching query does not exist.")
    row = convert_row(list(row), reread.converters)
    start, end = reread.fields
    task = Task.from_db(connection.alias, reread.init_list, row[start:end])
    for populator in reread.populators:
        populator.populate(row, task)
    for name, position in reread.annotations.items():
        setattr(task, name, row[position])
    return task


def _reread_compose(paths: tuple[str, ...], checks, offered) -> _Reread:
    tasks = Task.objects.select_related(*paths)
    if checks is not None:
        tasks = tasks.annotate(offered_role_checks=checks)
    if offered is not None:
        tasks = tasks.annotate(offered_to_user=offered)
    tasks = tasks.filter(pk=_TASK_PK)
    compiler = tasks.query.get_compiler(using=tasks.db)
    sql, params = compiler.as_sql()  # fills the compiler's select, klass_info, annotations
    expected = [
        *(() if checks is None else checks.params),
        *(() if offered is None else offered.params),
        _TASK_PK,
    ]
    if list(params) != expected:
        raise RuntimeError(f"cannot find the arguments of the task's re-read: {sql}")
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Reread(
        sql=sql,
        init_list=[column[0].target.attname for column in select[start:end]],
        fields=(start, end),
        populators=get_related_populators(klass_info, select, tasks.db),
        annotations=dict(compiler.annotation_col_map),
        converters=list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        ),
    )


@cache
def _task_id_column() -> str:
    q = connection.ops.quote_name
    return f"{q(Task._meta.db_table)}.{q(Task._meta.pk.column)}"


def _hold_rows_locked_with_process(task: Task, flow_class) -> None:
    """The rows the process lock took with the process (``locks.ProcessRowLock.with_rows``),
    read with the task after the lock: the services find them held (``locks.row_held``) and
    lock them no second time."""
    rows_locked = getattr(flow_class.lock_impl, "rows_locked", None)
    names = rows_locked() if rows_locked is not None else ()
    if not names:
        return
    process = task.process
    link = flow_class.process_class._meta.get_ancestor_link(Process)
    if link is not None:
        if not link.remote_field.is_cached(process):
            return
        process = link.remote_field.get_cached_value(process)
    for name in names:
        field = type(process)._meta.get_field(name)
        row = field.get_cached_value(process) if field.is_cached(process) else None
        if row is not None:
            row_hold(row)


def _process_paths(flow_class) -> tuple[str, ...]:
    """``select_related`` paths reading a task's process as ``flow_class.process_class``
    (a multi-table child of viewflow's Process, or Process itself), with what the flow's
    ``process_select_related`` names of it (what every action reads of the process)."""
    link = flow_class.process_class._meta.get_ancestor_link(Process)
    if link is None:
        return ("process",)
    child = f"process__{link.remote_field.get_accessor_name()}"
    related = getattr(flow_class, "process_select_related", ())
    return ("process", child, *(f"{child}__{path}" for path in related))
