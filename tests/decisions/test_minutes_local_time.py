"""The minutes print the meeting's time as the county reads it (Asia/Shanghai), not in UTC."""

import io
from datetime import UTC, datetime

from docx import Document

from decisions.documents import meeting_minutes_docx
from decisions.models import Meeting


def test_the_minutes_print_a_nine_o_clock_meeting_at_nine(drive):
    decision = drive.up_to_meeting()
    meeting = drive.adopt(decision)
    Meeting.objects.filter(pk=meeting.pk).update(held_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    meeting.refresh_from_db()

    text = "\n".join(p.text for p in Document(io.BytesIO(meeting_minutes_docx(meeting))).paragraphs)

    assert "时间：2026-12-07 09:00" in text
    assert "01:00" not in text
