"""The legality review opinion (合法性审查意见书) as .docx: an official paper, in Chinese.

Issued in the review office's name under its number once the office's head approved it
(《重大行政决策程序暂行条例》第二十八条), naming the draft version it reviewed (its number and
SHA-256), so that the opinion and the text it judged can never be told apart. The same review
gives the same bytes every time (dated by the approval, not by the download), and every date
and time printed is the county's (``TIME_ZONE``, Asia/Shanghai).
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from workflows.docxfiles import docx_bytes

from .models import LegalityReview

OUTCOME = {
    "lawful": "合法",
    "lawful_with_amendments": "修改后合法（须按下列意见修改）",
    "unlawful": "不合法",
}


def _local(moment):
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def _day(moment) -> str:
    """A date as an official paper writes it: 2026年6月16日 (no leading zeros)."""
    return f"{moment.year}年{moment.month}月{moment.day}日"


def legality_opinion_docx(review: LegalityReview) -> bytes:
    """The issued opinion of ``review``; refused while it is not approved."""
    if review.status != LegalityReview.Status.COMPLETED or not review.opinion_number:
        raise ValidationError(
            _("The opinion is issued only once the review office's head has approved it."),
            code="opinion_not_issued",
        )
    decision = review.decision
    version = review.draft_version
    office = review.review_office
    approved = _local(review.completed_at)
    document = Document()
    heading = document.add_heading("合法性审查意见书", level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = document.add_paragraph(review.opinion_number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{decision.lead_unit.name}：")
    submitted = _local(review.submitted_at)
    document.add_paragraph(
        f"你单位于{_day(submitted)}送请合法性审查的《{decision.title}》"
        f"（草案第{version.number}版，SHA-256：{version.sha256}）收悉。"
        "根据《重大行政决策程序暂行条例》第二十五条至第二十八条，经审查，意见如下："
    )
    document.add_heading("一、审查依据", level=2)
    for basis in review.legal_basis or ["（未列明）"]:
        document.add_paragraph(str(basis), style="List Bullet")
    document.add_heading("二、审查结论", level=2)
    document.add_paragraph(OUTCOME.get(review.outcome, review.outcome))
    document.add_heading("三、审查意见", level=2)
    document.add_paragraph(review.opinion)
    if review.amendments:
        document.add_heading("四、修改意见", level=2)
        document.add_paragraph(review.amendments)
    if review.exploratory_reform:
        document.add_heading("探索性改革事项的法律风险", level=2)
        document.add_paragraph(review.legal_risk_statement)
    if review.short_time_reason:
        document.add_paragraph(f"注：送审单位要求缩短审查时间，理由为：{review.short_time_reason}")
    signature = document.add_paragraph(office.name if office else "")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date_line = document.add_paragraph(_day(approved))
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(f"（经本机关负责人于{approved:%Y-%m-%d %H:%M}批准）")
    return docx_bytes(
        document, at=review.completed_at, title=f"合法性审查意见书 {review.opinion_number}"
    )
