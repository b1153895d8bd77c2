"""The numbered sessions of the annual report's major-decision section (第三十条): the sessions
held in the year by kind, their items deliberated by kind, the items that passed the review
office's legality check before going on the agenda (the seed's 落实政府常务会议议题合法性审核),
the sessions where the head spoke last on every item, and the review office's checks of the
other agenda items (第二十五条、第二十八条)."""

from collections import Counter

from workflows.reports import year_bounds

from ..models import AgendaItem, LegalityReview, Outcome, Session, Statement
from ..rules.meeting import may_go_on_agenda

SESSION_KIND_ZH = {"executive": "常务会议", "plenary": "全体会议"}
ITEM_KIND_ZH = {
    "major_decision": "重大行政决策事项",
    "normative_document": "行政规范性文件",
    "other": "其他议题",
}


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


def sessions_text(figures: dict) -> str:
    """The sessions held and their items deliberated, as the seed words them (第三十条)."""
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
