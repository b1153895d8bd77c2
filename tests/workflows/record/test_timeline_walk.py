"""The timeline takes its page from the walk that verifies the subject (issue 22: it read and
hashed the page's events a second time): the events it keeps and their check marks are those
a separate read and ``events_check`` give, on any page, whole or tampered; the subject's
verdict does not depend on how many events each of the walk's statements reads; and the page
reads the record in one statement."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows.record.models import Event
from workflows.record.services import record_append
from workflows.record.verify import events_check, record_verify, subject_page_verify

from .tampering import swap_seqs, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def subjects(make_unit):
    """#1 to #6 alternate between A and B; #7 to #12 are all A's."""
    a, b = make_unit("财政局"), make_unit("教育局")
    for i in range(12):
        subject = a if i % 2 == 0 or i >= 6 else b
        record_append(actor="system", action="opinion.given", subject=subject, payload={"n": i})
    return a, b


TAMPERINGS = {
    "none": lambda: None,
    "a payload changed": lambda: tamper(
        """UPDATE record_event SET payload = '{"n": 99}' WHERE seq = 5"""
    ),
    "an SM3 digest forged": lambda: tamper(
        f"UPDATE record_event SET hash_sm3 = '{'1' * 64}' WHERE seq = 8"
    ),
    "another subject's event deleted": lambda: tamper("DELETE FROM record_event WHERE seq = 4"),
    "its own event deleted": lambda: tamper("DELETE FROM record_event WHERE seq = 9"),
    "the end cut off": lambda: tamper("DELETE FROM record_event WHERE seq >= 11"),
    "two events swapped": lambda: swap_seqs(4, 5),
}


def _fields(events) -> list[tuple]:
    return [tuple(getattr(e, f.attname) for f in Event._meta.concrete_fields) for e in events]


def _events_of(unit) -> list[Event]:
    return list(Event.objects.filter(object_id=str(unit.pk)).order_by("seq"))


@pytest.mark.parametrize("tampering", TAMPERINGS)
@pytest.mark.parametrize("keep", [slice(0, 3), slice(3, 6), slice(-4, None), slice(0, 100)])
def test_the_kept_events_and_marks_are_those_read_and_checked_apart(subjects, tampering, keep):
    a, _ = subjects
    TAMPERINGS[tampering]()
    every = _events_of(a)
    apart = every[keep]
    walked = subject_page_verify(a, keep=keep)
    assert _fields(walked.events) == _fields(apart)
    assert walked.checks == events_check(apart)
    assert walked.first == range(len(every))[keep].start
    assert walked.verification == record_verify(subject=a)


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_the_verdict_is_the_same_whatever_the_chunk_size(subjects, tampering):
    TAMPERINGS[tampering]()
    for subject in subjects:
        whole = record_verify(subject=subject)
        for chunk_size in (1, 2, 5):
            assert record_verify(subject=subject, chunk_size=chunk_size) == whole


def test_a_tampered_event_of_another_page_breaks_the_subject_but_not_this_pages_marks(
    subjects,
):
    a, _ = subjects
    tamper("""UPDATE record_event SET payload = '{"n": 99}' WHERE seq = 12""")
    walked = subject_page_verify(a, keep=slice(0, 3))
    assert (walked.verification.ok, walked.verification.broken_seq) == (False, 12)
    assert all(check.ok for check in walked.checks.values())


def _url(unit, page=None) -> str:
    url = reverse(
        "record:timeline", kwargs={"subject_type": "workflows.unit", "object_id": unit.pk}
    )
    return url if page is None else f"{url}?page={page}"


def _seqs(html: str) -> list[int]:
    return [int(seq) for seq in re.findall(r'data-testid="record-event" data-seq="(\d+)"', html)]


def test_the_page_reads_the_record_once_and_counts_the_gaps_only_when_interleaved(
    client, archivist, make_unit
):
    own, mixed, other = make_unit("独占局"), make_unit("交错局"), make_unit("别的局")
    for _ in range(3):
        record_append(actor="system", action="opinion.given", subject=own)
    for subject in (mixed, other, mixed, other, mixed):
        record_append(actor="system", action="opinion.given", subject=subject)
    client.force_login(archivist)
    for unit, statements in ((own, 1), (mixed, 2)):
        client.get(_url(unit))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(unit)).status_code == 200
        on_the_record = [q["sql"] for q in queries if '"record_event"' in q["sql"]]
        assert len(on_the_record) == statements, on_the_record


def test_the_last_page_and_a_numbered_page_show_the_same_events(client, archivist, make_unit):
    unit = make_unit("长记录局")
    for k in range(105):  # the page holds 100
        record_append(actor="system", action="unit.created", subject=unit, payload={"n": k})
    client.force_login(archivist)
    second = client.get(_url(unit, 2))
    last = client.get(_url(unit, "last"))
    assert _seqs(last.content.decode()) == _seqs(second.content.decode())
    assert len(_seqs(second.content.decode())) == 5
    assert last.context["page_obj"].number == 2
    first = _seqs(client.get(_url(unit, 1)).content.decode())
    assert (
        first == sorted(first) and len(first) == 100 and first[-1] < _seqs(last.content.decode())[0]
    )
    for page in ("0", "-1", "3", "abc"):
        assert client.get(_url(unit, page)).status_code == 404


def test_an_archivists_page_costs_a_fixed_number_of_statements(client, archivist, make_unit):
    unit = make_unit("计数局")
    for _ in range(3):
        record_append(actor="system", action="opinion.given", subject=unit, payload={"unit": 1})
    client.force_login(archivist)
    client.get(_url(unit))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(unit)).status_code == 200
    # The session and the person, the subject, the person's groups, the record, the units
    # the payloads name, the unread notifications (it was 12: the content types, the chain
    # head, the neighbours and the page's events and their predecessors, each apart).
    assert len(queries) <= 7, "\n".join(q["sql"] for q in queries)
