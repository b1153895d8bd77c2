"""A model row's INSERT and UPDATE composed once and planned once, for the rows every
transition writes.

``Model.save`` has Django build its statement anew at every call: a query object, its WHERE
clause, its compiler, the SQL text, then PostgreSQL plans it. For the few rows that every
transition writes (viewflow's task rows: the finished task, the gate, the next task; the
decision's row as it changes stage) that building cost more than running the statement
(issue 15). Here the statement of each shape (the model and the columns it writes) is composed
once per process and sent through ``connections.prepared_cursor``, so PostgreSQL plans it once
per connection. Only the two methods Django calls to send the row are replaced
(``Model._do_update`` and ``Model._do_insert``): ``save()`` itself — its signals, ``auto_now``
and ``auto_now_add``, ``update_fields``, its transaction — is Django's. The values are the ones
Django's compilers would send (``Field.pre_save`` on insert, ``Field.get_db_prep_save`` on
both), so the row written is the same row.

A value the composed statement cannot carry as a plain parameter (an expression such as ``F()``,
a model instance, a field with its own placeholder), a model with ``select_on_save``, a raw
save, another database than the default and every database but PostgreSQL (SQLite: the
embedded default) take Django's own path. Each statement names the table Django's would (a
parent's table for the parent's part of a multi-table row).

    class Decision(ComposedRowWrites, models.Model): ...

or, for a model of another app (viewflow's ``Task``), ``install(Task, when=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from .connections import prepared_cursor

_updates: dict[tuple, str] = {}
_inserts: dict[tuple, str] = {}


def _plain(field, value) -> bool:
    """Whether ``value`` goes into the statement as one ``%s`` parameter, as Django's compilers
    would send it for ``field``."""
    return not (
        hasattr(value, "resolve_expression")
        or hasattr(value, "prepare_database_save")
        or hasattr(field, "get_placeholder")
    )


def update_sql(model, fields: tuple, vendor: str) -> str:
    """``UPDATE t SET c1 = %s, … WHERE pk = %s`` for ``fields`` of ``model``."""
    key = (model, fields, vendor)
    sql = _updates.get(key)
    if sql is None:
        ops = connections[model._default_manager.db].ops
        q = ops.quote_name
        meta = model._meta
        assignments = ", ".join(f"{q(field.column)} = %s" for field in fields)
        sql = _updates[key] = (
            f"UPDATE {q(meta.db_table)} SET {assignments} WHERE {q(meta.pk.column)} = %s"
        )
    return sql


def insert_sql(model, fields: tuple, returning: tuple, vendor: str, links: tuple = ()) -> str:
    """``INSERT INTO t (c1, …) VALUES (%s, …) RETURNING r1, …`` for ``fields`` of ``model``;
    with ``links`` (``(model, field naming the new row, other fields, how many rows)``, see
    ``rows_on_insert``), those rows inserted by the same statement, each with its other
    fields' values as more ``%s``."""
    key = (model, fields, returning, vendor, links)
    sql = _inserts.get(key)
    if sql is None:
        ops = connections[model._default_manager.db].ops
        q = ops.quote_name
        table = q(model._meta.db_table)
        columns = ", ".join(q(field.column) for field in fields)
        values = ", ".join("%s" for _ in fields)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({values})"
        if returning:
            sql += " RETURNING " + ", ".join(q(field.column) for field in returning)
        if links:
            sql = f"WITH new AS ({sql}), {_links_sql(model, links)} SELECT "
            sql += ", ".join(q(field.column) for field in returning) + " FROM new"
        _inserts[key] = sql
    return sql


def _links_sql(model, links: tuple) -> str:
    """The CTEs inserting ``links``' rows, each naming the new row by its key: one per
    ``(model, own field, other fields, count)``, its rows inserted (and so numbered) in the
    order they were asked for."""
    connection = connections[model._default_manager.db]
    q = connection.ops.quote_name
    pk = q(model._meta.pk.column)
    written = []
    for n, (other_model, own, others, count) in enumerate(links):
        meta = other_model._meta
        columns = ", ".join(q(meta.get_field(name).column) for name in (own, *others))
        casts = ", ".join(
            f"CAST(%s AS {meta.get_field(name).db_type(connection)})" for name in others
        )
        rows = ", ".join(f"({casts}, {position})" for position in range(count))
        names = ", ".join(f"v{k}" for k in range(len(others)))
        written.append(
            f"l{n} AS (INSERT INTO {q(meta.db_table)} ({columns}) "
            f"SELECT new.{pk}, {names} FROM new, (VALUES {rows}) AS v({names}, n) "
            "ORDER BY v.n ON CONFLICT DO NOTHING)"
        )
    return ", ".join(written)


def _grouped(links: list) -> tuple[tuple, list]:
    """``rows_on_insert``'s requests as ``_links_sql`` takes them (consecutive rows of one kind
    together, with their count) and their values in order."""
    kinds: list = []
    values: list = []
    for link, row in links:
        if kinds and kinds[-1][:3] == link:
            kinds[-1] = (*link, kinds[-1][3] + 1)
        else:
            kinds.append((*link, 1))
        values.extend(row)
    return tuple(kinds), values


