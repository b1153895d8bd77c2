"""A sealed decision's archive package holds the numbered 合法性审查意见书 (.docx) of each approved
legality review, as the review office issued it (《重大行政决策程序暂行条例》第二十八条、第三十三条):
dated by the approval, the same bytes on every export, and the package passes the check."""

import io
import zipfile
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from decisions import services as s
from decisions.models import LegalityReview
from decisions.opinion import legality_opinion_docx
from tests.decisions.conftest import (  # noqa: F401 (fixtures shared with the decisions tests)
    Driver,
    catalogue_item,
    people,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(people, catalogue_item):  # noqa: F811
    """A decision reviewed (approved by the review office's head), rejected and sealed."""
    drive = Driver(people, catalogue_item)
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["oppose", "oppose", "abstain", "support"])
    s.meeting_decide(
        meeting=meeting, by=people["secretary"], head_decision="reject", statement="不同意。"
    )
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    return d


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_the_package_holds_the_numbered_opinion_as_issued(sealed, tmp_path, travel_to):
    review = LegalityReview.objects.get(decision=sealed)
    assert review.status == LegalityReview.Status.COMPLETED and review.opinion_number

    first, second = tmp_path / "first", tmp_path / "second"
    call_command("archive_export", "decision", str(sealed.pk), "--out", str(first))
    travel_to(timezone.now() + timedelta(days=40))  # exported again weeks later
    call_command("archive_export", "decision", str(sealed.pk), "--out", str(second))

    name = "data/content/legality-review/opinion-1.docx"
    data = (first / name).read_bytes()
    assert data == (second / name).read_bytes() == legality_opinion_docx(review)
    assert (first / "data/content/legality-review/opinion-1.txt").is_file()
    text = text_of(data)
    assert "合法性审查意见书" in text and review.opinion_number in text
    approved = timezone.localtime(review.completed_at)
    assert f"{approved.year}年{approved.month}月{approved.day}日" in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert review.completed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") in core
    manifest = (first / "manifest-sha256.txt").read_text()
    assert name in manifest
    call_command("archive_check", str(first))
    call_command("archive_check", str(second))


def test_a_review_not_yet_approved_gives_no_opinion_paper(sealed, tmp_path):
    LegalityReview.objects.filter(decision=sealed).update(
        status=LegalityReview.Status.AWAITING_APPROVAL
    )

    call_command("archive_export", "decision", str(sealed.pk), "--out", str(tmp_path / "bag"))

    content = tmp_path / "bag/data/content/legality-review"
    assert (content / "opinion-1.txt").is_file()
    assert not (content / "opinion-1.docx").exists()
