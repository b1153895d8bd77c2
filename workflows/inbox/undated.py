"""The open tasks at clocked steps that have no due date, kept as rows (issue 22).

The grouped inbox shows a legal advisor's reviews in three groups: overdue, with a due date,
without one. The first two are walked from the clocks' side (``workflows.inbox.due``): a
running dated clock leads to its task. The third cannot be: a task has no due date when its
clock was waived or met, awaits a holiday notice (domain.md §4) or was never opened, and
proving that of ~12,500 reviews reads every one's clock. So the set is kept as data
(``workflows.models.UndatedTask``): one row per open task at a step meeting a clock whose
clock gives it no due date, with the task's ``created`` for the order.

The rows are recomputed by one function, ``undated_tasks_refresh``, from the one definition
of a task's due date (``task_clocks._task_clock``), wherever that truth can change:

- a task at a clocked step is created, or leaves the open statuses (done, cancelled, …):
  viewflow saves each task on every change (``Task.save``, never a queryset update), so a
  ``post_save`` receiver sees them all; an open task saved again changes nothing here;
- a clock a clocked step meets is opened (``clocks.signals.deadlines_opened``: opening inserts
  without model signals), met, waived or given its due date when a holiday notice is entered
  (each a ``Deadline.save``): the rows of the clock's process are recomputed, found with the
  way back its process registered (``register_task_clocks``' ``processes``). Marking a clock
  overdue (a queryset update) changes neither its due date nor whether it runs.

A review is superseded (its decision's latest review is the one whose clock counts) only when
the drafter submits again, which opens the new review's clock in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from django.db import connection
from django.db.models import DateField, Q, QuerySet
from django.utils.module_loading import autodiscover_modules
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..clocks.models import Deadline
from ..connections import prepared_cursor
from ..models import TaskOffer, UndatedTask
from ..paging import COUNT_CAP
from ..tasking import node_steps
from .due import Who, _offered_under, _who_sql
from .filters import _flow_classes
from .offers import OPEN, RoleGrants
from .task_clocks import _clock_processes, _clocked_nodes, _clocks_state, _task_clock

# A clock saved with only these fields changed neither its due date nor whether it runs.
_CLOCK_FIELDS = frozenset({"status", "due"})


@cache
def _flows_loaded() -> None:
    """Every app's ``flows`` imported: a flow registers its steps (and so its clocked steps)
    when its module is imported, which a web process does with its URLconf but a worker
    computing clocks, or a migration, may never do."""
    autodiscover_modules("flows")


def _clocked() -> tuple:
    """``task_clocks._clocked_nodes``, every flow loaded."""
    _flows_loaded()
    return _clocked_nodes()


def _stored(nodes) -> list[str]:
    field = Task._meta.get_field("flow_task")
    return [field.get_prep_value(node) for node in nodes]


def undated_tasks_expected(*, tasks: Q | None = None) -> QuerySet:
    """(id, created) of the tasks of ``tasks`` (a condition on viewflow's ``Task``) that
    should have a row: open, at a clocked step, their clock giving no due date
    (``_task_clock("due")`` NULL). What ``undated_tasks_refresh`` writes, and what a check
    compares the rows with (every task when ``tasks`` is None)."""
    tasks = Q() if tasks is None else tasks
    nodes = [node for node, _rules, _clocks in _clocked()]
    due = _task_clock("due", DateField())
    if due is None:
        return Task.objects.none().values_list("pk", "created")
    return (
        Task.objects.filter(tasks, flow_task__in=_stored(nodes), status__in=OPEN)
        .annotate(i_due=due)
        .filter(i_due__isnull=True)
        .order_by()
        .values_list("pk", "created")
    )


def undated_tasks_refresh(*, tasks: Q) -> None:
    """Make the rows of the tasks ``tasks`` names (a condition on viewflow's ``Task``) true:
    a row for each ``undated_tasks_expected`` lists, none for the others. One statement on
    PostgreSQL: the rows wanted are selected once, those no longer wanted deleted and the
    missing ones inserted (``ON CONFLICT DO NOTHING``: a row already there, or inserted
    concurrently, stays)."""
    _run(_refresh_statements(tasks))


def _refresh_statements(tasks: Q) -> list[tuple[str, list]]:
    """The statements (with their parameters) ``undated_tasks_refresh`` sends for ``tasks``."""
    scope = Task.objects.filter(tasks).order_by().values("pk")
    wanted = undated_tasks_expected(tasks=tasks)
    q = connection.ops.quote_name
    table = q(UndatedTask._meta.db_table)
    scope_sql, scope_params = scope.query.sql_with_params()
    if wanted.query.is_empty():  # no step meets a clock: no task has a row
        return [(f"DELETE FROM {table} WHERE task_id IN ({scope_sql})", list(scope_params))]
    wanted_sql, wanted_params = wanted.query.sql_with_params()
    insert = (
        f"INSERT INTO {table} (task_id, created) SELECT w.task_id, w.created FROM w "
        # (``WHERE true``: SQLite reads ``ON`` after a bare SELECT as a join's.)
        "WHERE true ON CONFLICT DO NOTHING"
    )
    if connection.vendor == "postgresql":
        return [
            (
                f"WITH w(task_id, created) AS ({wanted_sql}), gone AS (DELETE FROM {table} "
                f"WHERE task_id IN ({scope_sql}) AND task_id NOT IN (SELECT task_id FROM w)) "
                + insert,
                [*wanted_params, *scope_params],
            )
        ]
    return [
        (f"DELETE FROM {table} WHERE task_id IN ({scope_sql})", list(scope_params)),
        (f"WITH w(task_id, created) AS ({wanted_sql}) " + insert, list(wanted_params)),
    ]


def _run(statements: list[tuple[str, list]]) -> None:
    with prepared_cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


# A refresh for one task or one clock is the same statements but for that id: composed once
# (``_task_clock``'s CASE and the way back from a clock cost several times what running them
# does, at every task and clock a process writes: issue 15, the engine's cost), the id's
# place held by ``_ONE`` and filled at each call, and run prepared.
_ONE = -7_310_533
_PER_CALL = "per call"  # the id's place was not found: composed at each call
_composed: dict[tuple, list[tuple[str, list]] | str | None] = {}


def _refresh_one(key: tuple, condition: Callable[[int], Q | None], pk: int) -> None:
    """``undated_tasks_refresh(tasks=condition(pk))`` (nothing when ``condition`` gives None),
    its statements composed once per ``key``, database and registry state."""
    full = (
        *key,
        connection.vendor,
        _clocks_state(_clocked()),
        tuple((id(model), id(way)) for model, way in _clock_processes.items()),
    )
    if full not in _composed:
        tasks = condition(_ONE)
        statements = None if tasks is None else _refresh_statements(tasks)
        if statements is not None and not all(_ONE in params for _sql, params in statements):
            statements = _PER_CALL
        _composed[full] = statements
    statements = _composed[full]
    if statements is _PER_CALL:
        tasks = condition(pk)
        if tasks is not None:
            undated_tasks_refresh(tasks=tasks)
    elif statements is not None:
        _run([(sql, [pk if p == _ONE else p for p in params]) for sql, params in statements])


def undated_tasks_rebuild() -> None:
    """Every row recomputed: the data migration and the bench's generator, which write tasks
    and clocks without the receivers."""
    undated_tasks_refresh(tasks=Q())


def _is_clocked(flow_task) -> bool:
    return flow_task is not None and any(node is flow_task for node, *_ in _clocked())


def task_saved(sender, instance: Task, created: bool, **kwargs) -> None:
    """``post_save`` of viewflow's ``Task``: a new task at a clocked step may have no due date;
    one that left the open statuses has no row. Nothing (no SQL) for any other task, nor for
    an open task saved again (claimed, released: its due date is its process's)."""
    if (created or instance.status not in OPEN) and _is_clocked(instance.flow_task):
        _refresh_one(("task",), _task_condition, instance.pk)


def _task_condition(pk: int) -> Q:
    return Q(pk=pk)


def _clocks_changed(deadlines: Iterable[Deadline]) -> None:
    """The rows of the processes of ``deadlines`` recomputed, for the clocks some clocked step
    meets (no SQL otherwise). One clock (a clock met, waived or opened), composed once per rule
    (``_refresh_one``)."""
    deadlines = list(deadlines)
    if len(deadlines) == 1:
        (deadline,) = deadlines
        rule_key = deadline.rule_key
        _refresh_one(("clock", rule_key), lambda pk: _clocks_condition({pk: rule_key}), deadline.pk)
        return
    tasks = _clocks_condition({d.pk: d.rule_key for d in deadlines})
    if tasks is not None:
        undated_tasks_refresh(tasks=tasks)


def _clocks_condition(rule_keys: dict[int, str]) -> Q | None:
    """The tasks whose rows the clocks ``rule_keys`` (id → rule) decide, or None when no
    clocked step meets them: each clock back to its process by the way back the process
    registered; without one, every task at those steps (no such process is registered)."""
    # (the way back, None), or (None, the step) when its process registered none → clocks
    ways: dict[tuple, set[int]] = {}
    for node, keys, _clocks in _clocked():
        pks = {pk for pk, key in rule_keys.items() if key in keys}
        if pks:
            way = _clock_processes.get(getattr(node.flow_class, "process_class", None))
            ways.setdefault((way, None if way else node), set()).update(pks)
    conditions = []
    for (way, node), pks in ways.items():
        if way is not None:
            clocks = Deadline.objects.filter(pk__in=sorted(pks))
            conditions.append(Q(process_id__in=way(clocks).values("i_process")))
        else:  # a step whose process registered no way back: every task at it
            conditions.append(Q(flow_task=_stored([node])[0]))
    return Q.create(conditions, connector=Q.OR) if conditions else None


def deadline_saved(sender, instance: Deadline, update_fields=None, **kwargs) -> None:
    """``post_save`` of a clock: met, waived, or given its due date by a holiday notice."""
    if update_fields is not None and not _CLOCK_FIELDS & set(update_fields):
        return
    _clocks_changed([instance])


def deadlines_opened(sender, deadlines, **kwargs) -> None:
    """``clocks.signals.deadlines_opened``: a clock now runs, dated or awaiting its notice."""
    _clocks_changed(deadlines)


# --- the grouped view's "no due date" group ---------------------------------------------------


def _nodes_beyond_clocked_steps(roles: Iterable[str]) -> list:
    """The human nodes meeting no clock whose tasks may be offered under one of ``roles``:
    those whose declared step names one of them, and every node that declares no step and
    makes offers in code (``onCreate``: under any role). A node without ``onCreate`` offers
    nothing: its tasks are owned."""
    roles = set(roles)
    clocked = {id(node) for node, _rules, _clocks in _clocked()}
    declared, found = set(), []
    for (flow_class, name), (step, _subject) in node_steps().items():
        node = getattr(flow_class, name)
        declared.add(id(node))
        if id(node) not in clocked and roles & set(step.roles):
            found.append(node)
    for flow_class in _flow_classes():
        for node in flow_class.instance.nodes():
            if id(node) in declared or getattr(node, "task_type", None) != "HUMAN":
                continue
            if getattr(node, "_on_create", None) is not None:
                found.append(node)
    return found


def _beyond_sql(user_id: int, grants: RoleGrants, limit: int) -> tuple[str, list]:
    """The first ``limit`` ids (oldest first) of the open tasks ``user_id`` owns, or may take
    under ``grants``, at steps meeting no clock: the owner's by their open-by-owner index; the
    offered per such step, walking its unclaimed tasks by id on their (step, id) index
    (``workflows_task_unclaimed_by_step``, used only by a query naming ``finished IS NULL``,
    true of a new task: migration 0008) and keeping those offered to a (role, unit) held.
    Not over the person's offers: a legal advisor's are ~12,500 reviews, and among them the
    few amendments to confirm (a step without a clock) would be found only by reading all."""
    q = connection.ops.quote_name
    task, offer = q(Task._meta.db_table), q(TaskOffer._meta.db_table)
    nodes = _stored(node for node, _rules, _clocks in _clocked())
    branches = [
        f"(SELECT t.id FROM {task} t WHERE t.owner_id = %s AND t.status IN (%s, %s) "
        f"AND t.flow_task NOT IN ({', '.join(['%s'] * len(nodes))}))"
    ]
    params: list = [user_id, *OPEN, *nodes]
    pairs = [(role, grants.unit_ids(role)) for role in grants.offered_roles()]
    if pairs:
        held, held_params = _offered_under(pairs)
        for node in _stored(_nodes_beyond_clocked_steps(role for role, _units in pairs)):
            branches.append(
                f"(SELECT t.id FROM {task} t WHERE t.flow_task = %s AND t.status = %s AND "
                f"t.owner_id IS NULL AND t.finished IS NULL AND EXISTS (SELECT 1 FROM {offer} o WHERE o.task_id = t.id "
                f"AND ({held})) ORDER BY t.id LIMIT %s)"
            )
            params += [node, STATUS.NEW, *held_params, limit]
    sql = f"SELECT c.id FROM ({' UNION '.join(branches)}) AS c(id) ORDER BY c.id LIMIT %s"
    return sql, [*params, limit]


def undated_heads(who: Who, *, size: int, cap: int = COUNT_CAP) -> tuple[list[int], int, list[int]]:
    """Of ``who`` (the person's id and the grants of the roles of clocked steps): the ids of
    the first ``size`` + 1 tasks at clocked steps without a due date (the rows, oldest
    first), how many there are (up to ``cap`` + 1), and the ids of the
    first ``size`` + 1 at other steps they own or may take under those grants (oldest
    first). One statement: the rows walked on their (created, task) index, each joined to its
    task to keep those the person may take (``due._who_sql``)."""
    if not _clocked():
        return [], 0, []
    q = connection.ops.quote_name
    rows, task = q(UndatedTask._meta.db_table), q(Task._meta.db_table)
    who_sql, who_params = _who_sql(who)
    mine = f"FROM {rows} u JOIN {task} t ON t.id = u.task_id WHERE {who_sql}"
    beyond, beyond_params = _beyond_sql(who.user_id, who.grants, size + 1)
    sql = (
        f"SELECT ARRAY(SELECT u.task_id {mine} ORDER BY u.created, u.task_id LIMIT %s), "
        f"(SELECT COUNT(*) FROM (SELECT 1 {mine} LIMIT %s) AS c), ARRAY({beyond})"
    )
    params = [*who_params, size + 1, *who_params, cap + 1, *beyond_params]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        heads, count, others = cursor.fetchone()
    return list(heads), count, list(others)
