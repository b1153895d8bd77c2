"""Reads that follow a committed write, when the database connection died in between."""

from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

T = TypeVar("T")


def read_after_commit(read: Callable[[], T]) -> T:
    """Run ``read``; if the connection was lost (after the write it reports on committed), close
    it and run ``read`` once more on a new connection.

    Without this, a person whose step was done is shown a 500 and, pressing again, a refusal
    ("task already done") or a second copy of what they created (``make drill``, scenario
    pg_http). Only outside a transaction: inside one, a lost connection lost the writes too.
    """
    try:
        return read()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        return read()
