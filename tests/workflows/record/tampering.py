"""Raw-SQL tampering with the record, as somebody with table-owner rights could do it."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def trigger_disabled():
    """Switch the append-only trigger off for the block, and always back on after it."""
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while the test's own inserts still owe their deferred FK checks.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE record_event DISABLE TRIGGER record_event_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE record_event ENABLE TRIGGER record_event_append_only")


def tamper(*statements: str) -> None:
    with trigger_disabled(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def swap_seqs(a: int, b: int) -> None:
    """Exchange the sequence numbers of two events (the primary key, so via a free number)."""
    tamper(
        f"UPDATE record_event SET seq = 999999999 WHERE seq = {a}",
        f"UPDATE record_event SET seq = {a} WHERE seq = {b}",
        f"UPDATE record_event SET seq = {b} WHERE seq = 999999999",
    )


def swap_payloads(a: int, b: int) -> None:
    tamper(
        "UPDATE record_event AS e SET payload = o.payload FROM record_event AS o "
        f"WHERE (e.seq, o.seq) IN (({a}, {b}), ({b}, {a}))"
    )
