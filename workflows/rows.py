"""Model instances from a plain statement's rows, for the few reads on every staff page whose
composition with the ORM cost more than running them (issue 22: a page of tasks with their
process, owner and offers; a decision's stepper). The statement is written once per process
from the models' own metadata (``Columns.sql``); each row's values go through the fields' own
conversions from the database (a task's node, its JSON data), as the ORM's would.

    tasks, owners = columns(Task, "t"), columns(User, "u")
    sql = f"SELECT {tasks.sql}, {owners.sql} FROM … t LEFT JOIN … u ON …"
    task = tasks.load(row[: len(tasks)])
    related(task, "owner", owners.load(row[len(tasks) :]) if task.owner_id else None)
"""

import json
from functools import cache

from django.db import connection

from .models import TaskOffer, Unit


class Columns:
    """A model's concrete columns as a statement selects them under ``alias``, and its
    instances from their values."""

    def __init__(self, model, alias: str):
        q = connection.ops.quote_name
        self.model = model
        self.fields = model._meta.concrete_fields
        self.sql = ", ".join(f"{alias}.{q(f.column)}" for f in self.fields)
        self.converters = [
            (i, f, converters)
            for i, f in enumerate(self.fields)
            if (converters := f.get_db_converters(connection))
        ]

    def __len__(self) -> int:
        return len(self.fields)

    def load(self, values):
        """The instance of ``values`` (one per column, in ``sql``'s order), as read from the
        database: not adding, nothing deferred."""
        values = list(values)
        for i, f, converters in self.converters:
            for convert in converters:
                values[i] = convert(values[i], f, connection)
        return self.model.from_db(connection.alias, None, values)


def convert_row(row: list, converters) -> list:
    """``row`` (a list, changed in place and returned) with each value converted as the ORM
    converts it: ``converters`` are a compiler's ``get_converters(...).items()``, (position,
    (functions, expression)) pairs, kept with a statement composed once."""
    for position, (functions, expression) in converters:
        for convert in functions:
            row[position] = convert(row[position], expression, connection)
    return row


@cache
def columns(model, alias: str) -> Columns:
    return Columns(model, alias)


def related(instance, name: str, value) -> None:
    """Set ``instance``'s forward relation ``name`` as ``select_related`` would (None when
    there is none): reading it then sends no statement."""
    instance._meta.get_field(name).set_cached_value(instance, value)


# --- a task's offers ------------------------------------------------------------------------


@cache
def offers_sql(task_alias: str) -> str:
    """A column of the offers of the task under ``task_alias``, each with its unit, in the
    order they were made (the first is the step's own, as ``workflows.inbox.with_offers``
    reads them): a JSON array of their columns (numbers and text, which JSON keeps), or
    NULL."""
    q = connection.ops.quote_name
    offer, unit = columns(TaskOffer, "o"), columns(Unit, "ou")
    return (
        f"(SELECT json_agg(json_build_array({offer.sql}, {unit.sql}) ORDER BY o.id)::text "
        f"FROM {q(TaskOffer._meta.db_table)} o JOIN {q(Unit._meta.db_table)} ou "
        f"ON ou.id = o.{q('unit_id')} WHERE o.{q('task_id')} = {task_alias}.id)"
    )


def offers_load(value: str | None) -> list[TaskOffer]:
    """The offers of an ``offers_sql`` column, each with its unit."""
    offer, unit = columns(TaskOffer, "o"), columns(Unit, "ou")
    offers = []
    for values in json.loads(value) if value else ():
        one = offer.load(values[: len(offer)])
        related(one, "unit", unit.load(values[len(offer) :]))
        offers.append(one)
    return offers
