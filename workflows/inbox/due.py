"""A large queue in due order, read from the clocks' side (issue 22).

A legal advisor is offered every open legality review (~12,500 at 100,000 decisions), each
with its running clock. Ordering them by due date from the tasks' side reads every task's
clock (decision process → decision → latest review → clock, ~13 µs each) to show ten. Here the
running clocks are walked in due order instead (the index ``clocks_deadline_running_due``,
migration clocks 0010), each back to its process (``register_task_clocks``' ``processes``) and
to that process's open task at the step meeting the clock, kept when the person may take it
(``tasks_for_user``'s condition, in SQL); the walk stops once the page, or a count capped at
``COUNT_CAP + 1``, is full. Its cost is the page (or the cap) over the person's share of the
running clocks, not the size of the queue.

For a person offered few clocked tasks (``FORWARD_LIMIT`` or fewer) reading each one's clock
costs less than walking everybody's: the inbox does that (``task_clocks._task_clock``), as it does
when a clocked step's process registered no way back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..clocks.models import Deadline
from ..connections import prepared_cursor
from ..models import TaskOffer
from .filters import process_key
from .offers import OPEN, RoleGrants
from .task_clocks import _clock_processes, _clocked_nodes

# At most this many open tasks at clocked steps, and the inbox reads each one's clock.
FORWARD_LIMIT = 200

# (task id, due date, created) of one task the walk found; ``created`` in microseconds since
# the epoch: it only orders the tasks of one due date, and converting a few thousand
# timestamps to aware datetimes cost a tenth of the grouped inbox.
Found = tuple[int, date, int]


@dataclass(frozen=True)
class Who:
    """Whose tasks the walk keeps: those ``user_id`` owns (open) or may take, unclaimed and
    offered to a (role, unit) of ``grants`` (``tasks_for_user``'s answer), narrowed as the
    inbox filter narrows them: to one process's flows (an app label) and to the tasks offered
    to one unit."""

    user_id: int
    grants: RoleGrants
    process: str = ""
    unit: int | None = None


def _offered_under(pairs: list[tuple[str, list[int]]]) -> tuple[str, list]:
    """The offer ``o`` is under one of ``pairs`` ((role, the units it is held over))."""
    sql = " OR ".join(
        f"(o.role = %s AND o.unit_id IN ({', '.join(['%s'] * len(units))}))" for _r, units in pairs
    )
    return sql, [value for role, units in pairs for value in (role, *units)]


def _who_sql(who: Who) -> tuple[str, list]:
    """``who``'s condition on the task ``t``, per task by index: ``tasks_for_user``'s (the
    owner's open tasks; an unclaimed new task offered to a (role, unit) held)."""
    offer = connection.ops.quote_name(TaskOffer._meta.db_table)
    sql, params = "(t.owner_id = %s AND t.status IN (%s, %s))", [who.user_id, *OPEN]
    pairs = [(role, who.grants.unit_ids(role)) for role in who.grants.offered_roles()]
    if pairs:
        held, held_params = _offered_under(pairs)
        sql = (
            f"({sql} OR (t.owner_id IS NULL AND t.status = %s AND EXISTS (SELECT 1 FROM "
            f"{offer} o WHERE o.task_id = t.id AND ({held}))))"
        )
        params += [STATUS.NEW, *held_params]
    if who.unit is not None:
        sql += f" AND EXISTS (SELECT 1 FROM {offer} u WHERE u.task_id = t.id AND u.unit_id = %s)"
        params.append(who.unit)
    return sql, params


def _branches(process: str = "") -> list[tuple[tuple[str, ...], tuple[str, ...], object]] | None:
    """(the stored ``flow_task`` of the clocked steps, their rule keys, their process's way back
    from a clock), one per way back and rule keys (so that each clock is walked once), of the
    clocked steps of one process's flows when ``process``; None when a clocked step's process
    registered no way back."""
    field = Task._meta.get_field("flow_task")
    branches: dict[tuple, list[str]] = {}
    for node, rule_keys, _clocks in _clocked_nodes():
        flow_class = node.flow_class
        if process and process_key(flow_class) != process:
            continue
        processes = _clock_processes.get(getattr(flow_class, "process_class", None))
        if processes is None:
            return None
        branches.setdefault((rule_keys, processes), []).append(field.get_prep_value(node))
    return [(tuple(nodes), keys, processes) for (keys, processes), nodes in branches.items()]


_built: dict[tuple, tuple[str, tuple]] = {}


def _clocks_sql(rule_keys: tuple[str, ...], processes) -> tuple[str, tuple]:
    """The running dated clocks of ``rule_keys``, each with its process (``id``, ``due``,
    ``i_process``), as SQL. Built once per registry state: compiling the way back cost 11 ms a
    walk, more than walking it. The way back embeds content-type ids: it is built again when
    they are numbered anew (a flushed test database), which Deadline's own content type, read
    from Django's cache without a query, tells (as ``task_clocks._task_clock``)."""
    key = (rule_keys, processes, ContentType.objects.get_for_model(Deadline).pk)
    if key not in _built:
        clocks = Deadline.objects.filter(
            status__in=Deadline.RUNNING, rule_key__in=rule_keys, due__isnull=False
        )
        query = processes(clocks).order_by().values("id", "due", "i_process").query
        _built[key] = query.sql_with_params()
    return _built[key]


def _walk_sql(who: Who, since: date | None, before: date | None, limit: int | None):
    q = connection.ops.quote_name
    who_sql, who_params = _who_sql(who)
    bounds, bound_params = [], []
    for condition, value in (("k.due >= %s", since), ("k.due < %s", before)):
        if value is not None:
            bounds.append(condition)
            bound_params.append(value)
    parts, params = [], []
    for flow_tasks, rule_keys, processes in _branches(who.process) or ():
        inner, inner_params = _clocks_sql(rule_keys, processes)
        if bounds:
            inner = f"SELECT k.* FROM ({inner}) k WHERE {' AND '.join(bounds)}"
            inner_params = (*inner_params, *bound_params)
        # In the index's order, each clock to its process's open task at the step, kept when
        # the person may take it; LIMIT stops the walk.
        # (LATERAL, kept a subquery by OFFSET 0: per clock, by the tasks' process index; as a
        # join PostgreSQL hashed every unclaimed task.)
        parts.append(
            f"(SELECT c.due, c.id AS clock, t.id, t.created FROM ({inner}) c "
            "CROSS JOIN LATERAL (SELECT t.id, "
            "CAST(EXTRACT(EPOCH FROM t.created) * 1000000 AS bigint) AS created "
            f"FROM {q(Task._meta.db_table)} t "
            f"WHERE t.process_id = c.i_process AND t.flow_task IN "
            f"({', '.join(['%s'] * len(flow_tasks))}) AND {who_sql} OFFSET 0) t "
            "ORDER BY c.due, c.id, t.created, t.id" + (" LIMIT %s)" if limit is not None else ")")
        )
        params += [*inner_params, *flow_tasks, *who_params]
        params += [limit] if limit is not None else []
    if not parts:
        return "", []
    sql = " UNION ALL ".join(parts)
    if len(parts) > 1:
        sql = f"SELECT * FROM ({sql}) w ORDER BY 1, 2, 4, 3" + (" LIMIT %s" if limit else "")
        params += [limit] if limit else []
    return sql, params


def walk(
    who: Who, *, since: date | None = None, before: date | None = None, limit: int | None
) -> tuple[list[Found], bool]:
    """The first ``limit`` (all when None) distinct tasks of ``who`` with a running clock due
    from ``since`` and before ``before``, in the inbox's order for dated tasks: the clocks'
    (due date, then the clock's id: among tasks due the same day, the one whose clock started
    first), then the oldest task and its id (tasks meeting one clock), each task at the first
    of its running clocks (``task_clocks._task_clock`` picks the same one); and whether the walk ran
    out (so that these are all of them)."""
    size = limit
    while True:
        sql, params = _walk_sql(who, since, before, size)
        if not sql:
            return [], True
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found, seen = [], set()
        for due, _clock, pk, created in rows:
            if pk not in seen:
                seen.add(pk)
                found.append((pk, due, created))
        if limit is None:
            return found, True
        done = len(rows) < size
        if done or len(found) >= limit:
            return found[:limit], done and len(found) <= limit
        size += len(rows) - len(found)  # a task met by two clocks took two rows: read on


def first(
    who: Who, *, since: date | None = None, before: date | None = None, size: int, cap: int
) -> tuple[list[Found], int, bool]:
    """The first ``size`` tasks of ``who`` due from ``since`` and before ``before`` in the
    inbox's order (due date, then the clock started first, then the oldest task, then its
    id: the walk's own order), how many there are, counted up to ``cap`` + 1 (no further),
    and whether that count is exact. One walk of at most ``cap`` + 1 tasks."""
    found, done = walk(who, since=since, before=before, limit=max(cap, size) + 1)
    return found[:size], len(found), done


def walk_pays(who: Who) -> bool:
    """More than ``FORWARD_LIMIT`` unclaimed tasks at clocked steps are offered to ``who``
    under the roles those steps are offered to (the tasks they own are few): walking the
    clocks then costs less than reading each task's clock. Counted over the offers of those
    roles, each task by primary key, stopping past the limit (a task offered to two of the
    person's pairs counts twice: this only chooses how the same answer is read)."""
    if connection.vendor != "postgresql":
        # The walks are PostgreSQL's (LATERAL, ARRAY, EXTRACT): the embedded SQLite
        # installation, a county's few hundred tasks, reads each task's clock.
        return False
    from .groups import _clocked_roles

    roles = _clocked_roles()
    grants = who.grants if who.unit is None else who.grants.restricted_to(who.unit)
    pairs = [(role, grants.unit_ids(role)) for role in grants.offered_roles() if role in roles]
    branches = _branches(who.process)
    if not pairs or not branches:
        return False
    nodes = [node for flow_tasks, _keys, _processes in branches for node in flow_tasks]
    q = connection.ops.quote_name
    held, params = _offered_under(pairs)
    # Whether the task is unclaimed at a clocked step is asked per offer, by primary key, as a
    # scalar subquery: as EXISTS, PostgreSQL hashed every unclaimed open task first (85 ms of
    # 100,000 at 100,000 decisions, to count 201 offers).
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {q(TaskOffer._meta.db_table)} o WHERE ({held}) "
        f"AND (SELECT t.owner_id IS NULL AND t.status = %s AND t.flow_task IN "
        f"({', '.join(['%s'] * len(nodes))}) FROM {q(Task._meta.db_table)} t "
        "WHERE t.id = o.task_id) LIMIT %s) AS c"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, STATUS.NEW, *nodes, FORWARD_LIMIT + 1])
        return cursor.fetchone()[0] > FORWARD_LIMIT
