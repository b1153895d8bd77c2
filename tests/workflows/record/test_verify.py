"""The verifier names the first break of a tampered record (DA/T 70-2018 authenticity, integrity).

Tampering goes through raw SQL with the append-only trigger switched off, as an attacker with
table-owner rights could do it.
"""

import pytest
from django.core.management import CommandError, call_command

from workflows.record.canonical import canonical_bytes, sha256_hex, sm3_hex
from workflows.record.models import Event
from workflows.record.selectors import subject_key
from workflows.record.services import record_append
from workflows.record.verify import (
    GAP,
    HASH_MISMATCH,
    MISSING_PREDECESSOR,
    REORDERING,
    events_check,
    record_verify,
)

from .tampering import swap_payloads, swap_seqs, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(make_unit):
    return make_unit("财政局"), make_unit("教育局")


@pytest.fixture
def chain(units):
    """Six events, alternating between two subjects: #1 #3 #5 about A, #2 #4 #6 about B."""
    a, b = units
    for i in range(6):
        record_append(
            actor="system",
            action="opinion.given",
            subject=a if i % 2 == 0 else b,
            payload={"opinion": f"意见 {i + 1}", "n": i + 1},
        )
    return a, b


def _command_fails_with(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("record_verify", *args)
    assert failure.value.returncode == 1
    return str(failure.value)


def test_an_intact_chain_verifies_and_the_command_exits_zero(chain, capsys):
    result = record_verify()
    assert (result.ok, result.checked, result.broken_seq) == (True, 6, None)
    call_command("record_verify")
    assert "6" in capsys.readouterr().out


def test_an_empty_record_verifies():
    assert record_verify().ok


def test_a_changed_payload_is_a_hash_mismatch_at_its_event(chain):
    tamper("""UPDATE record_event SET payload = '{"opinion": "改过的", "n": 3}' WHERE seq = 3""")
    result = record_verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 3, HASH_MISMATCH)
    assert result.checked == 2
    message = _command_fails_with()
    assert "seq 3" in message and HASH_MISMATCH in message


def test_a_changed_time_is_a_hash_mismatch(chain):
    tamper("UPDATE record_event SET at = at - interval '1 microsecond' WHERE seq = 2")
    assert (record_verify().broken_seq, record_verify().reason) == (2, HASH_MISMATCH)


def test_a_forged_sm3_digest_is_a_hash_mismatch_when_sha256_still_matches(chain):
    tamper(f"UPDATE record_event SET hash_sm3 = '{'1' * 64}' WHERE seq = 4")
    result = record_verify()
    assert (result.broken_seq, result.reason) == (4, HASH_MISMATCH)
    assert "SM3" in result.detail


def test_a_deleted_row_is_a_gap_at_its_number(chain):
    tamper("DELETE FROM record_event WHERE seq = 4")
    result = record_verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 4, GAP)
    message = _command_fails_with()
    assert "seq 4" in message and GAP in message


def test_a_deleted_first_row_is_a_gap_at_one(chain):
    tamper("DELETE FROM record_event WHERE seq = 1")
    assert (record_verify().broken_seq, record_verify().reason) == (1, GAP)


def test_rows_cut_off_the_end_are_a_gap_when_the_chain_head_remembers_them(chain):
    tamper("DELETE FROM record_event WHERE seq >= 5")
    result = record_verify()
    assert (result.broken_seq, result.reason) == (5, GAP)


def test_swapped_rows_are_a_reordering_at_the_first_of_them(chain):
    swap_seqs(3, 4)
    result = record_verify()
    assert (result.ok, result.broken_seq, result.reason) == (False, 3, REORDERING)
    message = _command_fails_with()
    assert "seq 3" in message and REORDERING in message


def test_swapped_payloads_are_a_hash_mismatch_at_the_first_of_them(chain):
    swap_payloads(2, 5)
    result = record_verify()
    assert (result.broken_seq, result.reason) == (2, HASH_MISMATCH)
    message = _command_fails_with()
    assert "seq 2" in message and HASH_MISMATCH in message


