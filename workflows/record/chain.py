"""The record's chain head and the statements that append to it: how an append locks the head
and claims its numbers, inserts its event and moves the head, and how a transaction that holds
the head already appends in one statement. ``workflows.record.services`` is its only caller.
"""

import json
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.sql.subqueries import InsertQuery

from ..connections import prepared_cursor
from .canonical import GENESIS_HASH
from .models import ChainHead, Event

# --- the head this transaction holds ------------------------------------------------------------
#
# The functions an append runs read the connection itself (``connections[DEFAULT_DB_ALIAS]``)
# rather than Django's ``connection`` proxy, which looks the connection up again at each
# attribute read: a few microseconds each, dozens of times per event.
#
# The first append of a transaction claims its number by moving the head (which locks the row
# until the transaction ends) and learns the head's hash. A later append in the same
# transaction need not ask again: nobody else can move the head meanwhile, so it inserts its
# event and moves the head in one statement instead of two. What it remembers is only valid
# while the statement that moved the head stands: a rolled-back savepoint undoes the move and
# releases the lock taken inside it, and the transaction's end releases everything. Django
# tracks exactly that for ``on_commit`` callbacks (dropped with the savepoint or transaction
# they were registered in, run and dropped at commit), so each remembered head registers a
# do-nothing callback and counts only while that callback is still pending.

_HELD = "_fazhi_record_head"


def _held_head() -> tuple[int, str] | None:
    """(last seq, last hash) of the head this transaction has locked and moved, or None."""
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    held = getattr(connection, _HELD, None)
    if held is None:
        return None
    marker, _sids, seq, last_hash = held
    # Usually the last pending callback, or close to it: look from the end.
    if any(entry[1] is marker for entry in reversed(connection.run_on_commit)):
        return seq, last_hash
    setattr(connection, _HELD, None)
    return None


def _hold_head(seq: int, last_hash: str) -> None:
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    sids = frozenset(connection.savepoint_ids)
    held = getattr(connection, _HELD, None)
    if held is not None and held[1] == sids and _held_head() is not None:
        # Moved again within the same savepoint: the pending callback still stands for it.
        setattr(connection, _HELD, (held[0], sids, seq, last_hash))
        return

    def held_until_the_transaction_ends() -> None:
        """Its presence among the pending callbacks is what counts; run, it remembers where
        the committed transaction left the head (``_committed_head_guess``)."""
        held = getattr(connection, _HELD, None)
        if held is not None and held[0] is held_until_the_transaction_ends:
            setattr(connection, _COMMITTED, (held[2], held[3]))

    transaction.on_commit(held_until_the_transaction_ends)
    setattr(connection, _HELD, (held_until_the_transaction_ends, sids, seq, last_hash))


# --- where this connection's last commit left the head ----------------------------------------
#
# A transaction's first append must learn where the head stands: one statement to move it and
# read its hash, a second to insert. Where this connection's last committing transaction left
# it is a guess that is right whenever nobody appended since (one clerk, or a quiet moment):
# the held-head statement (``_event_insert_after_held_head``) takes the lock and moves the head
# only if it is still there, and inserts nothing otherwise, so a wrong guess costs one
# statement and never a fork. A connection whose guesses keep missing (a busy chain) tries
# only now and then.

_COMMITTED = "_fazhi_record_head_committed"
_MISSES = "_fazhi_record_head_guess_misses"
_TRY_AFTER_MISSES = 2  # guess every time until this many misses in a row,
_TRY_EVERY = 16  # then once in this many transactions


def _committed_head_guess() -> tuple[int, str] | None:
    """(last seq, last hash) where this connection's last commit left the head, to try once
    in this transaction, or None (not worth trying, or nothing known)."""
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    guess = getattr(connection, _COMMITTED, None)
    if guess is None:
        return None
    setattr(connection, _COMMITTED, None)  # one try per commit
    misses = getattr(connection, _MISSES, 0)
    if misses >= _TRY_AFTER_MISSES and misses % _TRY_EVERY:
        setattr(connection, _MISSES, misses + 1)
        return None
    return guess


def _committed_head_guessed(*, hit: bool) -> None:
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    setattr(connection, _MISSES, 0 if hit else getattr(connection, _MISSES, 0) + 1)


