"""Pure rules of public consultation. No ORM, no clock: callers pass every fact in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

RULE_KEY = "consultation.comment_period"
LEGAL_SOURCE_PERIOD = "《重大行政决策程序暂行条例》第十五条"
DEFAULT_MINIMUM_DAYS = 30
# 第十五条 sets only a minimum. A year is the longest period accepted: a draft out for comment
# longer than that is no longer the draft the public reads (it would be revised and consulted
# on again), and the stored period (a clock's length in days) must stay a small number.
MAXIMUM_DAYS = 365
# Subjects whose comment period stands on another legal source register its clock here, by
# model label: a normative document's period is set by 国办发〔2018〕37号 and 自治区人民政府令
# 第218号, not by 第十五条 (normdocs.clockrules registers "normdocs.normativedocument").
SUBJECT_RULE_KEYS: dict[str, str] = {}


def rule_key_for(subject_label: str | None) -> str:
    """The clock of the comment period for a subject of model ``subject_label``: its own when
    its app registered one, else ``RULE_KEY`` (《重大行政决策程序暂行条例》第十五条)."""
    return SUBJECT_RULE_KEYS.get(subject_label or "", RULE_KEY)


def earliest_close(*, opens_at: datetime, minimum_days: int) -> datetime:
    """The earliest moment a consultation opened at ``opens_at`` may close.

    《重大行政决策程序暂行条例》第十五条: the period for public comment is in general not less than
    30 days (the number is a per-jurisdiction setting).
    """
    return opens_at + timedelta(days=minimum_days)


def is_period_too_long(*, opens_at: datetime, closes_at: datetime) -> bool:
    """A comment period longer than ``MAXIMUM_DAYS`` (第十五条 sets the minimum; the maximum is
    this system's, see ``MAXIMUM_DAYS``)."""
    return closes_at - opens_at > timedelta(days=MAXIMUM_DAYS)


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the jurisdiction's time (Asia/Shanghai, the settings'
    TIME_ZONE): the day a person reads on the page (domain.md §4)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def period_problem(
    *, opens_at: datetime, closes_at: datetime, minimum_days: int, short_period_reason: str
) -> str | None:
    """Why this comment period is not acceptable, or None when it is.

    《重大行政决策程序暂行条例》第十五条: the period is counted in days (一般不少于30日) and a period
    shorter than the minimum needs a stated reason, which is published with the consultation.
    A period closing on the day it opens, or before, is no period of days at all: its closing
    day must come after its opening day, in the jurisdiction's time (``local_day``).
    """
    if closes_at <= opens_at or local_day(closes_at) <= local_day(opens_at):
        return "closes_before_opening"
    if is_period_too_long(opens_at=opens_at, closes_at=closes_at):
        return "period_too_long"
    if closes_at < earliest_close(opens_at=opens_at, minimum_days=minimum_days):
        if not short_period_reason.strip():
            return "short_period_without_reason"
    return None


def is_accepting_comments(
    *, status_open: bool, opens_at: datetime, closes_at: datetime, at: datetime
) -> bool:
    """A comment is admissible only while the consultation is open and within its period
    (《重大行政决策程序暂行条例》第十四条)."""
    return status_open and opens_at <= at < closes_at


def disposition_problem(*, outcome: str, reason: str) -> str | None:
    """A comment not (fully) adopted needs a reason (《重大行政决策程序暂行条例》第十五条:
    the handling of opinions is explained; 意见采纳情况)."""
    if outcome in ("partly_adopted", "not_adopted") and not reason.strip():
        return "reason_required"
    return None


def may_finish(*, comments_without_disposition: int) -> bool:
    """The consultation stage cannot finish while any comment lacks a disposition
    (《重大行政决策程序暂行条例》第十五条、第二十九条(二): the handling of public comments is part of
    the package the decision meeting receives)."""
    return comments_without_disposition == 0


@dataclass(frozen=True)
class DisposedComment:
    number: int
    paragraph_ref: str
    excerpt: str
    outcome: str
    reason: str
    # Shown only when the commenter consented (Comment.show_name); empty otherwise.
    public_name: str = ""
    # Hidden by moderation (abusive content kept for staff only): counted, never quoted.
    hidden: bool = False


OUTCOME_LABELS = {
    "adopted": "采纳",
    "partly_adopted": "部分采纳",
    "not_adopted": "不采纳",
}


def adoption_report(*, title: str, comments: Iterable[DisposedComment]) -> str:
    """The adoption report (意见采纳情况) the package and the publication carry
    (《重大行政决策程序暂行条例》第十五条、第二十九条、第三十二条).

    Written in Chinese because it is an official document, not UI text. The report is
    published, so a hidden comment (abusive content kept only for staff, 第三十三条) is counted
    but never quoted, and a commenter's name appears only with their consent.
    """
    comments = list(comments)
    counts = {key: sum(1 for c in comments if c.outcome == key) for key in OUTCOME_LABELS}
    shown = [c for c in comments if not c.hidden]
    hidden = len(comments) - len(shown)
    summary = (
        f"共收到意见{len(comments)}条，其中采纳{counts['adopted']}条，"
        f"部分采纳{counts['partly_adopted']}条，不采纳{counts['not_adopted']}条。"
    )
    if hidden:
        summary += f"上述意见中有{hidden}条因含不当内容不予公开。"
    lines = [f"关于《{title}》公开征求意见采纳情况的说明", "", summary, ""]
    for number, c in enumerate(shown, start=1):
        who = f"{c.public_name}：" if c.public_name else ""
        where = f"（{c.paragraph_ref}）" if c.paragraph_ref else ""
        reason = f"理由：{c.reason}" if c.reason else ""
        lines.append(f"{number}. {who}{where}{c.excerpt} —— {OUTCOME_LABELS[c.outcome]}。{reason}")
    return "\n".join(lines).rstrip() + "\n"
