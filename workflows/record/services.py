"""Writing to the full-process record (《重大行政决策程序暂行条例》第三十三条)."""

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.sql.subqueries import InsertQuery
from django.utils import timezone

from . import signing
from .canonical import (
    GENESIS_HASH,
    canonical_bytes,
    checkpoint_bytes,
    json_safe,
    sha256_hex,
    sm3_hex,
)
from .models import ChainHead, Checkpoint, Event
from .selectors import SubjectKey, subject_key

ACTOR_SYSTEM = "system"
ACTOR_PUBLIC = "public"

# "decision.submitted", "normdoc.legality_review.opened": lower-case dotted words.
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ACTION_MAX_LENGTH = Event._meta.get_field("action").max_length
_ACTOR_LABEL_MAX_LENGTH = Event._meta.get_field("actor_label").max_length


def record_append(
    *,
    actor: Any,
    action: str,
    subject: "Any | SubjectKey",
    payload: Mapping[str, Any] | None = None,
) -> Event:
    """Append one event about ``subject`` to the record, inside the caller's transaction.

    ``actor`` is a User, or "system", or "public" (an anonymous user counts as the public).
    ``payload`` is what changed; it is made JSON-safe (see ``canonical.json_safe``) and stored
    exactly as hashed. Anything that prevents writing the event raises, so the caller's change
    fails with it; a change rolled back takes its event with it.

    The chain-head row stays locked until the caller's transaction ends, so every other
    append waits for that commit: call this as the last write of a service, after its own
    row locks, to keep the wait short and the lock order deadlock-free.
    """
    actor_snapshot = _actor_snapshot(actor)
    _check_action(action)
    key, safe_payload = _checked_entry(subject, payload)

    # The caller's transaction, or one of its own outside any. No savepoint: a failed append
    # must fail the caller's change with it (and a savepoint costs two statements per event).
    with transaction.atomic(savepoint=False):
        with_sm3 = getattr(settings, "FAZHI_RECORD_SM3", True)

        def event_after(seq: int, prev_hash: str) -> Event:
            event = Event(
                **_event_fields(
                    seq=seq,
                    # taken under the lock, so times never run backwards along seq
                    at=timezone.now(),
                    actor=actor_snapshot,
                    action=action,
                    key=key,
                    payload=safe_payload,
                    prev_hash=prev_hash,
                    with_sm3=with_sm3,
                )
            )
            event.content_type = key.content_type  # cached: the caller reads it without a query
            return event

        held = _held_head()
        # This transaction holds the head's lock already and knows where it stands: one
        # statement, which inserts nothing unless the head is where we think it is.
        if held is not None and _event_insert_after_held_head(
            event := event_after(held[0] + 1, held[1])
        ):
            _hold_head(event.seq, event.hash)
            return event
        event = event_after(*_chain_head_advance())
        _event_insert_and_head_set(event)
        _hold_head(event.seq, event.hash)
    return event


# --- the head this transaction holds ------------------------------------------------------------
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
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    sids = frozenset(connection.savepoint_ids)
    held = getattr(connection, _HELD, None)
    if held is not None and held[1] == sids and _held_head() is not None:
        # Moved again within the same savepoint: the pending callback still stands for it.
        setattr(connection, _HELD, (held[0], sids, seq, last_hash))
        return

    def held_until_the_transaction_ends() -> None:
        """Nothing to do: its presence among the pending callbacks is what counts."""

    transaction.on_commit(held_until_the_transaction_ends)
    setattr(connection, _HELD, (held_until_the_transaction_ends, sids, seq, last_hash))


def _check_action(action: Any) -> None:
    if not isinstance(action, str) or not ACTION_PATTERN.match(action):
        raise ValueError(f"action {action!r} is not a dotted name like 'decision.submitted'")
    if len(action) > _ACTION_MAX_LENGTH:
        raise ValueError(f"action {action!r} is longer than {_ACTION_MAX_LENGTH} characters")


def _checked_entry(subject: Any, payload: Any) -> tuple[SubjectKey, dict]:
    """The subject's key and the JSON-safe payload, or the error that refuses them."""
    if payload is not None and not isinstance(payload, Mapping):
        raise TypeError(f"the payload is a dict, not {type(payload).__name__}")
    key = subject_key(subject)
    if len(key.object_id) > Event._meta.get_field("object_id").max_length:
        raise ValueError(f"subject id {key.object_id!r} is too long for the record")
    return key, json_safe(payload or {})


