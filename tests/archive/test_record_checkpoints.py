"""Every package carries the signed checkpoints of the record that cover its events, and the
four-property check validates their signatures and their agreement with the events."""

import json

import pytest

from workflows.archive.check import (
    AUTHENTICITY,
    CHECKPOINT_INVALID,
    CHECKPOINTS_FILE,
    INTEGRITY,
    RECORD_INCOMPLETE,
    package_check,
)
from workflows.archive.recordfile import checkpoints_json, record_lines_parse
from workflows.record import signing
from workflows.record.checkpoints import checkpoint_signed_bytes

from .conftest import remanifest

pytestmark = pytest.mark.django_db


def _checkpoints(package) -> list[dict]:
    return json.loads((package / CHECKPOINTS_FILE).read_bytes())["checkpoints"]


def _rewrite(package, checkpoints: list[dict]) -> None:
    (package / CHECKPOINTS_FILE).write_bytes(checkpoints_json(checkpoints))
    remanifest(package)


def _findings(package, code):
    return [f for f in package_check(package).findings if f.code == code]


def test_the_package_carries_signed_checkpoints_covering_its_last_event(package):
    events, _ = record_lines_parse((package / "data/record.jsonl").read_bytes())
    checkpoints = _checkpoints(package)
    assert checkpoints, "the export signs the head when no checkpoint covers the subject yet"
    assert max(c["seq"] for c in checkpoints) >= events[-1]["seq"]
    fingerprint = signing.fingerprint(signing.configured_public_key_text())
    assert {c["key_fingerprint"] for c in checkpoints} == {fingerprint}
    assert package_check(package).ok


def test_archive_check_fails_when_a_checkpoint_signature_was_forged(package):
    checkpoints = _checkpoints(package)
    checkpoints[-1]["head_hash"] = "0" * 64
    _rewrite(package, checkpoints)
    findings = _findings(package, CHECKPOINT_INVALID)
    assert findings and findings[0].property == AUTHENTICITY
    assert "signature does not verify" in findings[0].message


def test_archive_check_fails_when_a_checkpoint_is_signed_by_another_key(package):
    other = signing.private_key_new()
    checkpoints = _checkpoints(package)
    public = signing.public_key_text(other)
    for checkpoint in checkpoints:
        # A forger re-signs with a key of their own; the fingerprint gives it away.
        checkpoint.update(public_key=public, key_fingerprint=signing.fingerprint(public))
        checkpoint["signature"] = signing.sign(other, checkpoint_signed_bytes(checkpoint))
    _rewrite(package, checkpoints)
    findings = _findings(package, CHECKPOINT_INVALID)
    assert findings and "not the configured signing key" in findings[0].message


def test_archive_check_fails_when_the_checkpoints_are_removed(package):
    _rewrite(package, [])
    findings = _findings(package, RECORD_INCOMPLETE)
    assert findings and findings[0].property == INTEGRITY
    assert "no signed checkpoint covers event" in findings[0].message