def test_a_rewritten_event_with_recomputed_hashes_breaks_its_successors_link(chain):
    """The forger recomputes #3's hashes after changing it: #4 still names the old hash."""
    event = Event.objects.get(seq=3)
    payload = {"opinion": "伪造", "n": 3}
    data = canonical_bytes(
        seq=3,
        at=event.at,
        actor_kind=event.actor_kind,
        actor_user_id=None,
        actor_label=event.actor_label,
        action=event.action,
        content_type="workflows.unit",
        object_id=event.object_id,
        payload=payload,
        prev_hash=event.prev_hash,
    )
    tamper(
        'UPDATE record_event SET payload = \'{"opinion": "伪造", "n": 3}\', '
        f"hash = '{sha256_hex(data)}', hash_sm3 = '{sm3_hex(data)}' WHERE seq = 3"
    )
    result = record_verify()
    assert (result.broken_seq, result.reason) == (4, MISSING_PREDECESSOR)
    message = _command_fails_with()
    assert "seq 4" in message and MISSING_PREDECESSOR in message


def test_a_row_deleted_and_the_rest_renumbered_is_a_missing_predecessor(chain):
    tamper(
        "DELETE FROM record_event WHERE seq = 3",
        "UPDATE record_event SET seq = seq - 1 WHERE seq > 3",
        "UPDATE record_chainhead SET last_seq = last_seq - 1",
    )
    result = record_verify()
    assert (result.broken_seq, result.reason) == (3, MISSING_PREDECESSOR)


# --- one subject --------------------------------------------------------------------------


def test_a_subject_verifies_alone_when_only_another_subjects_event_was_changed(chain):
    a, b = chain
    tamper("""UPDATE record_event SET payload = '{"opinion": "改过的"}' WHERE seq = 4""")
    assert record_verify(subject=a).ok
    assert record_verify(subject=a).checked == 3
    result = record_verify(subject=b)
    assert (result.ok, result.broken_seq, result.reason) == (False, 4, HASH_MISMATCH)


def test_a_deleted_event_of_a_subject_is_a_gap_in_its_own_check(chain):
    a, _ = chain
    tamper("DELETE FROM record_event WHERE seq = 3")
    result = record_verify(subject=a)
    assert (result.broken_seq, result.reason) == (3, GAP)


def test_a_subjects_event_swapped_with_a_neighbour_is_a_reordering(chain):
    _, b = chain
    swap_seqs(4, 5)
    result = record_verify(subject=b)
    assert (result.broken_seq, result.reason) == (5, REORDERING)


def test_the_command_checks_one_subject_when_given_one(chain, capsys):
    a, b = chain
    tamper("""UPDATE record_event SET payload = '{"opinion": "改过的"}' WHERE seq = 4""")
    call_command("record_verify", "--subject", subject_key(a).label)
    assert "3" in capsys.readouterr().out
    message = _command_fails_with("--subject", f"workflows.unit:{b.pk}")
    assert "seq 4" in message and HASH_MISMATCH in message


@pytest.mark.parametrize("bad", ["nonsense", "workflows.unit", "nosuch.model:1"])
def test_the_command_refuses_a_malformed_subject_with_exit_code_two(bad):
    with pytest.raises(CommandError) as failure:
        call_command("record_verify", "--subject", bad)
    assert failure.value.returncode == 2


# --- one event at a time (the timeline) ------------------------------------------------------


def test_each_event_is_checked_on_its_own_for_the_timeline(chain):
    tamper("""UPDATE record_event SET payload = '{"opinion": "改过的"}' WHERE seq = 4""")
    checks = events_check(Event.objects.order_by("seq"))
    assert [seq for seq, check in checks.items() if not check.ok] == [4]
    assert checks[4].reason == HASH_MISMATCH