def rows_on_insert(instance, model, own: str, values: dict[str, Any]) -> None:
    """Have ``instance``'s INSERT (its next ``save()``, composed here) insert a row of
    ``model`` too, in the same statement: its field ``own`` naming the new row, its other
    fields ``values`` (plain values: a related row by its key). A row already there (a unique
    constraint) is skipped, as ``ON CONFLICT DO NOTHING`` does. After the save,
    ``linked_on_insert`` says whether they were written (not on Django's own path): if not,
    write them the ordinary way."""
    link = (model, own, tuple(values))
    instance.__dict__.setdefault("_rowwrites_links", []).append((link, tuple(values.values())))


def link_on_insert(instance, relation: str, other) -> bool:
    """Have ``instance``'s INSERT (its next ``save()``, composed here) write the row linking it
    to ``other`` through its many-to-many field ``relation``, in the same statement: what
    ``getattr(instance, relation).add(other)`` does after the save, one statement fewer.

    Returns False, asking nothing, where that cannot be (the add's ``m2m_changed`` has
    listeners, which only ``add`` sends); after the save, ``linked_on_insert`` says whether
    the link was written (not on Django's own path): if not, ``add`` it."""
    from django.db.models.signals import m2m_changed

    field = type(instance)._meta.get_field(relation)
    through = field.remote_field.through
    if m2m_changed.has_listeners(through):
        return False
    rows_on_insert(
        instance, through, field.m2m_field_name(), {field.m2m_reverse_field_name(): other.pk}
    )
    return True


def linked_on_insert(instance) -> bool:
    """Whether the last save wrote the rows ``rows_on_insert`` and ``link_on_insert`` asked
    for, all of them or none (and forget them)."""
    instance.__dict__.pop("_rowwrites_links", None)
    return instance.__dict__.pop("_rowwrites_linked", False)


def composed_do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
    """``Model._do_update`` with the statement composed once (see the module)."""
    connection = connections[using]
    if (
        using != DEFAULT_DB_ALIAS  # prepared_cursor is the default database's
        or connection.vendor != "postgresql"
        or not values
        or self._meta.select_on_save
        or any(model is not None or not _plain(field, value) for field, model, value in values)
        or not _composed_here(self)
    ):
        return type(self)._django_do_update(
            self, base_qs, using, pk_val, values, update_fields, forced_update
        )
    # The table's model (a parent's, for a parent table of a multi-table model), as Django's
    # own statement takes it from ``base_qs``.
    table_model = base_qs.model
    fields = tuple(field for field, _model, _value in values)
    params = [field.get_db_prep_save(value, connection=connection) for field, _m, value in values]
    params.append(table_model._meta.pk.get_db_prep_value(pk_val, connection))
    with prepared_cursor() as cursor:
        cursor.execute(update_sql(table_model, fields, connection.vendor), params)
        return cursor.rowcount > 0


def composed_do_insert(self, manager, using, fields, returning_fields, raw):
    """``Model._do_insert`` with the statement composed once (see the module)."""
    connection = connections[using]
    if (
        raw
        or using != DEFAULT_DB_ALIAS  # prepared_cursor is the default database's
        or connection.vendor != "postgresql"
        or not _composed_here(self)
    ):
        return type(self)._django_do_insert(self, manager, using, fields, returning_fields, raw)
    # What the insert compiler does with each field (``pre_save_val``): the value after the
    # field's ``pre_save`` (``auto_now_add`` fills it on the instance too).
    values = [field.pre_save(self, True) for field in fields]
    if not all(_plain(field, value) for field, value in zip(fields, values, strict=True)):
        return type(self)._django_do_insert(self, manager, using, fields, returning_fields, raw)
    returning = tuple(returning_fields or ())
    if any(field.get_db_converters(connection) for field in returning):
        return type(self)._django_do_insert(self, manager, using, fields, returning_fields, raw)
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(fields, values, strict=True)
    ]
    links = self.__dict__.pop("_rowwrites_links", None) or ()
    if links and manager.model._meta.pk not in returning:
        # The links name the new row by its key: only an insert that returns it writes them.
        self.__dict__["_rowwrites_links"] = links
        links = ()
    kinds, link_values = _grouped(links)
    sql = insert_sql(manager.model, tuple(fields), returning, connection.vendor, kinds)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, *link_values])
        if links:
            self.__dict__["_rowwrites_linked"] = True
        if returning:
            return [cursor.fetchone()]
    return []


def _composed_here(instance) -> bool:
    when = getattr(type(instance), "_composed_when", None)
    return when is None or when(instance)


class ComposedRowWrites:
    """A model mixin: its rows are inserted and updated by statements composed once."""

    _do_update = composed_do_update
    _do_insert = composed_do_insert

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Django's own methods, for what the composed statements do not carry.
        from django.db.models import Model

        cls._django_do_update = Model._do_update
        cls._django_do_insert = Model._do_insert


def install(model, *, when: Callable[[Any], bool] | None = None) -> None:
    """Have ``model`` (of another app) write its rows as ``ComposedRowWrites`` does, for the
    instances ``when(instance)`` answers True for (every instance when None). Once."""
    if model.__dict__.get("_do_update") is composed_do_update:
        return
    model._django_do_update = model._do_update
    model._django_do_insert = model._do_insert
    model._composed_when = staticmethod(when) if when is not None else None
    model._do_update = composed_do_update
    model._do_insert = composed_do_insert
