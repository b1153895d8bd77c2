"""Service transactions that cost no savepoint where nobody would roll back to one.

Every service does its writes inside a transaction, so that a refusal leaves nothing half-done.
With ``transaction.atomic`` a service called inside another transaction gets a savepoint of its
own: two more statements (SAVEPOINT, RELEASE) per call. Most of those savepoints serve nobody:
a service nested in another service, or run by ``task_complete`` under the process lock
(``workflows.tasking``), fails together with its caller, whose own transaction or savepoint
rolls everything back.

``service_atomic`` is ``transaction.atomic`` for services, with that taken into account:

* called where nothing is all-or-nothing (a page, a test, a Celery task calling the service
  directly, inside a transaction or not), it is exactly ``transaction.atomic``: a transaction,
  or a savepoint when nested, so a caller may catch the refusal and carry on;
* inside a block declared ``all_or_nothing()`` — the body of another ``service_atomic`` service,
  or ``task_complete`` — it joins the surrounding transaction without a savepoint.

Why the block must be declared: a refusal raised inside ``atomic(savepoint=False)`` marks the
whole surrounding transaction for rollback (Django: "You can't execute queries until the end of
the 'atomic' block"). ``all_or_nothing()`` is the promise that whoever catches an error raised
in the block either lets it through to the transaction or savepoint the block sits in, or
catches it outside its own ``transaction.atomic()`` (a savepoint that, rolled back, clears the
mark). Code that catches a refusal in such a block and keeps querying breaks the promise, and
gets Django's ``TransactionManagementError`` rather than a half-done change.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, transaction

P = ParamSpec("P")
R = TypeVar("R")

_FLAG = "_fazhi_all_or_nothing"


@contextmanager
def all_or_nothing(using: str = DEFAULT_DB_ALIAS):
    """Declare the enclosing transaction (or savepoint) all-or-nothing for what runs inside:
    ``service_atomic`` services called here join it without a savepoint (see the module)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        raise RuntimeError("all_or_nothing() belongs inside the transaction it rolls back")
    previous = getattr(connection, _FLAG, False)
    setattr(connection, _FLAG, True)
    try:
        yield
    finally:
        setattr(connection, _FLAG, previous)


def is_all_or_nothing(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and getattr(connection, _FLAG, False)


def service_atomic(func: Callable[P, R]) -> Callable[P, R]:
    """Run the service ``func`` in a transaction: its own (or a savepoint) when called alone,
    the caller's without a savepoint inside an ``all_or_nothing()`` block. Its body is such a
    block, so the services it calls cost no savepoint either."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if is_all_or_nothing():
            # Still an atomic block: a refusal marks the transaction for rollback, so a
            # caller breaking the promise fails loudly instead of committing half a service.
            with transaction.atomic(savepoint=False):
                return func(*args, **kwargs)
        with transaction.atomic(), all_or_nothing():
            return func(*args, **kwargs)

    return run
