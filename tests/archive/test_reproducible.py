"""Two exports of the same sealed subject are the same bytes, file for file (``diff -r``), and
both pass the four-property check; the export is recorded without changing the package."""

import filecmp
import io
import zipfile

import pytest
from django.core.management import call_command

from decisions.documents import meeting_minutes_docx
from decisions.models import Decision, Meeting
from normdocs.models import NormativeDocument
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def files_of(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


def assert_identical(first, second):
    assert files_of(first) == files_of(second)
    for name in files_of(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    comparison = filecmp.dircmp(first, second)
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only


def export_twice(kind, pk, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("archive_export", kind, str(pk), "--out", str(first))
    call_command("archive_export", kind, str(pk), "--out", str(second))
    return first, second


def test_two_exports_of_a_sealed_decision_are_byte_identical_when_nothing_changed(tmp_path):
    call_command("demo", quiet_accounts=True)
    decision = Decision.objects.get(stage="archived", catalogue_item__year=2026)

    first, second = export_twice("decision", decision.pk, tmp_path)

    assert (first / "data/content/meetings/minutes-1.docx").is_file()
    assert_identical(first, second)
    call_command("archive_check", str(first))
    call_command("archive_check", str(second))
    # Both exports are in the record; neither is in the package.
    assert Event.objects.filter(action="archive.exported", object_id=str(decision.pk)).count() == 2
    assert b"archive.exported" not in (first / "data/record.jsonl").read_bytes()


def test_two_exports_of_a_repealed_normative_document_are_byte_identical(tmp_path):
    call_command("demo", quiet_accounts=True)
    repealed = NormativeDocument.objects.get(number="恰政发〔2016〕8号")

    first, second = export_twice("normdoc", repealed.pk, tmp_path)

    assert_identical(first, second)
    call_command("archive_check", str(first))
    call_command("archive_check", str(second))


def test_the_minutes_are_the_same_bytes_when_generated_twice(tmp_path):
    call_command("demo", quiet_accounts=True)
    meeting = Meeting.objects.filter(status=Meeting.Status.CONCLUDED).first()

    data = meeting_minutes_docx(meeting)

    assert data == meeting_minutes_docx(meeting)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    stamp = (meeting.decided_at or meeting.held_at).strftime("%Y-%m-%dT%H:%M")
    assert stamp[:10] in core
