"""The exact bytes an event's hashes cover, and the digests over them.

Everything an auditor needs to recompute a hash is here, with no ORM: the canonical form is
``json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` of every field of
the event plus the previous event's hash, encoded as UTF-8, with times in ISO 8601 UTC with
microseconds. SHA-256 is the chain hash; SM3 (GB/T 32905, Chinese archival practice under
DA/T 70) is computed over the same bytes beside it.
"""

import datetime as dt
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

GENESIS_HASH = "0" * 64

_SEPARATORS = (",", ":")


def iso_utc(value: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC, always with microseconds."""
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive time means different instants on different servers: refuse it rather than
        # hash a guess.
        raise ValueError(f"naive datetime {value!r} in the record; pass an aware datetime")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON types, deterministically, so that what is stored is what was hashed.

    Dates and times become ISO strings (datetimes in UTC with microseconds), Decimals,
    UUIDs and floats become their exact string form (PostgreSQL's jsonb rewrites numbers:
    1e20 would come back as an integer and no longer hash the same), sets become sorted lists,
    keys become strings. Anything else raises ``TypeError``: an event that cannot be written
    faithfully must not be written at all.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # IntegerChoices and other int subclasses → plain int
    if isinstance(value, str):
        return _checked_text(str.__str__(value))  # TextChoices → its plain value
    if isinstance(value, Promise):
        return _checked_text(str(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date | dt.time):
        if isinstance(value, dt.time) and value.tzinfo is not None:
            raise ValueError(f"time with a time zone {value!r} in the record; pass a naive time")
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            text_key = json_safe(key)
            if not isinstance(text_key, str):
                text_key = json.dumps(text_key)  # 1 → "1", True → "true", None → "null"
            if text_key in result:
                raise ValueError(f"two payload keys both become {text_key!r}")
            result[text_key] = json_safe(item)
        return result
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [json_safe(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    raise TypeError(
        f"{type(value).__name__} cannot go into the record; pass str, int, bool, None, Decimal, "
        "UUID, date/time, or lists and dicts of them"
    )


def _checked_text(text: str) -> str:
    if "\x00" in text:
        raise ValueError("NUL character in the record payload (PostgreSQL cannot store it)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("the record payload holds text that is not valid Unicode") from error
    return text


def canonical_bytes(
    *,
    seq: int,
    at: dt.datetime,
    actor_kind: str,
    actor_user_id: int | None,
    actor_label: str,
    action: str,
    content_type: str,
    object_id: str,
    payload: dict,
    prev_hash: str,
) -> bytes:
    """The bytes both hashes of an event cover. ``content_type`` is "app_label.model"."""
    return json.dumps(
        {
            "seq": seq,
            "at": iso_utc(at),
            "actor_kind": actor_kind,
            "actor_user_id": actor_user_id,
            "actor_label": actor_label,
            "action": action,
            "content_type": content_type,
            "object_id": object_id,
            "payload": payload,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=_SEPARATORS,
        allow_nan=False,
    ).encode("utf-8")


CHECKPOINT_CONTEXT = "fazhi.record.checkpoint.v1"


def checkpoint_bytes(
    *,
    serial: int,
    seq: int,
    head_hash: str,
    at: dt.datetime,
    prev_signature: str,
    key_fingerprint: str,
) -> bytes:
    """The bytes a checkpoint's signature covers: the chain head it vouches for (``seq`` and
    ``head_hash``), when, its own number, the signature of the checkpoint before it (so that
    checkpoints chain as events do) and the fingerprint of the key. The context string keeps
    the signature from meaning anything else."""
    return json.dumps(
        {
            "context": CHECKPOINT_CONTEXT,
            "serial": serial,
            "seq": seq,
            "head_hash": head_hash,
            "at": iso_utc(at),
            "prev_signature": prev_signature,
            "key_fingerprint": key_fingerprint,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=_SEPARATORS,
    ).encode("utf-8")


_payload_encoder = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=_SEPARATORS, allow_nan=False
)


def canonical_payload_text(payload: Any) -> str:
    """The text ``canonical_bytes`` writes for ``payload`` (the value of its "payload" key):
    json.dumps encodes a nested value with the same settings as the whole. One encoder is
    built once, for the verifier's walk over every event."""
    return _payload_encoder.encode(payload)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sm3_openssl(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _sm3_gmssl(data: bytes) -> str:
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))


def _pick_sm3():
    # gmssl is pure Python (about 700 digests a second here): fine as the guaranteed fallback,
    # too slow to re-verify a million events. OpenSSL 3 ships SM3 in its default provider and
    # gives the same digest (the tests compare both with gmssl), so use it when it is there.
    try:
        if _sm3_openssl(b"abc") == _sm3_gmssl(b"abc"):
            return _sm3_openssl
    except ValueError:  # this OpenSSL build has no SM3
        pass
    return _sm3_gmssl


_sm3 = _pick_sm3()


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905) digest of ``data`` as 64 hex digits."""
    return _sm3(data)
