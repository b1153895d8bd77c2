"""Meeting minutes as .docx (python-docx): attendance, every statement verbatim in speaking
order, the head's decision and, when against the majority, the reason (第三十条、第三十三条)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from docx import Document

from workflows.docxfiles import docx_bytes

from .models import Meeting

POSITION = {"support": "同意", "oppose": "反对", "abstain": "弃权", "conditional": "附条件同意"}
DECISION = {
    "adopt": "通过",
    "adopt_with_amendments": "修改后通过",
    "reject": "不予通过",
    "defer": "暂缓审议",
}


def meeting_minutes_docx(meeting: Meeting) -> bytes:
    """The minutes are an official record, so they are written in Chinese. The same meeting
    gives the same bytes every time (dated by the meeting, not by the download): the archive
    package that holds them must not change from one export to the next. The time printed is
    the county's (``TIME_ZONE``, Asia/Shanghai), as the people in the room read it."""
    document = Document()
    document.add_heading(f"{meeting.get_kind_display()}纪要：{meeting.decision.title}", level=1)
    held_at = timezone.localtime(meeting.held_at, ZoneInfo(settings.TIME_ZONE))
    document.add_paragraph(f"时间：{held_at:%Y-%m-%d %H:%M}")
    present = meeting.attendance.filter(present=True).select_related("person")
    absent = meeting.attendance.filter(present=False).select_related("person")
    document.add_paragraph(
        "出席：" + "、".join(a.person.get_full_name() or a.person.username for a in present)
    )
    if absent:
        document.add_paragraph(
            "缺席：" + "、".join(a.person.get_full_name() or a.person.username for a in absent)
        )
    document.add_heading("发言（按发言顺序，如实记录）", level=2)
    for st in meeting.statements.select_related("speaker").order_by("order"):
        name = st.speaker.get_full_name() or st.speaker.username
        document.add_paragraph(f"{st.order}. {name}（{POSITION[st.position]}）：{st.text}")
    if meeting.head_decision:
        document.add_heading("决定", level=2)
        document.add_paragraph(DECISION[meeting.head_decision])
        if meeting.head_reason:
            document.add_paragraph(f"与多数意见不一致的理由：{meeting.head_reason}")
    title = f"{meeting.get_kind_display()}纪要"
    return docx_bytes(document, at=meeting.decided_at or meeting.held_at, title=title)
