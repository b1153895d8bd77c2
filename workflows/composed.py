"""Reads composed once: a queryset's statement built with stand-ins for its arguments, kept
per process, and run prepared with the real ones.

Building a statement with the ORM (the queryset, its WHERE clause, its compiler, the SQL text)
costs more than running it for the small reads every transition repeats: a clock's row under
its lock, the jurisdiction's rule override, a consultation by its id (issue 15: the engine's
cost). Here the queryset is built once per ``key``, with a stand-in where each argument goes;
later calls put the arguments in the stand-ins' places and send the statement through
``connections.prepared_cursor`` (planned once per connection). The rows become what the
queryset would give — model instances with their ``select_related`` relations and
annotations, or ``values_list`` tuples — through the machinery the ORM itself uses
(``get_related_populators``, the compiler's converters).

    deadline = composed_get(
        ("clock locked",), lambda pk: Deadline.objects.select_for_update().filter(pk=pk), pk
    )

``key`` names the statement: everything the queryset depends on besides the arguments (a
content type's id, a flag) belongs in it. The database vendor is added. A stand-in must reach
the statement's parameters unchanged (compared with ``=``, once or more): a lookup that rewrites
its value (``contains``, ``__in`` with a list) cannot carry an argument, and composing refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    QuerySet,
    ValuesListIterable,
    get_related_populators,
)
from django.db.transaction import TransactionManagementError

from .connections import prepared_cursor
from .rows import convert_row

_INT_HOLE = -7_310_540  # an integer argument's stand-in: _INT_HOLE - its position


def _hole(position: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a composed read takes integers and text, not {value!r}")
    return _INT_HOLE - position if isinstance(value, int) else f"\x00composed {position}\x00"


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple  # with the stand-ins where the arguments go
    holes: dict  # stand-in -> the argument's position
    kind: type  # the queryset's iterable class
    model: type
    converters: list
    init_list: list[str] | None  # the model's columns, for instances
    fields: tuple[int, int] | None  # where they are in the row: [start, end)
    populators: list
    annotations: dict[str, int]
    locking: bool  # SELECT … FOR UPDATE: only inside a transaction, as Django requires


_statements: dict[tuple, _Statement] = {}


def composed_rows(key: tuple, compose: Callable[..., QuerySet], *arguments) -> list:
    """What ``list(compose(*arguments))`` gives, its statement composed once per ``key`` (see
    the module)."""
    full = (*key, connection.vendor, tuple(type(a) for a in arguments))
    statement = _statements.get(full)
    if statement is None:
        statement = _statements[full] = _compose(key, compose, arguments)
    if statement.locking and connection.get_autocommit():
        # Django refuses it too: outside a transaction the lock would end with the statement.
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    params = [
        arguments[statement.holes[p]] if type(p) in (int, str) and p in statement.holes else p
        for p in statement.params
    ]
    with prepared_cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    return [_loaded(statement, list(row)) for row in rows]


def composed_first(key: tuple, compose: Callable[..., QuerySet], *arguments):
    """The first of ``composed_rows``, or None (``compose`` orders and limits as it needs)."""
    rows = composed_rows(key, compose, *arguments)
    return rows[0] if rows else None


def composed_get(key: tuple, compose: Callable[..., QuerySet], *arguments):
    """``compose(*arguments).get()``: the one row, ``DoesNotExist`` when there is none,
    ``MultipleObjectsReturned`` when there are more."""
    rows = composed_rows(key, compose, *arguments)
    if len(rows) == 1:
        return rows[0]
    model = _statements[(*key, connection.vendor, tuple(type(a) for a in arguments))].model
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}")


def _compose(key: tuple, compose: Callable[..., QuerySet], arguments: tuple) -> _Statement:
    holes = {_hole(position, value): position for position, value in enumerate(arguments)}
    rows = compose(*holes)
    kind = rows._iterable_class
    if issubclass(kind, ModelIterable) and not getattr(rows, "_coerced", False):
        # viewflow's TaskIterable is a ModelIterable that adds nothing unless the queryset
        # coerces tasks to their flow's task class, which a composed read does not do.
        kind = ModelIterable
    if kind not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
        raise TypeError(f"{key}: a composed read gives instances or values_list rows")
    if rows._prefetch_related_lookups or rows._known_related_objects:
        raise TypeError(f"{key}: a composed read is of Model.objects, without prefetches")
    if kind is not ModelIterable:
        query = rows.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if list(rows._fields or names) != names:  # Django would reorder the columns
            raise TypeError(f"{key}: a composed values_list takes its columns in query order")
    compiler = rows.query.get_compiler(using=rows.db)
    sql, params = compiler.as_sql()  # fills the compiler's select, klass_info, annotations
    missing = [hole for hole in holes if hole not in params]
    if missing:
        raise RuntimeError(f"{key}: cannot find the arguments in the statement: {sql}")
    select, klass_info = compiler.select, compiler.klass_info
    columns = [column[0] for column in select[: compiler.col_count]]
    init_list = fields = None
    populators: list = []
    if kind is ModelIterable:
        selected = klass_info["select_fields"]
        fields = (selected[0], selected[-1] + 1)
        init_list = [column[0].target.attname for column in select[fields[0] : fields[1]]]
        populators = get_related_populators(klass_info, select, rows.db)
    return _Statement(
        sql=sql,
        params=tuple(params),
        holes=holes,
        kind=kind,
        model=rows.model,
        converters=list(compiler.get_converters(columns).items()),
        init_list=init_list,
        fields=fields,
        populators=populators,
        annotations=dict(compiler.annotation_col_map) if kind is ModelIterable else {},
        locking=bool(rows.query.select_for_update),
    )


def _loaded(statement: _Statement, row: list):
    row = convert_row(row, statement.converters)
    if statement.kind is FlatValuesListIterable:
        return row[0]
    if statement.kind is ValuesListIterable:
        return tuple(row)
    start, end = statement.fields
    instance = statement.model.from_db(connection.alias, statement.init_list, row[start:end])
    for populator in statement.populators:
        populator.populate(row, instance)
    for name, position in statement.annotations.items():
        setattr(instance, name, row[position])
    return instance
