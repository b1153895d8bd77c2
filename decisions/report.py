"""The major-decision section of the annual report (domain.md §5): decisions by stage and outcome,
how many went through the full statutory procedure, public comments received and adopted, and
the legality reviews with their outcomes and durations in working days (第二十六条)."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError, count_working_days
from workflows.clocks.selectors import calendar_for
from workflows.consultations.models import Comment, Disposition
from workflows.reports import chart, register_report_section, year_bounds

from .models import Decision, LegalityReview, Meeting, Outcome, Stage

OUTCOME_ZH = {
    "adopt": "通过",
    "adopt_with_amendments": "修改后通过",
    "reject": "不予通过",
    "defer": "暂缓审议",
}
REVIEW_ZH = {"lawful": "合法", "lawful_with_amendments": "修改后合法", "unlawful": "不合法"}


def review_durations(year: int) -> tuple[Counter, list[int]]:
    """Outcomes and working days taken of the legality reviews completed in ``year``."""
    start, end = year_bounds(year)
    reviews = LegalityReview.objects.filter(
        status=LegalityReview.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).values_list("outcome", "submitted_at", "completed_at")
    calendar = calendar_for()
    outcomes, durations = Counter(), []
    for outcome, submitted_at, completed_at in reviews:
        outcomes[outcome] += 1
        try:
            durations.append(
                count_working_days(
                    timezone.localdate(submitted_at),
                    timezone.localdate(completed_at),
                    calendar=calendar,
                )
            )
        except CalendarRangeError:
            pass  # a year whose holidays are not published: no duration rather than a guess
    return outcomes, durations


def decisions_section(year: int) -> dict:
    start, end = year_bounds(year)
    started = Decision.objects.filter(created_at__gte=start, created_at__lt=end)
    by_stage = Counter(started.values_list("stage", flat=True))
    decided = Counter(
        Meeting.objects.filter(
            status=Meeting.Status.CONCLUDED, decided_at__gte=start, decided_at__lt=end
        ).values_list("head_decision", flat=True)
    )
    # Sealing requires the complete archiving checklist (第三十三条): every statutory stage done.
    full = Decision.objects.filter(
        sealed_at__gte=start, sealed_at__lt=end, seal_checklist__complete=True
    ).count()
    comments = Comment.objects.filter(
        consultation__subject_type__app_label="decisions",
        consultation__subject_type__model="decision",
        submitted_at__gte=start,
        submitted_at__lt=end,
    )
    dispositions = Counter(
        Disposition.objects.filter(comment__in=comments).values_list("outcome", flat=True)
    )
    review_outcomes, durations = review_durations(year)
    reviews = sum(review_outcomes.values())
    average = round(sum(durations) / len(durations), 1) if durations else None
    decided_total = sum(decided.values())

    sentences = [
        f"全年启动重大行政决策{started.count()}项，经政府常务会议或全体会议集体讨论决定{decided_total}项"
        + (
            "（" + "、".join(f"{OUTCOME_ZH[k]}{v}项" for k, v in sorted(decided.items())) + "）"
            if decided_total
            else ""
        )
        + f"，履行全部法定程序并归档{full}项。",
        f"公开征求意见收到意见{comments.count()}条，采纳{dispositions['adopted']}条，"
        f"部分采纳{dispositions['partly_adopted']}条，未采纳{dispositions['not_adopted']}条。",
        f"开展重大行政决策合法性审查{reviews}件"
        + (
            "，其中"
            + "、".join(
                f"{REVIEW_ZH[k]}{review_outcomes[k]}件" for k in REVIEW_ZH if review_outcomes[k]
            )
            if reviews
            else ""
        )
        + (f"，平均审查用时{average}个工作日" if average is not None else "")
        + "。",
    ]
    return {
        "title": _("Major decisions"),
        "heading": "重大行政决策",
        "sentences": sentences,
        "figures": {
            "started": started.count(),
            "by_stage": {stage: by_stage.get(stage, 0) for stage in Stage.values},
            "by_outcome": {
                (outcome or "undecided"): count
                for outcome, count in Counter(started.values_list("outcome", flat=True)).items()
            },
            "decided": {o: decided.get(o, 0) for o in Outcome.values if o},
            "full_procedure": full,
            "public_comments": {
                "received": comments.count(),
                "adopted": dispositions["adopted"],
                "partly_adopted": dispositions["partly_adopted"],
                "not_adopted": dispositions["not_adopted"],
            },
            "legality_reviews": {
                "completed": reviews,
                "outcomes": {k: review_outcomes.get(k, 0) for k in REVIEW_ZH},
                "working_days": {
                    "min": min(durations) if durations else None,
                    "max": max(durations) if durations else None,
                    "average": average,
                },
            },
        },
        "charts": [
            chart(
                _("Decisions started, by current stage"),
                [(label, label, by_stage.get(value, 0)) for value, label in Stage.choices],
            ),
            chart(
                _("Decisions taken at the meeting, by outcome"),
                [
                    (label, OUTCOME_ZH[value], decided.get(value, 0))
                    for value, label in Outcome.choices
                    if value
                ],
            ),
            chart(
                _("Public comments"),
                [
                    (_("Received"), "收到", comments.count()),
                    (_("Adopted"), "采纳", dispositions["adopted"]),
                    (_("Partly adopted"), "部分采纳", dispositions["partly_adopted"]),
                ],
            ),
        ],
    }


register_report_section("decisions", decisions_section, order=10)
