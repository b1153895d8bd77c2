"""The major-decision section of the annual report (domain.md §5): decisions by stage and outcome,
how many went through the full statutory procedure, public comments received and adopted, and
the legality reviews with their outcomes and durations in working days (第二十六条).

A decision taken is a deliberation (``Meeting``) of a major decision: the other agenda items of a
session are deliberated in a ``Meeting`` too and never count as decisions. The numbered sessions
(第三十条) are counted by the day they were held: by kind, their items deliberated by kind, the
items that passed the review office's legality check before going on the agenda (the seed's
落实政府常务会议议题合法性审核) and the sessions where the head spoke last on every item."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.selectors import calendar_for
from workflows.consultations.models import Comment, Consultation, Disposition
from workflows.reports import (
    average_working_days,
    chart,
    duration_clause,
    register_report_section,
    year_bounds,
)

from .models import (
    AgendaItem,
    Decision,
    LegalityReview,
    Meeting,
    Outcome,
    RiskAssessment,
    RiskDimension,
    Session,
    Stage,
    Statement,
)
from .rules.meeting import may_go_on_agenda

OUTCOME_ZH = {
    "adopt": "通过",
    "adopt_with_amendments": "修改后通过",
    "reject": "不予通过",
    "defer": "暂缓审议",
}
REVIEW_ZH = {"lawful": "合法", "lawful_with_amendments": "修改后合法", "unlawful": "不合法"}
SESSION_KIND_ZH = {"executive": "常务会议", "plenary": "全体会议"}
ITEM_KIND_ZH = {
    "major_decision": "重大行政决策事项",
    "normative_document": "行政规范性文件",
    "other": "其他议题",
}


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


def _item_checked(item: AgendaItem) -> bool:
    """Did the item pass the review office's legality check before it went on the agenda
    (议题合法性审核, 第二十五条、第二十八条): a major decision by the completed legality review it
    was scheduled on, a normative document by its own review, any other item by its check."""
    if item.kind == AgendaItem.Kind.MAJOR_DECISION:
        review = item.review
        return (
            review is not None
            and review.status == LegalityReview.Status.COMPLETED
            and may_go_on_agenda(
                outcome=review.outcome,
                exploratory_reform=review.exploratory_reform,
                legal_risk_statement=review.legal_risk_statement,
            )
        )
    if item.kind == AgendaItem.Kind.NORMATIVE_DOCUMENT:
        from normdocs.rules.drafting import deliberation_refusal

        if item.document is None:
            return False
        review = item.document.reviews.order_by("-id").first()
        return (
            review is not None
            and bool(review.outcome)
            and deliberation_refusal(
                review_outcome=review.outcome,
                amendments_recorded=bool(review.amendments_recorded_at),
            )
            is None
        )
    return item.checked_at is not None and may_go_on_agenda(
        outcome=item.check_outcome,
        exploratory_reform=item.exploratory_reform,
        legal_risk_statement=item.legal_risk_statement,
    )


def sessions_figures(year: int) -> dict:
    """The numbered sessions held in ``year`` (by the day held, Asia/Shanghai): by kind, their
    agenda items deliberated by kind, the items that passed the legality check before going on
    the agenda (the seed's 落实政府常务会议议题合法性审核), and the sessions at which the head
    spoke last on every item (the seed's 主要负责人"末位"发言, 第三十条)."""
    start, end = year_bounds(year)
    held = Session.objects.filter(
        status__in=[Session.Status.OPEN, Session.Status.CONCLUDED],
        held_at__gte=start,
        held_at__lt=end,
    )
    by_kind = Counter(held.values_list("kind", flat=True))
    items = list(
        AgendaItem.objects.filter(session__in=held)
        .select_related("review", "document", "deliberation")
        .order_by("session", "order")
    )
    # Deliberated to a decision: a deferral (暂缓审议) is no collective decision, it is counted
    # apart (第三十条).
    decided = [
        item
        for item in items
        if getattr(item, "deliberation", None) is not None and item.deliberation.head_decision
    ]
    deliberated = [i for i in decided if i.deliberation.head_decision != Outcome.DEFERRED]
    items_deferred = len(decided) - len(deliberated)
    items_by_kind = Counter(item.kind for item in deliberated)
    checked = [item for item in items if _item_checked(item)]
    checked_by_kind = Counter(item.kind for item in checked)
    # The last statement of each deliberation: the head's, or not.
    last = {}
    for meeting, speaker, principal in (
        Statement.objects.filter(meeting__item__session__in=held)
        .order_by("meeting", "order")
        .values_list("meeting", "speaker", "meeting__principal")
    ):
        last[meeting] = speaker == principal
    per_session: dict[int, list[bool]] = {}
    for item in items:
        meeting = getattr(item, "deliberation", None)
        per_session.setdefault(item.session_id, []).append(
            meeting is not None and last.get(meeting.pk, False)
        )
    head_last = sum(1 for flags in per_session.values() if flags and all(flags))
    return {
        "held": {k: by_kind.get(k, 0) for k in SESSION_KIND_ZH},
        "items_deliberated": {k: items_by_kind.get(k, 0) for k in ITEM_KIND_ZH},
        "items_deferred": items_deferred,
        "items_checked": {k: checked_by_kind.get(k, 0) for k in ITEM_KIND_ZH},
        "head_spoke_last_on_every_item": head_last,
    }


def agenda_checks(year: int) -> dict:
    """The review office's checks of the items proposed to the government's meetings
    (议题合法性审核, 第二十五条、第二十八条), counted by the day checked: how many, and how many it
    refused (found unlawful, not an exploratory reform with its legal risk stated, so they may
    not go on the agenda). Major decisions and normative documents are checked by their own
    legality reviews, counted with those."""
    start, end = year_bounds(year)
    rows = list(
        AgendaItem.objects.filter(
            kind=AgendaItem.Kind.OTHER, checked_at__gte=start, checked_at__lt=end
        ).values_list("check_outcome", "exploratory_reform", "legal_risk_statement")
    )
    refused = sum(
        1
        for outcome, reform, risk in rows
        if not may_go_on_agenda(
            outcome=outcome, exploratory_reform=reform, legal_risk_statement=risk
        )
    )
    return {"checked": len(rows), "refused": refused}


def _sessions_text(figures: dict) -> str:
    held, items = figures["held"], figures["items_deliberated"]
    total = sum(items.values())
    text = (
        f"全年召开县政府常务会议{held['executive']}次、全体会议{held['plenary']}次，"
        f"审议议题{total}项"
    )
    if total:
        text += "（" + "、".join(f"{ITEM_KIND_ZH[k]}{v}项" for k, v in items.items() if v) + "）"
    if figures["items_deferred"]:
        text += f"，暂缓审议议题{figures['items_deferred']}项"
    if sum(held.values()):
        text += (
            f"，县政府主要负责人在{figures['head_spoke_last_on_every_item']}次会议上"
            "对全部议题末位发言"
        )
    return text


def decisions_section(year: int) -> dict:
    start, end = year_bounds(year)
    started = Decision.objects.filter(created_at__gte=start, created_at__lt=end)
    by_stage = Counter(started.values_list("stage", flat=True))
    # Counted by the day the meeting was held; a deferral is not a decision taken; an agenda
    # item that is not a major decision is deliberated in a Meeting too, but is no decision.
    meetings = Meeting.objects.filter(
        status=Meeting.Status.CONCLUDED, held_at__gte=start, held_at__lt=end, decision__isnull=False
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
    sessions = sessions_figures(year)
    items_checked = sum(sessions["items_checked"].values())
    checks = agenda_checks(year)

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
        f"二是坚持集体决策机制。{_sessions_text(sessions)}。{taken_text}，其中县政府主要负责人"
        f"在集体讨论会议上末位发言{head_last}项，履行全部法定程序并归档{full}项。",
        f"三是坚持重大行政决策合法性审查。{review_text}；提交会议讨论的重大行政决策事项经合法性"
        f"审查{reviewed_before}项。落实政府常务会议议题合法性审核，提请县政府常务会议、全体会议"
        f"审议的议题经司法行政部门合法性审核{items_checked}项"
        + (
            "（"
            + "、".join(
                f"{ITEM_KIND_ZH[k]}{v}项" for k, v in sessions["items_checked"].items() if v
            )
            + "）"
            if items_checked
            else ""
        )
        + f"；全年审核提请会议审议的其他议题{checks['checked']}项，"
        f"经审核不合法、不予提请会议审议{checks['refused']}项。",
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
            "sessions": sessions,
            "agenda_checks": checks,
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
            "decided": f"decisions.Meeting of a decision (decision not null), concluded, held_at "
            f"{bounds}, by head_decision (not defer)",
            "deferred": f"decisions.Meeting of a decision (decision not null), concluded, held_at "
            f"{bounds}, head_decision defer",
            "head_spoke_last": "those decided meetings whose last decisions.Statement (by order) "
            "is the meeting's principal's",
            "full_procedure": "the decisions of those meetings whose seal_checklist is complete",
            "agenda_items_reviewed": "the decisions of those meetings with a completed "
            "decisions.LegalityReview",
            "sessions.held": f"decisions.Session open or concluded, held_at {bounds}, by kind",
            "sessions.items_deliberated": "decisions.AgendaItem on those sessions whose "
            "deliberation (decisions.Meeting) has a head_decision other than defer, by kind",
            "sessions.items_deferred": "decisions.AgendaItem on those sessions whose "
            "deliberation's head_decision is defer (not counted as deliberated)",
            "agenda_checks.checked": f"decisions.AgendaItem of kind other, checked_at {bounds}",
            "agenda_checks.refused": "those whose check_outcome, exploratory_reform and "
            "legal_risk_statement do not let them go on the agenda (rules.may_go_on_agenda)",
            "sessions.items_checked": "decisions.AgendaItem on those sessions that passed the "
            "legality check: major_decision by its completed decisions.LegalityReview (item.review), "
            "normative_document by its latest normdocs.LegalityReview, other by check_outcome "
            "and checked_at; by kind",
            "sessions.head_spoke_last_on_every_item": "those sessions where, for every item, the "
            "last decisions.Statement (by order) of its deliberation is the principal's",
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
