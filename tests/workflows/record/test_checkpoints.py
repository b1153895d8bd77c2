"""Signed checkpoints: a record its own database administrator cannot silently rewrite.

The tampering is done as a superuser would do it, with every trigger of the table disabled
(``ALTER TABLE … DISABLE TRIGGER ALL``), and shown to be caught by ``record_verify`` naming the
checkpoint it contradicts.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from workflows.record import signing
from workflows.record.checkpoints import (
    CHECKPOINT_MISMATCH,
    CHECKPOINT_MISSING,
    CHECKPOINT_SIGNATURE,
    TRUNCATED,
    checkpoint_signed_bytes,
)
from workflows.record.models import ChainHead, Checkpoint, RecordImmutableError
from workflows.record.services import record_append, record_checkpoint
from workflows.record.tasks import checkpoint as checkpoint_task
from workflows.record.verify import record_verify

from .tampering import all_triggers_disabled, rewrite_actor_and_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_unit):
    return make_unit("财政局")


@pytest.fixture
def append(unit):
    def append(n: int = 1) -> None:
        for i in range(n):
            record_append(
                actor="system", action="opinion.given", subject=unit, payload={"n": i + 1}
            )

    return append


@pytest.fixture
def three_checkpoints(append):
    """Events #1-#6, checkpoints #1 (event #2), #2 (event #4), #3 (event #6)."""
    for _ in range(3):
        append(2)
        record_checkpoint()
    assert list(Checkpoint.objects.values_list("serial", "seq")) == [(1, 2), (2, 4), (3, 6)]


def _verify_command_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("record_verify")
    assert failure.value.returncode == 1
    return str(failure.value)


# --- append-only, TRUNCATE included ---------------------------------------------------------


