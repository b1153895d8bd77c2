"""The person's open tasks by id, read a page at a time over the offers of their offices
(issue 22: a meeting secretary is offered every county-level meeting task, ~12,500 at
100,000 decisions).

``tasks_for_user`` answers "which tasks": the ids of every offer of every (role, unit) the
person holds, each then read by primary key and kept if still open. For a page of the newest
twenty-five that read every candidate first. ``OpenTaskIds`` answers "the next page": one
branch per (role, unit) pair the person holds, each walking that pair's offers newest first
on the offers' (role, unit, task) index (migration workflows 0007) and stopping at the page's
length, plus one branch for the tasks the person owns (the open-by-owner index, 0004); the
branches' few rows are merged, deduplicated and cut to the page. The cost is the page's length
times the number of pairs held, not the size of the queue.

It is a small stand-in for a queryset, enough for DRF's cursor pagination (``order_by`` on
the id, ``filter`` by ``id__lt`` / ``id__gt``, slicing); rows have ``id`` and ``pk``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..connections import prepared_cursor
from ..models import TaskOffer
from .offers import OPEN, RoleGrants, role_grants_for, tasks_for_user


@dataclass(frozen=True)
class TaskId:
    id: int

    @property
    def pk(self) -> int:
        return self.id


_BOUNDS = {"id__lt": "<", "pk__lt": "<", "id__gt": ">", "pk__gt": ">"}
_ORDERS = {"-id": True, "-pk": True, "id": False, "pk": False}


class OpenTaskIds:
    """The ids of the open tasks ``user`` owns or may take (``tasks_for_user``'s answer), in
    id order (newest first by default), read a slice at a time."""

    model = Task

    def __init__(
        self,
        user,
        grants: RoleGrants | None = None,
        *,
        descending: bool = True,
        bounds: tuple[tuple[str, int], ...] = (),
        owned: bool = True,
    ):
        self.user = user
        self.grants = role_grants_for(user=user) if grants is None else grants
        self.descending = descending
        self.bounds = bounds
        # Whether the tasks the person owns are listed (beside those offered to them).
        self.owned = owned

    def _copy(self, **changes) -> OpenTaskIds:
        values = {
            "descending": self.descending,
            "bounds": self.bounds,
            "owned": self.owned,
            **changes,
        }
        return OpenTaskIds(self.user, self.grants, **values)

    def order_by(self, *fields: str) -> OpenTaskIds:
        if len(fields) != 1 or fields[0] not in _ORDERS:
            raise ValueError(f"OpenTaskIds is ordered by its id only, not {fields!r}")
        return self._copy(descending=_ORDERS[fields[0]])

    def filter(self, **conditions) -> OpenTaskIds:
        bounds = list(self.bounds)
        for lookup, value in conditions.items():
            if lookup not in _BOUNDS:
                raise ValueError(f"OpenTaskIds filters by its id only, not {lookup!r}")
            bounds.append((_BOUNDS[lookup], int(value)))
        return self._copy(bounds=tuple(bounds))

    def _pairs(self) -> list[tuple[str, int]]:
        """The (role, unit) pairs under which tasks may be offered to the person."""
        return [
            (role, unit)
            for role in self.grants.offered_roles()
            for unit in self.grants.unit_ids(role)
        ]

    def _sql(self, limit: int, offset: int) -> tuple[str, list]:
        q = connection.ops.quote_name
        task, offer = q(Task._meta.db_table), q(TaskOffer._meta.db_table)
        direction = "DESC" if self.descending else "ASC"
        bound_sql = "".join(f" AND {{id}} {op} %s" for op, _value in self.bounds)
        bound_params = [value for _op, value in self.bounds]
        # Each branch in parentheses with its own ORDER BY and LIMIT: an index walk that stops.
        # The owner's open tasks are few (a person claims what they work on), read whole from
        # the open-by-owner index: ordered and limited here, PostgreSQL walked every task by id.
        branches, params = [], []
        if self.owned:
            branches.append(
                f"(SELECT t.id FROM {task} t WHERE t.owner_id = %s AND t.status IN (%s, %s)"
                f"{bound_sql.format(id='t.id')})"
            )
            params += [self.user.pk, *OPEN, *bound_params]
        for role, unit in self._pairs():
            # Whether the task is still open and unclaimed is asked per offer, by primary key,
            # as a scalar subquery: as a join PostgreSQL hashed every open task instead.
            branches.append(
                f"(SELECT o.task_id FROM {offer} o WHERE o.role = %s AND o.unit_id = %s"
                f"{bound_sql.format(id='o.task_id')} AND (SELECT t.owner_id IS NULL AND "
                f"t.status = %s FROM {task} t WHERE t.id = o.task_id) "
                f"ORDER BY o.task_id {direction} LIMIT %s)"
            )
            params += [role, unit, *bound_params, STATUS.NEW, limit + offset]
        if not branches:
            return "", []
        # UNION (not ALL): a task offered to two pairs the person holds is listed once.
        sql = (
            f"SELECT c.id FROM ({' UNION '.join(branches)}) AS c(id) "
            f"ORDER BY c.id {direction} LIMIT %s OFFSET %s"
        )
        return sql, [*params, limit, offset]

    def ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        if not self.user.is_authenticated or not self.user.is_active:
            return []
        if stop is None:
            raise ValueError("OpenTaskIds is read a slice at a time: give the slice's end")
        if stop <= start:
            return []
        if connection.vendor != "postgresql":
            return self._portable_ids(start, stop)
        sql, params = self._sql(stop - start, start)
        if not sql:
            return []
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def _portable_ids(self, start: int, stop: int) -> list[int]:
        """The same answer through ``tasks_for_user`` (SQLite, ``make run``: it takes no
        parenthesised members in a UNION)."""
        tasks = tasks_for_user(user=self.user, grants=self.grants)
        if not self.owned:
            tasks = tasks.exclude(owner=self.user)
        for op, value in self.bounds:
            tasks = tasks.filter(**{"pk__lt" if op == "<" else "pk__gt": value})
        tasks = tasks.order_by("-pk" if self.descending else "pk")
        return list(tasks.values_list("pk", flat=True)[start:stop])

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("OpenTaskIds slices have no step")
            return [TaskId(pk) for pk in self.ids(index.start or 0, index.stop)]
        return self[index : index + 1][0]
