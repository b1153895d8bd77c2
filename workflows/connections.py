"""Reads that follow a committed write, when the database connection died in between; and
the cursor of the statements PostgreSQL keeps prepared."""

from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections

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


# A statement is prepared when the connection runs it again: one run once per connection (a
# rare page's) is not kept. psycopg keeps the connection's last ``prepared_max`` (100).
PREPARE_AFTER = 1


@contextmanager
def prepared_cursor():
    """A cursor for the few long statements every staff page sends (the inbox's walks and
    items, the grants, the task API's rows): on PostgreSQL its parameters go apart from the
    statement (psycopg's server-side binding) and a statement is prepared from its second use
    on the connection (``PREPARE_AFTER``), so that PostgreSQL plans a statement the
    connection repeats once per connection rather than on every call. Planning those
    statements was about a quarter of the legal advisor's inbox page (issue 22: 5 of 22 ms
    of SQL at 100,000 decisions).

    psycopg forgets every prepared statement when a transaction rolls back (a refused
    service): the next uses prepare them again. While Django logs the connection's queries
    (DEBUG, a test counting statements) the cursor is a plain one.

    The rest of the site keeps Django's client-side binding (``DATABASE_SERVER_SIDE_BINDING``
    turns server-side binding on everywhere). ``DATABASE_PREPARED_READS=0`` turns this off,
    for a connection pooler that cannot keep prepared statements (PgBouncer in transaction
    mode before 1.21). Elsewhere, a plain cursor."""
    # The connection itself rather than Django's ``connection`` proxy: each attribute read
    # through the proxy looks the connection up again (a few microseconds), and this runs for
    # every task row, record event and lock of a transition.
    conn = connections[DEFAULT_DB_ALIAS]
    raw = _server_binding_connection(conn)
    if raw is None:
        with conn.cursor() as cursor:
            yield cursor
        return
    factory = raw.cursor_factory
    raw.cursor_factory = _server_binding_cursor()
    try:
        # Django's own cursor (health check, time zone, execute wrappers, debug log), of the
        # server-binding class. A health check that replaced the connection gives a plain one.
        cursor = conn.cursor()
    finally:
        raw.cursor_factory = factory
    with cursor:
        yield cursor


@cache
def _server_binding_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    return ServerBindingCursor


def _server_binding_connection(conn):
    """The open psycopg connection of ``conn`` when prepared reads apply to it, else None."""
    if conn.vendor != "postgresql" or not settings.FAZHI_PREPARED_READS:
        return None
    if conn.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        return None  # every cursor binds on the server already
    if conn.queries_logged:
        # Django's query log (DEBUG, a test's CaptureQueriesContext) shows each statement with
        # its values: psycopg keeps no text for a statement run prepared. A logged connection
        # binds on the client, as everywhere else.
        return None
    if conn.connection is None:
        conn.ensure_connection()
    raw = conn.connection
    if raw.prepare_threshold is None:
        # Django leaves psycopg's preparation off (for poolers). Only server-binding cursors
        # ever prepare (Django's other cursors bind on the client), so turning it on here
        # concerns this cursor's statements alone.
        raw.prepare_threshold = PREPARE_AFTER
    return raw