def _forget_committed_head(*, using: str = DEFAULT_DB_ALIAS, **_signal) -> None:
    """Forget the guess and the misses: the database was migrated or emptied under the
    connection (``post_migrate``, which ``flush`` sends too)."""
    setattr(connections[using], _COMMITTED, None)
    setattr(connections[using], _MISSES, 0)


def _head_table() -> str:
    return connection.ops.quote_name(ChainHead._meta.db_table)


def _chain_head_advance(count: int = 1) -> tuple[int, str]:
    """Lock the chain head and claim the next ``count`` sequence numbers; return the last of
    them and the hash of the event before the first.

    The UPDATE takes the same row lock SELECT … FOR UPDATE would, and waits for any other
    transaction holding it; under READ COMMITTED it then re-reads the committed row, so two
    appends can never claim the same number or link to the same predecessor (no forks). On
    SQLite, writing first takes the database write lock before anything is read.
    """
    sql = (
        f"UPDATE {_head_table()} SET last_seq = last_seq + %s WHERE id = %s "
        "RETURNING last_seq, last_hash"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [count, ChainHead.SINGLETON_ID])
        row = cursor.fetchone()
        if row is None:
            _chain_head_create()
            cursor.execute(sql, [count, ChainHead.SINGLETON_ID])
            row = cursor.fetchone()
    return int(row[0]), row[1]


def _chain_head_create() -> None:
    """Create the head row, continuing from the last event if there is one.

    It is created lazily rather than by a migration because test databases are emptied with
    TRUNCATE between transactional tests; concurrent creators are resolved by the primary key.
    """
    last = Event.objects.order_by("-seq").values_list("seq", "hash").first()
    last_seq, last_hash = last if last else (0, GENESIS_HASH)
    ChainHead.objects.bulk_create(
        [ChainHead(id=ChainHead.SINGLETON_ID, last_seq=last_seq, last_hash=last_hash)],
        ignore_conflicts=True,
    )


def _event_insert_and_head_set(events: list[Event]) -> None:
    """Insert ``events`` (numbered on from the head, each linked to the one before) and point
    the (locked) chain head at the last one's hash.

    On PostgreSQL all in one statement: the INSERT as a data-modifying CTE whose RETURNING
    feeds the head's UPDATE. The UPDATE only matches while the head still carries the last
    event's number, which holds while our lock does; if it ever matched nothing the
    statement's INSERT is in the transaction all the same, so we raise and, appending without
    a savepoint, the whole transaction (events included) can only roll back: no fork, no gap.
    """
    if connection.vendor != "postgresql":  # no data-modifying CTEs (SQLite): one per event
        for event in events:
            event._appending = True
            event.save()
        _chain_head_set(seq=events[-1].seq, last_hash=events[-1].hash)
        return
    insert_sql = _insert_sql(connection.vendor, len(events))
    seq_column = connection.ops.quote_name(Event._meta.get_field("seq").column)
    hash_column = connection.ops.quote_name(Event._meta.get_field("hash").column)
    sql = (
        f"WITH appended AS ({insert_sql} RETURNING {seq_column}, {hash_column}) "
        f"UPDATE {_head_table()} AS head SET last_hash = appended.{hash_column} "
        f"FROM appended WHERE head.id = %s AND head.last_seq = appended.{seq_column}"
    )
    params = [value for event in events for value in _insert_params(event)]
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*params, ChainHead.SINGLETON_ID])
        if cursor.rowcount != 1:  # cannot happen while we hold the lock; refuse to fork if it does
            raise RuntimeError("the record's chain head moved while it was locked")
    for event in events:  # what Model.save() would have left behind: saved, unchangeable rows
        event._state.adding = False
        event._state.db = connection.alias


