"""The major-decision section of the annual report, put together: its figures, then one sentence
per part of the seed's text (一是健全决策机制, 二是坚持集体决策机制, 三是坚持重大行政决策合法性
审查), the query behind each figure and the charts.

A decision taken is a deliberation (``Meeting``) of a major decision, counted by the day the
meeting was held; the numbered sessions and the agenda checks are counted in ``sessions``."""

from collections import Counter

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.selectors import calendar_for
from workflows.consultations.models import Comment, Consultation, Disposition
from workflows.reports import average_working_days, chart, duration_clause, year_bounds

from ..models import (
    Decision,
    LegalityReview,
    Meeting,
    Outcome,
    RiskAssessment,
    RiskDimension,
    Stage,
    Statement,
)
from .sessions import ITEM_KIND_ZH, agenda_checks, sessions_figures, sessions_text

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


# --- figures --------------------------------------------------------------------------------


def _started(year: int) -> QuerySet:
    """The decisions started (created) in ``year``."""
    start, end = year_bounds(year)
    return Decision.objects.filter(created_at__gte=start, created_at__lt=end)


def _taken(year: int) -> tuple[Counter, dict]:
    """The decisions deliberated at a meeting held in ``year``, by outcome (deferrals apart),
    and its figures: the head speaking last (第三十条), the full statutory procedure (the
    archiving checklist complete, 第三十三条) and the legality review before the meeting."""
    start, end = year_bounds(year)
    # Counted by the day the meeting was held; a deferral is not a decision taken; an agenda
    # item that is not a major decision is deliberated in a Meeting too, but is no decision.
    meetings = Meeting.objects.filter(
        status=Meeting.Status.CONCLUDED, held_at__gte=start, held_at__lt=end, decision__isnull=False
    )
    decided = Counter(meetings.values_list("head_decision", flat=True))
    deferred = decided.pop(Outcome.DEFERRED, 0)
    taken = meetings.exclude(head_decision=Outcome.DEFERRED)
    taken_ids = list(taken.values_list("decision", flat=True))
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
    return decided, {
        "decided": {o: decided.get(o, 0) for o in Outcome.values if o and o != "defer"},
        "deferred": deferred,
        "head_spoke_last": head_last,
        "full_procedure": full,
        "agenda_items_reviewed": reviewed_before,
    }


def _consultations(year: int, started: QuerySet) -> tuple[dict, dict, list[str]]:
    """The public consultations on decision drafts opened in ``year`` and the comments they
    received, by how each was disposed of; and the reasons the decisions started in ``year``
    were not put to consultation."""
    start, end = year_bounds(year)
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
    consultations = {"held": consulted.count(), "skipped": len(skipped)}
    public_comments = {
        "received": comments.count(),
        "adopted": dispositions["adopted"],
        "partly_adopted": dispositions["partly_adopted"],
        "not_adopted": dispositions["not_adopted"],
    }
    return consultations, public_comments, skipped


def _risk_assessments(year: int) -> dict:
    """The risk assessments submitted in ``year`` and the dimensions they assessed."""
    start, end = year_bounds(year)
    assessments = RiskAssessment.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    dimensions = Counter(
        RiskDimension.objects.filter(assessment__in=assessments).values_list("dimension", flat=True)
    )
    return {
        "submitted": assessments.count(),
        "by_dimension": {d: dimensions.get(d, 0) for d in RiskDimension.Dimension.values},
    }


def _legality_reviews(year: int) -> dict:
    """The legality reviews completed in ``year`` (第二十六条), by outcome, and their days."""
    outcomes, days = review_durations(year)
    return {
        "completed": sum(outcomes.values()),
        "outcomes": {k: outcomes.get(k, 0) for k in REVIEW_ZH},
        "working_days": days,
    }


# --- sentences: one per part of the seed's text ---------------------------------------------


def _mechanism_sentence(figures: dict, skipped: list[str]) -> str:
    """一是健全决策机制: the public consultations and the risk assessments."""
    comments = figures["public_comments"]
    consult = (
        f"对{figures['consultations']['held']}项决策草案公开征求意见，收到意见{comments['received']}条，"
        f"采纳{comments['adopted']}条，部分采纳{comments['partly_adopted']}条，"
        f"未采纳{comments['not_adopted']}条"
    )
    if skipped:
        consult += f"；{len(skipped)}项依法不予公开征求意见（" + "；".join(skipped) + "）"
    assessments = figures["risk_assessments"]["submitted"]
    dimensions = figures["risk_assessments"]["by_dimension"]
    risk = f"开展风险评估{assessments}次" + (
        "，评估社会稳定"
        f"{dimensions['social_stability']}项、公共安全{dimensions['public_safety']}项、"
        f"生态环境{dimensions['ecological_environment']}项、经济{dimensions['economy']}项"
        if assessments
        else ""
    )
    return f"一是健全决策机制。{consult}。{risk}，涉及社会稳定、公共安全、环境和经济等方面。"


