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


@contextmanager
def all_triggers_disabled(*tables: str):
    """``DISABLE TRIGGER ALL`` (a superuser's power: the foreign-key triggers too) on ``tables``
    for the block, always re-enabled after it."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")


def rewrite_actor_and_recompute(seq: int, actor_label: str) -> None:
    """What a database administrator who read canonical.py can do: change one event's actor,
    then recompute its hashes and every later event's, and point the chain head at the end."""
    from workflows.record.canonical import canonical_bytes, sha256_hex, sm3_hex
    from workflows.record.models import Event

    events = list(Event.objects.filter(seq__gte=seq).select_related("content_type"))
    previous = Event.objects.filter(seq=seq - 1).values_list("hash", flat=True).first()
    with all_triggers_disabled("record_event"), connection.cursor() as cursor:
        for event in events:
            label = actor_label if event.seq == seq else event.actor_label
            prev_hash = previous or event.prev_hash
            data = canonical_bytes(
                seq=event.seq,
                at=event.at,
                actor_kind=event.actor_kind,
                actor_user_id=event.actor_user_id,
                actor_label=label,
                action=event.action,
                content_type=event.content_type_label,
                object_id=event.object_id,
                payload=event.payload,
                prev_hash=prev_hash,
            )
            previous = sha256_hex(data)
            cursor.execute(
                "UPDATE record_event SET actor_label = %s, prev_hash = %s, hash = %s, "
                "hash_sm3 = %s WHERE seq = %s",
                [label, prev_hash, previous, sm3_hex(data), event.seq],
            )
        cursor.execute("UPDATE record_chainhead SET last_hash = %s", [previous])
