"""The major-decision section of the annual report (domain.md §5): decisions by stage and outcome,
how many went through the full statutory procedure, public comments received and adopted, and
the legality reviews with their outcomes and durations in working days (第二十六条)."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.selectors import calendar_for
from workflows.consultations.models import Comment, Consultation, Disposition
from workflows.reports import (
    PLACEHOLDER,
    average_working_days,
    chart,
    duration_clause,
    register_report_section,
    year_bounds,
)

from .models import (
    Decision,
    LegalityReview,
    Meeting,
    Outcome,
    RiskAssessment,
    RiskDimension,
    Stage,
    Statement,
)

OUTCOME_ZH = {
    "adopt": "通过",
    "adopt_with_amendments": "修改后通过",
    "reject": "不予通过",
    "defer": "暂缓审议",
}
REVIEW_ZH = {"lawful": "合法", "lawful_with_amendments": "修改后合法", "unlawful": "不合法"}


def review_durations(year: int) -> tuple[Counter, dict]:
    """Outcomes and working days taken of the legality reviews completed in ``year``; a review
    whose days cannot be counted yet (no holiday notice) is counted apart, never dropped."""
    start, end = year_bounds(year)
    reviews = list(
        LegalityReview.objects.filter(
            status=LegalityReview.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
        ).values_list("outcome", "submitted_at", "completed_at")
    )
    outcomes = Counter(outcome for outcome, _s, _c in reviews)
    days = average_working_days(
        [(timezone.localdate(s), timezone.localdate(c)) for _o, s, c in reviews], calendar_for()
    )
    return outcomes, days


def _head_spoke_last(meeting_ids) -> int:
    """Meetings whose last statement is the administrative head's (第三十条)."""
    last = {}
    for meeting, speaker, principal in (
        Statement.objects.filter(meeting__in=meeting_ids)
        .order_by("meeting", "order")
        .values_list("meeting", "speaker", "meeting__principal")
    ):
        last[meeting] = speaker == principal
    return sum(last.values())


