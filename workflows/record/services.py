"""Writing to the full-process record (《重大行政决策程序暂行条例》第三十三条).

The statements that lock the chain head and insert events are in ``workflows.record.chain``.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import signing
from .canonical import canonical_bytes, checkpoint_bytes, json_safe, sha256_hex, sm3_hex
from .chain import (
    _chain_head_advance,
    _chain_head_set,
    _committed_head_guess,
    _committed_head_guessed,
    _event_insert_after_held_head,
    _event_insert_and_head_set,
    _events_insert,
    _held_head,
    _hold_head,
)
from .deferred import deferring, pending_append, pending_keep
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
    return record_append_several(actor=actor, events=[(action, subject, payload)])[0]


def record_append_several(
    *,
    actor: Any,
    events: "list[tuple[str, Any | SubjectKey, Mapping[str, Any] | None]]",
) -> list[Event]:
    """Append one event per ``(action, subject, payload)`` of ``events``, in that order, all by
    ``actor``: what as many ``record_append`` calls would append (the same checks, fields,
    numbers and hashes), in one statement instead of one per event (two when the transaction
    does not hold the chain head yet). A service that records one change on two subjects (a
    session and its decision) appends both together.

    Inside ``deferred.record_deferred()`` (an action completed through ``workflows.tasking``)
    the events are checked now and appended with the action's other events when it ends, in
    the same transaction; the returned events are numbered and hashed then.
    """
    actor_snapshot = _actor_snapshot(actor)
    entries = []
    for action, subject, payload in events:
        _check_action(action)
        key, safe_payload = _checked_entry(subject, payload)
        entries.append(_entry(actor_snapshot, action, key, safe_payload))
    if not entries:
        return []
    if deferring():
        pending_keep(entries)
    else:
        _append_entries(entries)
    return [entry.event for entry in entries]


class _Entry:
    """One event to append: who, what, about which subject, and the unsaved ``Event`` that
    its number, time and hashes are written into when it is appended."""

    __slots__ = ("actor", "action", "key", "payload", "event")

    def __init__(self, actor, action, key, payload, event):
        self.actor, self.action, self.key, self.payload = actor, action, key, payload
        self.event = event


def _entry(actor: tuple, action: str, key: SubjectKey, payload: dict) -> _Entry:
    event = Event(action=action, object_id=key.object_id, payload=payload)
    event.content_type = key.content_type  # cached: read without a query
    return _Entry(actor, action, key, payload, event)


def _append_entries(entries: list[_Entry]) -> None:
    """Number, hash and insert ``entries`` at the end of the chain, in the caller's
    transaction (or one of its own outside any)."""
    # No savepoint: a failed append must fail the caller's change with it (and a savepoint
    # costs two statements per event).
    with transaction.atomic(savepoint=False):
        with_sm3 = getattr(settings, "FAZHI_RECORD_SM3", True)

        def events_after(seq: int, prev_hash: str) -> list[Event]:
            """The events numbered from ``seq``, the first linked to ``prev_hash``."""
            chained = []
            for number, entry in enumerate(entries, start=seq):
                event = entry.event
                fields = _event_fields(
                    seq=number,
                    # taken under the lock, so times never run backwards along seq
                    at=timezone.now(),
                    actor=entry.actor,
                    action=entry.action,
                    key=entry.key,
                    payload=entry.payload,
                    prev_hash=prev_hash,
                    with_sm3=with_sm3,
                )
                for name, value in fields.items():
                    setattr(event, name, value)
                chained.append(event)
                prev_hash = event.hash
            return chained

        held = _held_head()
        # This transaction holds the head's lock already and knows where it stands, or its
        # first append guesses the head is where this connection's last commit left it: one
        # statement, which inserts nothing unless the head is where we think it is.
        guessed = held is None and (held := _committed_head_guess()) is not None
        if held is not None:
            hit = _event_insert_after_held_head(appended := events_after(held[0] + 1, held[1]))
            if guessed:
                _committed_head_guessed(hit=hit)
            if hit:
                _hold_head(appended[-1].seq, appended[-1].hash)
                return
        last_seq, prev_hash = _chain_head_advance(len(entries))
        appended = events_after(last_seq - len(entries) + 1, prev_hash)
        _event_insert_and_head_set(appended)
        _hold_head(appended[-1].seq, appended[-1].hash)


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


def record_append_many(
    *,
    actor: Any,
    action: str,
    entries: "list[tuple[Any | SubjectKey, Mapping[str, Any] | None]]",
) -> int:
    """Append one event per ``(subject, payload)`` of ``entries``, all by ``actor`` and all
    ``action``, in that order, inside the caller's transaction; returns how many. The same
    events, hashes and rules as that many ``record_append`` calls, in three statements (the
    rows sent with COPY) rather than one per event: the reminder sweep marks hundreds of clocks
    overdue at once. A few events of different actions go together through
    ``record_append_several``.
    """
    actor_snapshot = _actor_snapshot(actor)
    _check_action(action)
    prepared = [_checked_entry(subject, payload) for subject, payload in entries]
    if not prepared:
        return 0
    pending_append()  # what this action recorded before comes first
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
    pending_append()  # the head signed includes what this action recorded
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
