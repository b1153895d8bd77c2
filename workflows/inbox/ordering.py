"""The inbox's order read for a few tasks: each task's due date and clock beside it, composed
once (issue 22).

``items._task_slice`` puts a person's open tasks in the inbox's order (earliest due first,
undated last; among tasks due the same day the clock started first; then the oldest task) by
reading each task's running clock: ``task_clocks._task_clock``'s ``CASE`` on the task's node, one
subquery per clocked step. When the person holds few tasks, that is the order's statement
(``due.walk_pays``: a large queue is read from the clocks' side instead). Composing it with
the ORM at each page cost more than running it: the archivist's inbox page at 100,000
decisions spent half of its 21 ms there. So the ordering is composed once per database and
``CASE`` (which ``task_clocks._task_clock`` builds once per registry state), with a mark where the
person's candidates go; at each page only the candidates (a filter on the task table) are
composed, put in the mark's place as ``id IN (…)``, and the statement runs prepared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Case, F, QuerySet, When
from django.db.models.expressions import RawSQL
from viewflow.workflow.models import Task

from workflows.connections import prepared_cursor

# Marks the candidates' place while the ordering is compiled (never sent to the database).
_MARK = "fazhi_inbox_candidates_go_here"
_PLACEHOLDER = re.compile(r"%%|%s")


@dataclass(frozen=True)
class _Ordering:
    """The ordering's statement around the candidates' place, and its parameters on each side.
    ``kept`` holds the expressions it was composed from: the key names them by ``id``, which
    stays theirs while they live."""

    before: str
    after: str
    params_before: tuple
    params_after: tuple
    kept: tuple[Any, ...]


_composed: dict[tuple, _Ordering | None] = {}


def _compose(due_date, clock) -> _Ordering | None:
    """The ordering of ``_task_slice`` over every task, the candidates' place marked; None
    when the mark is not found once in the statement's filter (the ORM then composes it at
    each call)."""
    marked = Task.objects.filter(RawSQL(_MARK, (), output_field=BooleanField()))
    sql, params = _ordered(marked, due_date, clock).query.sql_with_params()
    if sql.count(_MARK) != 1:
        return None
    before, after = sql.split(_MARK)
    at = sum(1 for token in _PLACEHOLDER.findall(before) if token == "%s")
    params = tuple(params)
    if at + sum(1 for token in _PLACEHOLDER.findall(after) if token == "%s") != len(params):
        return None
    return _Ordering(before, after, params[:at], params[at:], (due_date, clock))


def ordered_rows(candidates: QuerySet, due_date, clock, start: int, stop: int | None) -> list:
    """(id, due date) of tasks ``start:stop`` of ``candidates`` in the inbox's order, read
    with the ordering composed once (``due_date`` and ``clock``: ``task_clocks._task_clock``'s
    expressions of the clock's due date and id). The ORM's statement on SQLite, or when the
    ordering could not be composed."""
    key = (connection.vendor, id(due_date), id(clock))
    if key not in _composed:
        _composed[key] = _compose(due_date, clock) if connection.vendor == "postgresql" else None
    ordering = _composed[key]
    if ordering is None:
        return _orm_rows(candidates, due_date, clock, start, stop)
    try:
        ids_sql, ids_params = candidates.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # ``none()``: a filter on a process with no flow
        return []
    q = connection.ops.quote_name
    sql = f"{ordering.before}{q(Task._meta.db_table)}.{q('id')} IN ({ids_sql}){ordering.after}"
    params = [*ordering.params_before, *ids_params, *ordering.params_after]
    if stop is not None:
        sql += " LIMIT %s"
        params.append(stop - start)
    if start:
        sql += " OFFSET %s"
        params.append(start)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _orm_rows(candidates: QuerySet, due_date, clock, start: int, stop: int | None) -> list:
    """``ordered_rows`` as the ORM composes it (at each call)."""
    return list(_ordered(candidates, due_date, clock)[start:stop])


def _ordered(tasks: QuerySet, due_date, clock) -> QuerySet:
    """(id, due date) of ``tasks`` in the inbox's order: earliest due first, undated last;
    among tasks due the same day, the clock started first; then the oldest task."""
    return (
        tasks.annotate(
            i_due=due_date,
            i_clock=Case(
                When(i_due__isnull=False, then=clock),
                default=None,
                output_field=BigIntegerField(),
            ),
        )
        .order_by(F("i_due").asc(nulls_last=True), "i_clock", "created", "pk")
        .values_list("pk", "i_due")
    )
