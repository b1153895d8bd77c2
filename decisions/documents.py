"""Meeting papers as .docx (python-docx), official records written in Chinese.

``session_minutes_docx``: the 会议纪要 of a numbered session — who chaired, who was present,
absent and attending (列席), and per agenda item what was decided and, against the majority,
the head's reason (第三十条), issued by the government office. No 同意/反对/弃权: a 纪要 records
what the meeting decided, not a vote.
``session_record_docx``: the verbatim 会议记录 — per item every statement in speaking order,
as stated, the head last (第三十条: 如实记录，不同意见应当如实载明).
``meeting_minutes_docx``: the record of one deliberation (one item), kept in the archive package
of a decision (第三十三条).

Each gives the same bytes every time (dated by the session, not by the download): the archive
package that holds them must not change from one export to the next. Every time printed is the
county's (``TIME_ZONE``, Asia/Shanghai), as the people in the room read it.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document

from workflows.docxfiles import docx_bytes
from workflows.offices import general_office_of

from .models import Meeting, Session, SessionAttendance

POSITION = {"support": "同意", "oppose": "反对", "abstain": "弃权", "conditional": "附条件同意"}
DECISION = {
    "adopt": "通过",
    "adopt_with_amendments": "修改后通过",
    "reject": "不予通过",
    "defer": "暂缓审议",
}
KIND = {"executive": "常务会议", "plenary": "全体会议"}
DIGITS = "零一二三四五六七八九"


def _local(moment):
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def _name(person) -> str:
    return person.get_full_name() or person.username


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (agenda items are numbered 一、二、三…)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def session_title(session: Session) -> str:
    """县政府第N次常务会议, as the official papers name it."""
    return f"{session.government.name}第{session.number}次{KIND[session.kind]}"


def _issuer(session: Session) -> str:
    try:
        return general_office_of(session.government).name
    except ValidationError:  # not named yet: the government itself
        return session.government.name


def _dated(session: Session):
    return session.concluded_at or session.held_at


def _attendance_paragraphs(document, session: Session) -> None:
    rows = list(session.attendance.select_related("person", "unit").order_by("pk"))
    document.add_paragraph(f"时间：{_local(session.held_at):%Y-%m-%d %H:%M}")
    document.add_paragraph(f"主持：{_name(session.principal)}")
    present = [a for a in rows if a.role == SessionAttendance.Role.MEMBER and a.present]
    absent = [a for a in rows if a.role == SessionAttendance.Role.MEMBER and not a.present]
    attending = [a for a in rows if a.role == SessionAttendance.Role.ATTENDEE]
    document.add_paragraph("出席：" + "、".join(_name(a.person) for a in present))
    if absent:
        document.add_paragraph(
            "缺席："
            + "、".join(
                f"{_name(a.person)}（{a.absence_reason}）" if a.absence_reason else _name(a.person)
                for a in absent
            )
        )
    if attending:
        document.add_paragraph(
            "列席："
            + "、".join(
                f"{_name(a.person)}（{a.unit.name}）" if a.unit else _name(a.person)
                for a in attending
            )
        )


def session_minutes_docx(session: Session) -> bytes:
    """The 会议纪要 of ``session``: what the meeting decided on each item (第三十条)."""
    document = Document()
    title = f"{session_title(session)}纪要"
    document.add_heading(title, level=1)
    _attendance_paragraphs(document, session)
    document.add_heading("会议议定事项", level=2)
    items = session.items.select_related("lead_unit", "presenter").order_by("order")
    for item in items:
        meeting = Meeting.objects.filter(item=item).first()
        document.add_paragraph(f"{chinese_number(item.order)}、{item.title}")
        presenter = f"，{_name(item.presenter)}汇报" if item.presenter else ""
        document.add_paragraph(f"承办单位：{item.lead_unit.name}{presenter}")
        if meeting is None or not meeting.head_decision:
            document.add_paragraph("会议决定：未作决定")
            continue
        document.add_paragraph(f"会议决定：{DECISION[meeting.head_decision]}")
        if meeting.amendments:
            document.add_paragraph(f"修改意见：{meeting.amendments}")
        if meeting.head_reason:
            document.add_paragraph(f"主持人决定与多数意见不一致的理由：{meeting.head_reason}")
    document.add_paragraph(_issuer(session))
    document.add_paragraph(f"{_local(_dated(session)):%Y年%-m月%-d日}")
    return docx_bytes(document, at=_dated(session), title=title)


def session_record_docx(session: Session) -> bytes:
    """The verbatim 会议记录 of ``session``: every statement as stated, the head last."""
    document = Document()
    title = f"{session_title(session)}记录"
    document.add_heading(title, level=1)
    _attendance_paragraphs(document, session)
    document.add_paragraph(f"记录：{_name(session.secretary)}")
    for item in session.items.select_related("lead_unit").order_by("order"):
        document.add_heading(f"{chinese_number(item.order)}、{item.title}", level=2)
        meeting = Meeting.objects.filter(item=item).first()
        if meeting is None:
            continue
        _statements(document, meeting)
    return docx_bytes(document, at=_dated(session), title=title)


def _statements(document, meeting: Meeting) -> None:
    for st in meeting.statements.select_related("speaker").order_by("order"):
        document.add_paragraph(
            f"{st.order}. {_name(st.speaker)}（{POSITION[st.position]}）：{st.text}"
        )
    if meeting.head_decision:
        document.add_paragraph(f"决定：{DECISION[meeting.head_decision]}")
        if meeting.amendments:
            document.add_paragraph(f"修改意见：{meeting.amendments}")
        if meeting.head_reason:
            document.add_paragraph(f"与多数意见不一致的理由：{meeting.head_reason}")


def meeting_minutes_docx(meeting: Meeting) -> bytes:
    """The record of one deliberation (one agenda item): attendance, every statement verbatim
    in speaking order, the head's decision and, against the majority, the reason."""
    document = Document()
    session = meeting.item.session if meeting.item_id else None
    subject = meeting.decision.title if meeting.decision_id else meeting.item.title
    name = session_title(session) if session else KIND[meeting.kind]
    document.add_heading(f"{name}纪要：{subject}", level=1)
    document.add_paragraph(f"时间：{_local(meeting.held_at):%Y-%m-%d %H:%M}")
    present = meeting.attendance.filter(present=True).select_related("person")
    absent = meeting.attendance.filter(present=False).select_related("person")
    document.add_paragraph("出席：" + "、".join(_name(a.person) for a in present))
    if absent:
        document.add_paragraph("缺席：" + "、".join(_name(a.person) for a in absent))
    document.add_heading("发言（按发言顺序，如实记录）", level=2)
    _statements(document, meeting)
    title = f"{name}纪要"
    return docx_bytes(document, at=meeting.decided_at or meeting.held_at, title=title)