def _event_fields(
    *, seq, at, actor: tuple, action: str, key: SubjectKey, payload: dict, prev_hash: str, with_sm3
) -> dict[str, Any]:
    """An event's fields by name, its hashes computed over ``canonical_bytes``."""
    actor_kind, actor_user_id, actor_label = actor
    data = canonical_bytes(
        seq=seq,
        at=at,
        actor_kind=actor_kind,
        actor_user_id=actor_user_id,
        actor_label=actor_label,
        action=action,
        content_type=f"{key.content_type.app_label}.{key.content_type.model}",
        object_id=key.object_id,
        payload=payload,
        prev_hash=prev_hash,
    )
    return {
        "seq": seq,
        "at": at,
        "actor_user_id": actor_user_id,
        "actor_kind": actor_kind,
        "actor_label": actor_label,
        "action": action,
        "content_type_id": key.content_type.pk,
        "object_id": key.object_id,
        "payload": payload,
        "prev_hash": prev_hash,
        "hash": sha256_hex(data),
        "hash_sm3": sm3_hex(data) if with_sm3 else "",
    }


def _actor_snapshot(actor: Any) -> tuple[str, int | None, str]:
    if actor == ACTOR_SYSTEM:
        return Event.ActorKind.SYSTEM.value, None, ACTOR_SYSTEM
    if actor == ACTOR_PUBLIC or getattr(actor, "is_anonymous", False) is True:
        return Event.ActorKind.PUBLIC.value, None, ACTOR_PUBLIC
    if isinstance(actor, str) or not hasattr(actor, "get_username"):
        raise TypeError(f"actor is a User, 'system' or 'public', not {actor!r}")
    if actor.pk is None:
        raise ValueError("the acting user must be saved")
    name = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    username = actor.get_username()
    label = f"{name} ({username})" if name and name != username else username
    return Event.ActorKind.PERSON.value, actor.pk, label[:_ACTOR_LABEL_MAX_LENGTH]


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
    with connection.cursor() as cursor:
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