def _event_insert_after_held_head(events: list[Event]) -> bool:
    """Insert ``events`` and move the head to the last one, in one statement, if the head is
    still at the first one's predecessor (number and hash); False, having written nothing, if
    it is not.

    For a transaction that holds the head's lock already (``_held_head``), or that guesses the
    head is where this connection's last commit left it (``_committed_head_guess``): the
    UPDATE takes the head's lock (waiting for any other holder, then reading the head as that
    one left it) and moves it only from where we remember it, and the INSERT reads its values
    through that UPDATE, so a head elsewhere (appended to by someone else since, or moved
    behind our back) inserts nothing, and the caller appends the ordinary way.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    first, last = events[0], events[-1]
    with prepared_cursor() as cursor:
        cursor.execute(
            _insert_after_held_head_sql(connection.vendor, len(events)),
            [
                last.seq,
                last.hash,
                ChainHead.SINGLETON_ID,
                first.seq - 1,
                first.prev_hash,
                *(value for event in events for value in _insert_params(event)),
            ],
        )
        if cursor.rowcount != len(events):
            if cursor.rowcount:  # cannot happen: the head moved for some rows and not others
                raise RuntimeError("the record's chain head moved while it was locked")
            return False
    for event in events:
        event._state.adding = False
        event._state.db = connection.alias
    return True


# The event's INSERT is the same text every time: Django builds it once per database vendor
# and number of rows (building it cost more than running it), and each append prepares only
# its values. The statements that move the head and insert are sent through
# ``connections.prepared_cursor``: PostgreSQL plans each of them once per connection rather
# than at every append (a transition appends two or three events; planning the insert with
# its twelve casts was a good part of running it). Their values and so the hashed fields are
# the same either way.
_INSERT_FIELDS = [f for f in Event._meta.local_concrete_fields if not f.generated]


@cache
def _insert_sql(vendor: str, rows: int = 1) -> str:
    """``INSERT INTO record_event (columns) VALUES (%s, …)[, (%s, …)…]``, as Django writes it."""
    insert = InsertQuery(Event)
    insert.insert_values(_INSERT_FIELDS, [Event()])
    ((sql, params),) = insert.get_compiler(connection=connection).as_sql()
    if len(params) != len(_INSERT_FIELDS) or sql.count("%s") != len(_INSERT_FIELDS):
        raise RuntimeError("an event's insert no longer has one plain value per column")
    head, values = sql.split(" VALUES ", 1)
    return f"{head} VALUES {', '.join([values] * rows)}"


def _insert_params(event: Event) -> list:
    """The event's values for ``_insert_sql``, prepared as Django's insert prepares them."""
    connection = connections[DEFAULT_DB_ALIAS]  # the connection, not the proxy
    return [f.get_db_prep_save(f.pre_save(event, True), connection) for f in _INSERT_FIELDS]


@cache
def _insert_after_held_head_sql(vendor: str, rows: int = 1) -> str:
    """The head moved from where we remember it to the last event, and the events inserted
    only if it did: ``INSERT INTO t (columns) SELECT %s, … FROM moved [UNION ALL SELECT …]``,
    each value cast to its column's type (a SELECT list does not take the target's)."""
    head, _values = _insert_sql(vendor).split(" VALUES (", 1)
    values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in _INSERT_FIELDS)
    selects = " UNION ALL ".join([f"SELECT {values} FROM moved"] * rows)
    return (
        f"WITH moved AS (UPDATE {_head_table()} SET last_seq = %s, last_hash = %s "
        "WHERE id = %s AND last_seq = %s AND last_hash = %s RETURNING id) "
        f"{head} {selects}"
    )


def _chain_head_set(*, seq: int, last_hash: str) -> None:
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {_head_table()} SET last_hash = %s WHERE id = %s AND last_seq = %s",
            [last_hash, ChainHead.SINGLETON_ID, seq],
        )
        if cursor.rowcount != 1:  # cannot happen while we hold the lock; refuse to fork if it does
            raise RuntimeError("the record's chain head moved while it was locked")


def _events_insert(rows: list[dict[str, Any]]) -> None:
    """Insert many events (dicts by column). On PostgreSQL with COPY: the ORM's bulk insert
    sends one array per column, which psycopg quotes in Python value by value, and a long
    VALUES list costs as much to parse; elsewhere, one prepared INSERT run for every row."""
    fields = [f for f in Event._meta.local_concrete_fields if not f.generated]
    columns = [f.column for f in fields]
    if set(columns) != set(rows[0]):  # a new column must be filled here too
        raise RuntimeError(f"record_append_many does not fill {set(columns) ^ set(rows[0])}")
    table = connection.ops.quote_name(Event._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    # jsonb reads the JSON text; its value is the payload that was hashed.
                    row["payload"] = json.dumps(row["payload"], ensure_ascii=False)
                    copy.write_row([row[c] for c in columns])
            return
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('%s' for _ in columns)})",
            [[f.get_db_prep_save(row[f.column], connection) for f in fields] for row in rows],
        )