@pytest.mark.parametrize("table", ["record_event", "record_chainhead", "record_checkpoint"])
def test_truncate_is_refused_when_the_table_holds_the_record(three_checkpoints, table):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            # Not refused merely for the test's own pending foreign-key checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Checkpoint.objects.count() == 3


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE record_checkpoint SET head_hash = repeat('0', 64) WHERE serial = 2",
        "DELETE FROM record_checkpoint WHERE serial = 2",
    ],
)
def test_a_checkpoint_cannot_be_changed_or_deleted_when_the_trigger_is_on(three_checkpoints, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_model_refuses_to_change_a_checkpoint(three_checkpoints):
    checkpoint = Checkpoint.objects.get(serial=1)
    with pytest.raises(RecordImmutableError):
        checkpoint.save()
    with pytest.raises(RecordImmutableError):
        Checkpoint.objects.filter(serial=1).delete()


# --- writing checkpoints --------------------------------------------------------------------


def test_a_checkpoint_signs_the_chain_head_with_the_configured_key(append):
    append(3)
    checkpoint = record_checkpoint()
    head = ChainHead.objects.get()
    assert (checkpoint.serial, checkpoint.seq, checkpoint.head_hash) == (1, 3, head.last_hash)
    public_key = signing.configured_public_key_text()
    assert checkpoint.public_key == public_key
    assert checkpoint.key_fingerprint == signing.fingerprint(public_key)
    assert signing.signature_valid(
        public_key_b64=public_key,
        data=checkpoint_signed_bytes(checkpoint.as_dict()),
        signature_b64=checkpoint.signature,
    )


def test_each_checkpoint_names_the_signature_of_the_one_before(three_checkpoints):
    first, second, third = Checkpoint.objects.order_by("serial")
    assert first.prev_signature == ""
    assert (second.prev_signature, third.prev_signature) == (first.signature, second.signature)


def test_nothing_is_checkpointed_when_the_record_is_empty():
    assert record_checkpoint() is None
    assert not Checkpoint.objects.exists()


def test_the_beat_task_writes_a_checkpoint_and_nothing_when_run_again_without_new_events(append):
    append(2)
    assert checkpoint_task.apply().get() == "checkpoint #1 at seq 2"
    assert checkpoint_task.apply().get() == "unchanged"
    assert checkpoint_task.apply().get() == "unchanged"
    assert list(Checkpoint.objects.values_list("serial", "seq")) == [(1, 2)]
    append(1)
    assert checkpoint_task.apply().get() == "checkpoint #2 at seq 3"


# --- verifying against checkpoints ----------------------------------------------------------


def test_the_command_prints_the_head_and_the_latest_checkpoint_it_matched(
    three_checkpoints, append, capsys
):
    append(1)  # event #7, after the last checkpoint
    call_command("record_verify")
    out = capsys.readouterr().out
    head = ChainHead.objects.get()
    assert f"Chain head: seq 7 hash {head.last_hash}" in out
    assert "Latest checkpoint matched: #3 at seq 6" in out
    assert "Record intact: 7 events checked." in out
    result = record_verify()
    assert (
        result.ok and result.matched_checkpoint.serial == 3 and result.head == (7, head.last_hash)
    )


def test_a_truncated_record_is_broken_naming_the_checkpoint_when_the_triggers_are_disabled(
    three_checkpoints,
):
    # What issue 14 did: truncate the events and delete the chain head. Without checkpoints
    # this verified as "Record intact: 0 events checked".
    with all_triggers_disabled("record_event", "record_chainhead"), connection.cursor() as cursor:
        cursor.execute("TRUNCATE record_event, record_chainhead")
    result = record_verify()
    assert (result.ok, result.reason, result.broken_checkpoint) == (False, TRUNCATED, 1)
    message = _verify_command_fails()
    assert "checkpoint #1" in message and TRUNCATED in message and "empty" in message


def test_events_cut_off_the_end_are_broken_naming_the_checkpoint_that_signed_them(
    three_checkpoints,
):
    with all_triggers_disabled("record_event"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM record_event WHERE seq >= 5")
        cursor.execute(
            "UPDATE record_chainhead SET last_seq = 4, last_hash = ("
            "SELECT hash FROM record_event WHERE seq = 4)"
        )
    result = record_verify()
    assert (result.ok, result.reason, result.broken_checkpoint, result.broken_seq) == (
        False,
        TRUNCATED,
        3,
        5,
    )
    assert result.matched_checkpoint.serial == 2
    assert "checkpoint #3" in _verify_command_fails()


def test_a_recomputed_chain_is_broken_at_the_first_checkpoint_it_contradicts(three_checkpoints):
    # Issue 14: change one event's actor and recompute every later hash with the project's own
    # functions. The chain is consistent again; the signed hash of checkpoint #2 is not.
    rewrite_actor_and_recompute(3, "somebody else")
    result = record_verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 4, CHECKPOINT_MISMATCH)
    assert result.broken_checkpoint == 2
    assert result.matched_checkpoint.serial == 1
    message = _verify_command_fails()
    assert "seq 4" in message and "checkpoint #2" in message and CHECKPOINT_MISMATCH in message


def test_a_deleted_checkpoint_is_broken_naming_the_missing_number(three_checkpoints):
    with all_triggers_disabled("record_checkpoint"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM record_checkpoint WHERE serial = 2")
    result = record_verify()
    assert (result.ok, result.reason, result.broken_checkpoint) == (False, CHECKPOINT_MISSING, 2)
    message = _verify_command_fails()
    assert "checkpoint #2 is missing" in message


def test_a_checkpoint_signed_by_another_key_is_reported(three_checkpoints, settings):
    settings.FAZHI_RECORD_SIGNING_KEY = signing.private_key_text(signing.private_key_new())
    result = record_verify()
    assert (result.ok, result.reason, result.broken_checkpoint) == (False, CHECKPOINT_SIGNATURE, 1)
    assert "not the configured signing key" in _verify_command_fails()


def test_a_forged_signature_is_reported_even_with_the_right_key_named(three_checkpoints):
    # A rewrite that also re-signs needs the private key; without it, the old signature (or any
    # other) does not verify over a changed head.
    with all_triggers_disabled("record_checkpoint"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE record_checkpoint SET at = at + interval '1 second' WHERE serial = 3"
        )
    result = record_verify()
    assert (result.ok, result.reason, result.broken_checkpoint) == (False, CHECKPOINT_SIGNATURE, 3)
    assert "checkpoint #3: its signature does not verify" in _verify_command_fails()


# --- keys, and the download -----------------------------------------------------------------


@pytest.mark.parametrize("pem", [False, True])
def test_record_keygen_prints_a_key_the_settings_accept_and_its_public_key(capsys, pem):
    call_command("record_keygen", *(["--pem"] if pem else []))
    out = capsys.readouterr().out
    private = out.split("FAZHI_RECORD_SIGNING_KEY=", 1)[1].split("public key:", 1)[0].strip()
    public = out.split("public key: ", 1)[1].split()[0]
    key = signing.private_key_load(private)
    assert signing.public_key_text(key) == public
    assert f"fingerprint: {signing.fingerprint(public)}" in out


def test_an_archivist_downloads_every_checkpoint(three_checkpoints, client, archivist):
    client.force_login(archivist)
    response = client.get(reverse("record:checkpoints"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert [c["serial"] for c in document["checkpoints"]] == [1, 2, 3]
    assert document["key_fingerprint"] == signing.fingerprint(signing.configured_public_key_text())
    later = json.loads(client.get(reverse("record:checkpoints"), {"after": 2}).content)
    assert [c["serial"] for c in later["checkpoints"]] == [3]


def test_the_checkpoints_are_not_found_when_the_user_does_not_read_every_record(
    three_checkpoints, client, drafter
):
    client.force_login(drafter)
    assert client.get(reverse("record:checkpoints")).status_code == 404
    client.logout()
    assert client.get(reverse("record:checkpoints")).status_code == 302
