"""Events an action records, appended together when the action ends.

An action completed through ``workflows.tasking`` runs its services in one transaction, under
the process lock, and those services record two or three events between them (the review
submitted, the clock opened, the stage reached). Appended one by one, each costs a statement;
kept until the action's services and viewflow's step are done, they are appended in one
statement, in the order they were recorded, before the transaction commits: the same events,
numbers, hashes and rules (``services.record_append_several``), written with the change they
record or not at all (《重大行政决策程序暂行条例》第三十三条: every stage recorded, in the
transaction of the change).

What is kept:

* only inside ``record_deferred()`` (``task_run`` and ``task_complete``), on PostgreSQL; every
  other append is written at once, as before;
* only while the savepoint it was recorded in stands: an event recorded inside a savepoint that
  is rolled back is dropped with it, as its row would have been. Each kept batch registers a
  do-nothing ``on_commit`` callback, which Django drops with the savepoint or transaction it was
  registered in (``chain._held_head`` relies on the same thing).

Whoever reads the record inside the action finds what was recorded so far: ``Event.objects``
appends the kept events before it builds a query (``pending_append``), and so do the writers
that append otherwise (``record_append_many``, ``record_checkpoint``).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

_PENDING = "_fazhi_record_pending"


def _connection():
    return connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy


@contextmanager
def record_deferred():
    """Keep the events recorded inside the block, and append them together at its end (see the
    module). Nested blocks join the outermost; an error leaving the block drops what was kept,
    as the transaction it belongs to rolls back."""
    connection = _connection()
    if connection.vendor != "postgresql" or getattr(connection, _PENDING, None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("record_deferred() belongs inside the transaction that commits it")
    setattr(connection, _PENDING, [])
    try:
        yield
        pending_append()
    finally:
        setattr(connection, _PENDING, None)


def deferring() -> bool:
    """True inside ``record_deferred()``: appends are kept until the block ends."""
    return getattr(_connection(), _PENDING, None) is not None


def pending_keep(entries: list) -> None:
    """Keep ``entries`` (``services._Entry``) to append when the block ends, unless the
    savepoint they were recorded in is rolled back first."""

    def recorded_here() -> None:
        """Its presence among the pending callbacks is what counts (see the module)."""

    transaction.on_commit(recorded_here)
    getattr(_connection(), _PENDING).append((recorded_here, entries))


def pending_append() -> None:
    """Append the events kept so far, in the order they were recorded (nothing to do outside
    ``record_deferred()`` or with nothing kept)."""
    connection = _connection()
    pending = getattr(connection, _PENDING, None)
    if not pending:
        return
    setattr(connection, _PENDING, [])
    standing = {id(entry[1]) for entry in connection.run_on_commit}
    entries = [entry for marker, batch in pending if id(marker) in standing for entry in batch]
    if entries:
        from .services import _append_entries

        _append_entries(entries)