def decisions_section(year: int) -> dict:
    start, end = year_bounds(year)
    started = Decision.objects.filter(created_at__gte=start, created_at__lt=end)
    by_stage = Counter(started.values_list("stage", flat=True))
    # Counted by the day the meeting was held; a deferral is not a decision taken.
    meetings = Meeting.objects.filter(
        status=Meeting.Status.CONCLUDED, held_at__gte=start, held_at__lt=end
    )
    decided = Counter(meetings.values_list("head_decision", flat=True))
    deferred = decided.pop(Outcome.DEFERRED, 0)
    taken = meetings.exclude(head_decision=Outcome.DEFERRED)
    taken_ids = list(taken.values_list("decision", flat=True))
    decided_total = sum(decided.values())
    head_last = _head_spoke_last(list(taken.values_list("pk", flat=True)))
    # The full statutory procedure: the archiving checklist complete (第三十三条).
    full = Decision.objects.filter(pk__in=taken_ids, seal_checklist__complete=True).count()
    reviewed_before = (
        LegalityReview.objects.filter(
            decision__in=taken_ids, status=LegalityReview.Status.COMPLETED
        )
        .values("decision")
        .distinct()
        .count()
    )
    consulted = Consultation.objects.filter(
        subject_type__app_label="decisions",
        subject_type__model="decision",
        opens_at__gte=start,
        opens_at__lt=end,
    )
    skipped = list(
        started.filter(not_disclosable=True).values_list("not_disclosable_reason", flat=True)
    )
    comments = Comment.objects.filter(consultation__in=consulted)
    dispositions = Counter(
        Disposition.objects.filter(comment__in=comments).values_list("outcome", flat=True)
    )
    assessments = RiskAssessment.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    dimensions = Counter(
        RiskDimension.objects.filter(assessment__in=assessments).values_list("dimension", flat=True)
    )
    review_outcomes, days = review_durations(year)
    reviews = sum(review_outcomes.values())

    taken_text = (
        f"全年经县政府常务会议或全体会议集体讨论决定重大行政决策{decided_total}项"
        + (
            "（" + "、".join(f"{OUTCOME_ZH[k]}{v}项" for k, v in sorted(decided.items())) + "）"
            if decided_total
            else ""
        )
        + (f"，暂缓审议{deferred}项" if deferred else "")
    )
    consult = f"对{consulted.count()}项决策草案公开征求意见，收到意见{comments.count()}条，" + (
        f"采纳{dispositions['adopted']}条，部分采纳{dispositions['partly_adopted']}条，"
        f"未采纳{dispositions['not_adopted']}条"
    )
    if skipped:
        consult += f"；{len(skipped)}项依法不予公开征求意见（" + "；".join(skipped) + "）"
    risk = f"开展风险评估{assessments.count()}次" + (
        "，评估社会稳定"
        f"{dimensions['social_stability']}项、公共安全{dimensions['public_safety']}项、"
        f"生态环境{dimensions['ecological_environment']}项、经济{dimensions['economy']}项"
        if assessments.exists()
        else ""
    )
    review_text = (
        f"开展重大行政决策合法性审查{reviews}件"
        + (
            "，其中"
            + "、".join(
                f"{REVIEW_ZH[k]}{review_outcomes[k]}件" for k in REVIEW_ZH if review_outcomes[k]
            )
            if reviews
            else ""
        )
        + duration_clause(days, verb="审查")
    )
    sentences = [
        f"一是健全决策机制。{consult}。{risk}，涉及社会稳定、公共安全、环境和经济等方面。",
        f"二是坚持集体决策机制。{taken_text}，其中县政府主要负责人在集体讨论会议上末位发言"
        f"{head_last}项，履行全部法定程序并归档{full}项。",
        f"三是坚持重大行政决策合法性审查。{review_text}；提交会议讨论的重大行政决策事项经合法性"
        f"审查{reviewed_before}项。{PLACEHOLDER}政府常务会议其他议题的合法性审核情况系统尚未记录"
        "（仅记录重大行政决策事项的合法性审查），由起草人填写。",
    ]
    bounds = f"from 1 January {year} to 31 December {year}"
    return {
        "title": _("Major decisions"),
        "heading": "健全行政决策制度体系",
        "place": "decisions",
        "sentences": sentences,
        "figures": {
            "started": started.count(),
            "by_stage": {stage: by_stage.get(stage, 0) for stage in Stage.values},
            "decided": {o: decided.get(o, 0) for o in Outcome.values if o and o != "defer"},
            "deferred": deferred,
            "head_spoke_last": head_last,
            "full_procedure": full,
            "agenda_items_reviewed": reviewed_before,
            "consultations": {"held": consulted.count(), "skipped": len(skipped)},
            "public_comments": {
                "received": comments.count(),
                "adopted": dispositions["adopted"],
                "partly_adopted": dispositions["partly_adopted"],
                "not_adopted": dispositions["not_adopted"],
            },
            "risk_assessments": {
                "submitted": assessments.count(),
                "by_dimension": {d: dimensions.get(d, 0) for d in RiskDimension.Dimension.values},
            },
            "legality_reviews": {
                "completed": reviews,
                "outcomes": {k: review_outcomes.get(k, 0) for k in REVIEW_ZH},
                "working_days": days,
            },
        },
        "queries": {
            "started": f"decisions.Decision created_at {bounds}",
            "by_stage": f"decisions.Decision created_at {bounds}, by stage",
            "decided": f"decisions.Meeting concluded, held_at {bounds}, by head_decision (not defer)",
            "deferred": f"decisions.Meeting concluded, held_at {bounds}, head_decision defer",
            "head_spoke_last": "those decided meetings whose last decisions.Statement (by order) "
            "is the meeting's principal's",
            "full_procedure": "the decisions of those meetings whose seal_checklist is complete",
            "agenda_items_reviewed": "the decisions of those meetings with a completed "
            "decisions.LegalityReview",
            "consultations.held": f"workflows.consultations.Consultation on a decision, opens_at {bounds}",
            "consultations.skipped": f"decisions.Decision created_at {bounds}, not_disclosable",
            "public_comments": "workflows.consultations.Comment of those consultations, by Disposition",
            "risk_assessments": f"decisions.RiskAssessment submitted_at {bounds}; RiskDimension rows",
            "legality_reviews": f"decisions.LegalityReview completed, completed_at {bounds}; "
            "working days from submitted_at by the holiday calendar",
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
                    if value and value != "defer"
                ],
            ),
            chart(
                _("Risk assessments, by dimension"),
                [
                    (label, label, dimensions.get(value, 0))
                    for value, label in RiskDimension.Dimension.choices
                ],
            ),
        ],
    }


register_report_section("decisions", decisions_section, order=10)