def _event_insert_and_head_set(event: Event) -> None:
    """Insert ``event`` and point the (locked) chain head at its hash.

    On PostgreSQL both happen in one statement: the INSERT as a data-modifying CTE whose
    RETURNING feeds the head's UPDATE. The UPDATE only matches while the head still carries
    the event's number, which holds while our lock does; if it ever matched nothing the
    statement's INSERT is in the transaction all the same, so we raise and, appending without
    a savepoint, the whole transaction (event included) can only roll back: no fork, no gap.
    """
    if connection.vendor != "postgresql":  # no data-modifying CTEs (SQLite): two statements
        event._appending = True
        event.save()
        _chain_head_set(seq=event.seq, last_hash=event.hash)
        return
    insert_sql, params = _insert_sql(connection.vendor), _insert_params(event)
    seq_column = connection.ops.quote_name(Event._meta.get_field("seq").column)
    hash_column = connection.ops.quote_name(Event._meta.get_field("hash").column)
    sql = (
        f"WITH appended AS ({insert_sql} RETURNING {seq_column}, {hash_column}) "
        f"UPDATE {_head_table()} AS head SET last_hash = appended.{hash_column} "
        f"FROM appended WHERE head.id = %s AND head.last_seq = appended.{seq_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ChainHead.SINGLETON_ID])
        if cursor.rowcount != 1:  # cannot happen while we hold the lock; refuse to fork if it does
            raise RuntimeError("the record's chain head moved while it was locked")
    # What Model.save() would have left behind: a saved, unchangeable row.
    event._state.adding = False
    event._state.db = connection.alias


def _event_insert_after_held_head(event: Event) -> bool:
    """Insert ``event`` and move the head to it, in one statement, if the head is still at
    the event's predecessor (number and hash); False, having written nothing, if it is not.

    Only for a transaction that already holds the head's lock (``_held_head``): the UPDATE
    moves the head only from where we remember it, and the INSERT reads its values through
    that UPDATE, so a head elsewhere (moved behind our back in this very transaction, which
    only a tamperer does) inserts nothing, and the caller appends the ordinary way.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_after_held_head_sql(connection.vendor),
            [
                event.seq,
                event.hash,
                ChainHead.SINGLETON_ID,
                event.seq - 1,
                event.prev_hash,
                *_insert_params(event),
            ],
        )
        if cursor.rowcount != 1:
            return False
    event._state.adding = False
    event._state.db = connection.alias
    return True


# The event's INSERT is the same text every time: Django builds it once per database vendor
# (building it cost more than running it), and each append prepares only its values.
_INSERT_FIELDS = [f for f in Event._meta.local_concrete_fields if not f.generated]


@cache
def _insert_sql(vendor: str) -> str:
    """``INSERT INTO record_event (columns) VALUES (%s, …)``, as Django writes it."""
    insert = InsertQuery(Event)
    insert.insert_values(_INSERT_FIELDS, [Event()])
    ((sql, params),) = insert.get_compiler(connection=connection).as_sql()
    if len(params) != len(_INSERT_FIELDS) or sql.count("%s") != len(_INSERT_FIELDS):
        raise RuntimeError("an event's insert no longer has one plain value per column")
    return sql


def _insert_params(event: Event) -> list:
    """The event's values for ``_insert_sql``, prepared as Django's insert prepares them."""
    return [f.get_db_prep_save(f.pre_save(event, True), connection) for f in _INSERT_FIELDS]


@cache
def _insert_after_held_head_sql(vendor: str) -> str:
    """The head moved from where we remember it to the event, and the event inserted only if
    it did: ``INSERT INTO t (columns) SELECT %s, … FROM moved``, each value cast to its
    column's type (a SELECT list does not take the target's)."""
    head, _values = _insert_sql(vendor).split(" VALUES (", 1)
    values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in _INSERT_FIELDS)
    return (
        f"WITH moved AS (UPDATE {_head_table()} SET last_seq = %s, last_hash = %s "
        "WHERE id = %s AND last_seq = %s AND last_hash = %s RETURNING id) "
        f"{head} SELECT {values} FROM moved"
    )


def _chain_head_set(*, seq: int, last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_head_table()} SET last_hash = %s WHERE id = %s AND last_seq = %s",
            [last_hash, ChainHead.SINGLETON_ID, seq],
        )
        if cursor.rowcount != 1:  # cannot happen while we hold the lock; refuse to fork if it does
            raise RuntimeError("the record's chain head moved while it was locked")


def record_append_many(
    *,
    actor: Any,
    action: str,
    entries: "list[tuple[Any | SubjectKey, Mapping[str, Any] | None]]",
) -> int:
    """Append one event per ``(subject, payload)`` of ``entries``, all by ``actor`` and all
    ``action``, in that order, inside the caller's transaction; returns how many. The same
    events, hashes and rules as that many ``record_append`` calls, in three statements instead
    of two per event: the reminder sweep marks hundreds of clocks overdue at once.
    """
    actor_snapshot = _actor_snapshot(actor)
    _check_action(action)
    prepared = [_checked_entry(subject, payload) for subject, payload in entries]
    if not prepared:
        return 0
    with_sm3 = getattr(settings, "FAZHI_RECORD_SM3", True)
    with transaction.atomic(savepoint=False):
        # n numbers in one step, under the same lock record_append takes (see there).
        last_seq, prev_hash = _chain_head_advance(len(prepared))
        at = timezone.now()
        rows = []
        for seq, (key, safe_payload) in enumerate(prepared, start=last_seq - len(prepared) + 1):
            rows.append(
                _event_fields(
                    seq=seq,
                    at=at,
                    actor=actor_snapshot,
                    action=action,
                    key=key,
                    payload=safe_payload,
                    prev_hash=prev_hash,
                    with_sm3=with_sm3,
                )
            )
            prev_hash = rows[-1]["hash"]
        _events_insert(rows)
        _chain_head_set(seq=last_seq, last_hash=prev_hash)
        _hold_head(last_seq, prev_hash)
    return len(rows)


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


def record_checkpoint() -> Checkpoint | None:
    """Sign the chain head as the next checkpoint, or return None when no event was appended
    since the last one (so beat can run it as often as it likes, twice included).

    The chain head's row lock is taken first: the head cannot move while it is read and
    signed, and two writers of checkpoints queue behind each other, the second then finding
    nothing new. The checkpoint is numbered by its own gapless serial and carries the
    signature of the one before it (``canonical.checkpoint_bytes``).
    """
    key = signing.configured_private_key()
    public_key = signing.public_key_text(key)
    key_fingerprint = signing.fingerprint(public_key)
    with transaction.atomic():
        head = (
            ChainHead.objects.select_for_update()
            .filter(pk=ChainHead.SINGLETON_ID)
            .values_list("last_seq", "last_hash")
            .first()
        )
        if head is None or head[0] == 0:
            return None
        last = Checkpoint.objects.order_by("-serial").values_list("serial", "seq", "signature")
        last = last.first()
        if last is not None and last[1] >= head[0]:
            return None
        serial = last[0] + 1 if last else 1
        prev_signature = last[2] if last else ""
        at = timezone.now()
        data = checkpoint_bytes(
            serial=serial,
            seq=head[0],
            head_hash=head[1],
            at=at,
            prev_signature=prev_signature,
            key_fingerprint=key_fingerprint,
        )
        checkpoint = Checkpoint(
            serial=serial,
            seq=head[0],
            head_hash=head[1],
            at=at,
            prev_signature=prev_signature,
            public_key=public_key,
            key_fingerprint=key_fingerprint,
            signature=signing.sign(key, data),
        )
        checkpoint.save()
    return checkpoint