def _collective_sentence(figures: dict, decided: Counter) -> str:
    """二是坚持集体决策机制: the sessions held, the decisions taken at them and how (第三十条),
    and those that went through the full statutory procedure (第三十三条)."""
    decided_total = sum(decided.values())
    deferred = figures["deferred"]
    taken_text = (
        f"全年经县政府常务会议或全体会议集体讨论决定重大行政决策{decided_total}项"
        + (
            "（" + "、".join(f"{OUTCOME_ZH[k]}{v}项" for k, v in sorted(decided.items())) + "）"
            if decided_total
            else ""
        )
        + (f"，暂缓审议{deferred}项" if deferred else "")
    )
    return (
        f"二是坚持集体决策机制。{sessions_text(figures['sessions'])}。{taken_text}，其中县政府主要负责人"
        f"在集体讨论会议上末位发言{figures['head_spoke_last']}项，"
        f"履行全部法定程序并归档{figures['full_procedure']}项。"
    )


def _legality_sentence(figures: dict) -> str:
    """三是坚持重大行政决策合法性审查: the legality reviews (第二十六条) and the checks of the
    items proposed to the meetings (第二十五条、第二十八条)."""
    reviews = figures["legality_reviews"]
    review_text = (
        f"开展重大行政决策合法性审查{reviews['completed']}件"
        + (
            "，其中"
            + "、".join(
                f"{REVIEW_ZH[k]}{reviews['outcomes'][k]}件"
                for k in REVIEW_ZH
                if reviews["outcomes"][k]
            )
            if reviews["completed"]
            else ""
        )
        + duration_clause(reviews["working_days"], verb="审查")
    )
    by_kind = figures["sessions"]["items_checked"]
    items_checked = sum(by_kind.values())
    checks = figures["agenda_checks"]
    return (
        f"三是坚持重大行政决策合法性审查。{review_text}；提交会议讨论的重大行政决策事项经合法性"
        f"审查{figures['agenda_items_reviewed']}项。落实政府常务会议议题合法性审核，"
        f"提请县政府常务会议、全体会议审议的议题经司法行政部门合法性审核{items_checked}项"
        + (
            "（" + "、".join(f"{ITEM_KIND_ZH[k]}{v}项" for k, v in by_kind.items() if v) + "）"
            if items_checked
            else ""
        )
        + f"；全年审核提请会议审议的其他议题{checks['checked']}项，"
        f"经审核不合法、不予提请会议审议{checks['refused']}项。"
    )


# --- the section ----------------------------------------------------------------------------


def _queries(year: int) -> dict:
    """How each figure is counted, in words."""
    bounds = f"from 1 January {year} to 31 December {year}"
    return {
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
        "consultations.held": "workflows.consultations.Consultation on a decision, "
        f"opens_at {bounds}",
        "consultations.skipped": f"decisions.Decision created_at {bounds}, not_disclosable",
        "public_comments": "workflows.consultations.Comment of those consultations, by Disposition",
        "risk_assessments": f"decisions.RiskAssessment submitted_at {bounds}; RiskDimension rows",
        "legality_reviews": f"decisions.LegalityReview completed, completed_at {bounds}; "
        "working days from submitted_at by the holiday calendar",
    }


def _charts(figures: dict) -> list:
    return [
        chart(
            _("Decisions started, by current stage"),
            [(label, label, figures["by_stage"][value]) for value, label in Stage.choices],
        ),
        chart(
            _("Decisions taken at the meeting, by outcome"),
            [
                (label, OUTCOME_ZH[value], figures["decided"][value])
                for value, label in Outcome.choices
                if value and value != "defer"
            ],
        ),
        chart(
            _("Risk assessments, by dimension"),
            [
                (label, label, figures["risk_assessments"]["by_dimension"][value])
                for value, label in RiskDimension.Dimension.choices
            ],
        ),
    ]


def decisions_section(year: int) -> dict:
    started = _started(year)
    by_stage = Counter(started.values_list("stage", flat=True))
    decided, taken = _taken(year)
    consultations, public_comments, skipped = _consultations(year, started)
    figures = {
        "started": started.count(),
        "by_stage": {stage: by_stage.get(stage, 0) for stage in Stage.values},
        **taken,
        "sessions": sessions_figures(year),
        "agenda_checks": agenda_checks(year),
        "consultations": consultations,
        "public_comments": public_comments,
        "risk_assessments": _risk_assessments(year),
        "legality_reviews": _legality_reviews(year),
    }
    return {
        "title": _("Major decisions"),
        "heading": "健全行政决策制度体系",
        "place": "decisions",
        "sentences": [
            _mechanism_sentence(figures, skipped),
            _collective_sentence(figures, decided),
            _legality_sentence(figures),
        ],
        "figures": figures,
        "queries": _queries(year),
        "charts": _charts(figures),
    }
