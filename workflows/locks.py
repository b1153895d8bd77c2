"""The process lock of our viewflow flows (viewflow's ``select_for_update_lock``, with its
statement written once), and the rows a transaction has locked already (``row_held``).

Every task action, timer and engine step takes the process lock first. viewflow's lock builds
``process_class.objects.filter(pk=…).select_for_update(nowait=True).exists()`` through the ORM
each time, which costs more than running it; this one sends the same statement
(``SELECT 1 … WHERE pk = %s LIMIT 1 FOR UPDATE NOWAIT``), prepared once per process class,
and keeps everything else of viewflow's lock: the row it locks, the attempts with their
back-off, ``FlowLockFailed`` when they run out, the transaction the caller's work runs in.

    class DecisionFlow(flow.Flow):
        lock_impl = process_row_lock
"""

from __future__ import annotations

import random
import time
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.lock import SelectForUpdateLock

from .connections import prepared_cursor

_PK = -7_310_528  # stands for the process's id while the statement is compiled


@cache
def _lock_sql(
    process_class: type, nowait: bool, vendor: str, with_rows: tuple[str, ...] = ()
) -> tuple[str, tuple]:
    """What ``filter(pk=…).select_for_update(nowait=…).exists()`` sends, compiled once: the
    SQL and its parameters, ``_PK`` where the process's id goes. With ``with_rows`` (on
    PostgreSQL), the same statement also locks the rows the process's foreign keys of those
    names point to, waiting for them as ``select_for_update()`` would."""
    if with_rows and vendor == "postgresql":
        return _lock_with_rows_sql(process_class, nowait, with_rows), (_PK,)
    queryset = process_class._default_manager.filter(pk=_PK).select_for_update(nowait=nowait)
    sql, params = queryset.query.exists().get_compiler(connection=connection).as_sql()
    if list(params).count(_PK) != 1:
        raise RuntimeError(f"cannot find the process's id in the lock of {process_class}")
    return sql, tuple(params)


def _lock_with_rows_sql(process_class: type, nowait: bool, with_rows: tuple[str, ...]) -> str:
    # Each related row is locked by a scalar sub-select in the select list: PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join, and a process may not point at its
    # row yet. The sub-selects run as the process's row is read, before it is locked: every
    # holder of the process lock thus takes the related row first, as the services that lock
    # only the related row do, so the two never wait on each other in opposite orders.
    q = connection.ops.quote_name
    meta = process_class._meta
    related = []
    for name in with_rows:
        field = meta.get_field(name)
        target = field.related_model._meta
        related.append(
            f"(SELECT 1 FROM {q(target.db_table)} r "
            f"WHERE r.{q(field.target_field.column)} = p.{q(field.column)} FOR UPDATE)"
        )
    return (
        f"SELECT 1, {', '.join(related)} FROM {q(meta.db_table)} p "
        f"WHERE p.{q(meta.pk.column)} = %s FOR UPDATE{' NOWAIT' if nowait else ''}"
    )


class ProcessRowLock(SelectForUpdateLock):
    """``viewflow.workflow.lock.SelectForUpdateLock``, its statement prepared once.

    ``with_rows`` names foreign keys of the process (``("decision",)``) whose rows the lock
    takes too, in the same statement: the row every service of the process locks first
    (``decisions.services._common.lock``). ``workflows.tasking`` then reads it with the task
    and hands it to the services as held (``row_held``) instead of their locking it again.
    """

    def __init__(self, nowait: bool = True, attempts: int = 5, *, with_rows=()):
        super().__init__(nowait=nowait, attempts=attempts)
        self.with_rows = tuple(with_rows)

    def rows_locked(self) -> tuple[str, ...]:
        """The foreign keys whose rows this lock takes on this connection's database."""
        return self.with_rows if connection.vendor == "postgresql" else ()

    @contextmanager
    def __call__(self, flow_class, process_pk):
        for i in range(self.attempts):
            with transaction.atomic():
                # Compiled inside the transaction: Django refuses FOR UPDATE outside one.
                sql, params = _lock_sql(
                    flow_class.process_class, self.nowait, connection.vendor, self.with_rows
                )
                try:
                    with prepared_cursor() as cursor:  # planned once per connection
                        cursor.execute(sql, [process_pk if p == _PK else p for p in params])
                        cursor.fetchone()
                except DatabaseError:
                    if i != self.attempts - 1:
                        time.sleep((((i + 1) * random.random()) + 2**i) / 2.5)
                    else:
                        raise FlowLockFailed(f"Lock failed for {flow_class}") from None
                else:
                    yield
                    break


process_row_lock = ProcessRowLock()


# --- rows this transaction holds ----------------------------------------------------------------
#
# A service locks the row it changes (``select_for_update``) and reads it afresh. Inside one
# task action several services lock the same row one after the other (a meeting's statements,
# then its decision), each reading again what the transaction already holds and nobody else can
# change. ``row_held`` gives back the instance the first lock read, as long as that is safe:
#
# * the lock still stands: like the record's chain head (``workflows.record.chain``), each
#   held row registers a do-nothing ``on_commit`` callback, which Django drops with the
#   savepoint or transaction it was registered in and at the transaction's end;
# * no savepoint was opened since: a change made to the instance inside a savepoint that was
#   later rolled back would outlive the rollback, so after any savepoint the row is read again
#   (``connection.savepoint_state`` counts the savepoints of the transaction);
# * the transaction is not marked for rollback (the next query would fail, as it should).
#
# Only changes made through the instance itself (``save()``) keep it current: a model whose row
# is also changed by ``QuerySet.update()`` in the same transaction must not use this.

_HELD_ROWS = "_fazhi_held_rows"


def row_held(model: type, pk):
    """The instance of ``model`` with ``pk`` this transaction locked with ``row_hold`` and
    still holds unchanged by anyone else, or None (then lock and read it, and ``row_hold`` it)."""
    # The connection itself, not Django's proxy (which looks it up again at each attribute
    # read): services ask this many times per action.
    connection = connections[DEFAULT_DB_ALIAS]
    held = getattr(connection, _HELD_ROWS, None)
    if not held or not connection.in_atomic_block or connection.needs_rollback:
        return None
    entry = held.get((model, pk))
    if entry is None:
        return None
    marker, savepoints, instance = entry
    if savepoints == connection.savepoint_state and any(
        callback is marker for _sids, callback, _robust in reversed(connection.run_on_commit)
    ):
        return instance
    del held[(model, pk)]
    return None


def row_hold(instance) -> None:
    """Remember that this transaction has just locked ``instance``'s row and read it."""
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy (row_held)
    if not connection.in_atomic_block:
        return
    held = getattr(connection, _HELD_ROWS, None)
    if held is None or not connection.run_on_commit:
        held = {}  # what an ended transaction remembered is void
        setattr(connection, _HELD_ROWS, held)

    def held_until_the_transaction_ends() -> None:
        """Nothing to do: its presence among the pending callbacks is what counts."""

    transaction.on_commit(held_until_the_transaction_ends)
    held[(type(instance), instance.pk)] = (
        held_until_the_transaction_ends,
        connection.savepoint_state,
        instance,
    )
