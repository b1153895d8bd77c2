"""The Ed25519 key that signs checkpoints of the record, and signatures made with it.

The chain alone is an unkeyed hash: whoever can write the tables can rewrite an event and
recompute every hash after it. A checkpoint is the chain head signed with a key that is not in
the database (``FAZHI_RECORD_SIGNING_KEY``, from the environment), so a rewrite that goes
through a checkpointed event no longer matches a signature nobody with only the database can
make again. No ORM here: the archive's package check uses it without a database.

Keys are written as base64 of the 32 raw bytes (what ``manage.py record_keygen`` prints) or as
PEM (PKCS#8 private, SubjectPublicKeyInfo public); signatures as base64 of their 64 bytes. A
fingerprint is the SHA-256 of the raw public key, in hex.
"""

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "FAZHI_RECORD_SIGNING_KEY"


class SigningKeyError(ValueError):
    """Text that is not an Ed25519 key in one of the accepted forms."""


def private_key_new() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_load(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from base64 of its 32 raw bytes, or from PEM (PKCS#8)."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError) as error:
            raise SigningKeyError(f"not a readable unencrypted PEM private key: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError("the PEM key is not an Ed25519 key")
        return key
    return Ed25519PrivateKey.from_private_bytes(_raw32(text, "private"))


def public_key_load(text: str) -> Ed25519PublicKey:
    """An Ed25519 public key from base64 of its 32 raw bytes, or from PEM."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError as error:
            raise SigningKeyError(f"not a readable PEM public key: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError("the PEM key is not an Ed25519 key")
        return key
    return Ed25519PublicKey.from_public_bytes(_raw32(text, "public"))


def _raw32(text: str, kind: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SigningKeyError(f"the {kind} key is neither PEM nor base64") from None
    if len(raw) != 32:
        raise SigningKeyError(f"an Ed25519 {kind} key has 32 bytes, this one {len(raw)}")
    return raw


def private_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def private_key_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_text(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def fingerprint(public_key_b64: str) -> str:
    """SHA-256 (hex) of the raw public key given as base64."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode()


def signature_valid(*, public_key_b64: str, data: bytes, signature_b64: str) -> bool:
    """Does ``signature_b64`` sign ``data`` with that public key? False for anything malformed."""
    try:
        key = public_key_load(public_key_b64)
        key.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, SigningKeyError, ValueError, binascii.Error):
        return False
    return True


def configured_private_key() -> Ed25519PrivateKey:
    """The installation's signing key, from the settings; ImproperlyConfigured naming the
    variable when it is missing or unreadable."""
    text = getattr(settings, SETTING, None)
    if not text:
        raise ImproperlyConfigured(f"{SETTING} is not set: checkpoints cannot be signed.")
    try:
        return private_key_load(text)
    except SigningKeyError as error:
        raise ImproperlyConfigured(f"{SETTING} is not an Ed25519 private key: {error}") from None


def configured_public_key_text() -> str:
    return public_key_text(configured_private_key())
