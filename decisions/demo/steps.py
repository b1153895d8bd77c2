"""The procedure, step by step, as both years of the demo take it: the people who act, each
act done from the decision's open DecisionFlow task through the services (start, consultation,
disposal of comments, expert argumentation and risk assessment, legality review, the session's
agenda and deliberation, publication). Given ``at``, a step is back-entered on that date."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from workflows.calendar import CalendarRangeError, add_working_days
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.consultations.selectors import consultation_latest
from workflows.consultations.services import comment_submit
from workflows.models import Unit
from workflows.tasking import task_run

from .. import services as s
from ..flows import DecisionFlow
from ..models import Decision, Session
from ..rules import preparation
from ..services.review import RULE_KEY as REVIEW_CLOCK
from .data import BUREAU, EXPERT_OPINION, PLANS, RISK_LOW, Plan
from .data_2021 import EXPERT_OPINION_2021, PLANS_2021

# Each decision's plan (its drafter) and the expert's opinion on it, by title, of both years.
PLAN_OF = {plan.title: plan for plan in [*PLANS.values(), *PLANS_2021.values()]}
OPINION_OF = {**EXPERT_OPINION, **EXPERT_OPINION_2021}


def people() -> dict:
    User = get_user_model()
    names = (
        "drafter",
        "legal_advisor",
        "unit_head",
        "secretary",
        "member",
        "deputy_head",
        "principal",
        "publisher",
        "archivist",
        "expert",
        "risk_assessor",
        "drc_drafter",
        "drc_head",
        "housing_drafter",
        "housing_head",
        "emergency_drafter",
        "emergency_head",
        "township_drafter",
        "township_head",
    )
    return {name: User.objects.get(username=name) for name in names}


def act(decision: Decision, node: str, user, action, *, finishes: bool = True) -> None:
    """Take the open task ``node`` as ``user`` and do the work; the task ends unless
    ``finishes`` is False (an action of a step that stays open, such as scheduling)."""
    task = decision.process.task_set.get(
        flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    task_run(task=task, user=user, service=action, finishes=finishes)


def not_after(day: date, today: date) -> date:
    """A date of the year's plan, never later than the day the demo runs."""
    return min(day, today)


def start(plan: Plan, items, p, today: date, *, at: datetime | None = None) -> Decision:
    """Start the decision (第十条) and save its draft; ``at`` when back-entered."""
    d = s.decision_start(
        by=p[plan.drafter],
        lead_unit=Unit.objects.get(name=plan.unit),
        catalogue_item=items[plan.item],
        title=plan.title,
        problem=plan.problem,
        necessity=plan.necessity,
        legal_basis=plan.legal_basis,
        # 第十条: the government's decision to start it.
        start_decided_by="乌恰县人民政府县长",
        start_decided_on=not_after(plan.start_on, today),
        start_reference=plan.start_reference,
        at=at,
    )
    s.decision_draft_save(
        decision=d,
        by=p[plan.drafter],
        draft_text=plan.draft_text,
        drafting_explanation=plan.explanation,
        options=[
            {"title": "方案一", "text": "一次性实施"},
            {"title": "方案二", "text": "分阶段实施"},
        ],
        **plan.flags,
    )
    return d


def consult(
    d: Decision, drafter, *, opens_at: datetime, comments: list[str], back_entered: bool = False
) -> None:
    """Submit the draft and open its public consultation (31 days, 第十四条) with comments;
    back-entered, the draft is submitted the day before it opens."""
    submitted_at = opens_at - timedelta(days=1) if back_entered else None
    act(
        d,
        "draft",
        drafter,
        lambda: s.decision_draft_submit(decision=d, by=drafter, at=submitted_at),
    )

    def open_consultation():
        c = s.decision_consultation_open(
            decision=d, by=drafter, opens_at=opens_at, closes_at=opens_at + timedelta(days=31)
        )
        for i, text in enumerate(comments, 1):
            comment_submit(
                consultation=c, text=text, name=f"居民{i}", at=opens_at + timedelta(days=i)
            )

    act(d, "open_consultation", drafter, open_consultation)


def dispose_comments(d: Decision, drafter, *, at: datetime | None = None) -> None:
    """The period ran out in the past: the flow's timer closes it (as Celery beat would) and the
    drafter disposes of every comment (第十五条). Back-entered (``at``: when the drafter
    finished), it is closed when its period ran out; the timer then finds it closed."""
    if at is not None:
        closes_at = consultation_latest(subject=d).closes_at
        s.decision_consultation_close(decision=d, at=closes_at)
    fire_due_timers()
    d.refresh_from_db()

    def dispose():
        outcomes = ["adopted", "partly_adopted", "not_adopted"]
        for comment, outcome in zip(
            consultation_latest(subject=d).comments.order_by("pk"), outcomes, strict=False
        ):
            reason = "" if outcome == "adopted" else "与上位法规定或实际情况不符，未予（全部）采纳"
            s.decision_comment_dispose(comment=comment, by=drafter, outcome=outcome, reason=reason)
        s.decision_consultation_finish(decision=d, by=drafter, at=at)

    act(d, "dispose_comments", drafter, dispose)


def assess(d: Decision, p, *, assessor, experts: bool = False, at: datetime | None = None) -> None:
    """Expert argumentation when technical (第十九条) beside the risk assessment (第二十二条).
    Back-entered (``at``: when the experts were chosen), the expert gives the opinion two days
    later, the drafter handles it the day after, and the risk report comes the same day."""
    drafter = p[PLAN_OF[d.title].drafter]

    def later(days: int) -> datetime | None:
        return at + timedelta(days=days) if at is not None else None

    if experts:
        pooled = s.expert_register(
            user=p["expert"], fields=["应急管理", "工程技术"], by=p["legal_advisor"]
        )

        def argue():
            s.experts_choose(decision=d, by=drafter, experts=[pooled], at=at)
            opinion = s.expert_opinion_submit(
                decision=d,
                by=p["expert"],
                text=OPINION_OF.get(d.title, OPINION_OF[None])[0],
                signed=True,
                at=later(2),
            )
            s.expert_opinion_handle(
                opinion=opinion,
                by=drafter,
                handling=OPINION_OF.get(d.title, OPINION_OF[None])[1],
                at=later(3),
            )

        act(d, "expert_argumentation", drafter, argue)
    act(
        d,
        "risk_assessment",
        assessor,
        lambda: s.risk_assessment_submit(
            decision=d,
            by=assessor,
            dimensions=RISK_LOW,
            contingency_plan="出现较大分歧或群体性诉求时暂缓实施，重新评估。",
            overall_level="low",
            at=later(3),
        ),
    )


def submit(
    d: Decision, drafter, *, needed_by: date | None = None, at: datetime | None = None
) -> None:
    """Send the draft to the review office, leaving it at least 7 working days (第二十六条)."""
    act(
        d,
        "submit_legality",
        drafter,
        lambda: s.legality_review_submit(
            decision=d,
            by=drafter,
            procedures_account="已公开征求意见31日并逐条处理，已完成风险评估。",
            opinion_needed_by=needed_by,
            at=at,
        ),
    )


def opinion_needed_by(today: date) -> date:
    """Three working days beyond the minimum the lead unit owes the review office (第二十六条),
    counted as ``legality_review_submit`` counts it. When the count reaches a year whose
    holiday notice is not entered yet, three weeks on: the service then records that the
    minimum could not be checked (domain.md §4)."""
    calendar = calendar_for()
    try:
        earliest = preparation.legality_review_earliest(
            submitted_on=today, period=rule_for(REVIEW_CLOCK), calendar=calendar
        )
        return add_working_days(earliest, 3, calendar=calendar)
    except CalendarRangeError:
        return today + timedelta(days=21)


def review(d: Decision, p, opinion: str, *, at: datetime | None = None) -> None:
    """The review office's legal advisor prepares the opinion, its head approves and issues the
    numbered 合法性审查意见书 (第二十八条); the drafter then checks the package (第二十九条).
    Back-entered (``at``: when the opinion was prepared), the head approves it the next day and
    the drafter checks the package the day after."""
    approved_at = at + timedelta(days=1) if at is not None else None
    checked_at = at + timedelta(days=2) if at is not None else None
    act(
        d,
        "legality_review",
        p["legal_advisor"],
        lambda: s.legality_review_complete(
            review=s.latest_review(d),
            by=p["legal_advisor"],
            outcome="lawful",
            opinion=opinion,
            at=at,
        ),
    )
    act(
        d,
        "approve_legality",
        p["unit_head"],
        lambda: s.legality_review_approve(
            review=s.latest_review(d), by=p["unit_head"], at=approved_at
        ),
    )
    drafter = p[PLAN_OF[d.title].drafter]
    act(
        d,
        "package_check",
        drafter,
        lambda: s.decision_package_check(decision=d, by=drafter, at=checked_at),
    )


def schedule(d: Decision, p, session: Session, presenter, *, at: datetime | None = None) -> None:
    """The secretary puts the decision on the session's agenda from its meeting task."""
    act(
        d,
        "meeting",
        p["secretary"],
        lambda: s.session_agenda_add_decision(
            session=session, decision=d, by=p["secretary"], presenter=presenter, at=at
        ),
        finishes=False,
    )


def report_add(
    session: Session,
    p,
    report: dict,
    *,
    opinion: str,
    proposed_at: datetime | None = None,
    checked_at: datetime | None = None,
    added_at: datetime | None = None,
) -> None:
    """The 司法局 proposes its report for the session. Every item passes the review office's
    legality check before it may go on the agenda (the seed's 落实政府常务会议议题合法性审核)."""
    item = s.agenda_item_propose(
        by=p["drafter"],
        title=report["title"],
        lead_unit=Unit.objects.get(name=BUREAU),
        materials=report["materials"],
        presenter=p["unit_head"],
        at=proposed_at,
    )
    item = s.agenda_item_check(
        item=item,
        by=p["legal_advisor"],
        outcome="lawful",
        opinion=opinion,
        at=checked_at,
    )
    s.agenda_item_add(session=session, item=item, by=p["secretary"], at=added_at)


def deliberate(
    item,
    p,
    *,
    statements,
    head_decision: str,
    head: str,
    amendments: str = "",
    at: datetime | None = None,
):
    """Every member present speaks, then the head, last, decides (第三十条). Back-entered
    (``at``: when the item was taken up), a member speaks every five minutes, the head last."""
    meeting = item.deliberation

    def minute(n: int) -> datetime | None:
        return at + timedelta(minutes=5 * n) if at is not None else None

    for n, (speaker, position, text) in enumerate(statements):
        s.meeting_statement_record(
            meeting=meeting,
            by=p["secretary"],
            speaker=p[speaker],
            position=position,
            text=text,
            at=minute(n),
        )
    s.meeting_decide(
        meeting=meeting,
        by=p["secretary"],
        head_decision=head_decision,
        statement=head,
        amendments=amendments,
        at=minute(len(statements)),
    )


def publish(
    d: Decision,
    p,
    today: date,
    *,
    reference: str,
    interpretation: str,
    published_on: date | None = None,
) -> None:
    """Reported to the county Party committee (第三十一条) on ``today``, then published
    (第三十二条) on ``published_on`` (the same day unless given)."""
    act(
        d,
        "party_report",
        p["secretary"],
        lambda: s.party_report_record(
            decision=d,
            by=p["secretary"],
            reported_on=today,
            reference=reference,
            recipient="中共乌恰县委员会",
        ),
    )
    act(
        d,
        "publication",
        p["publisher"],
        lambda: s.publication_record(
            decision=d,
            by=p["publisher"],
            published_on=published_on or today,
            channel="乌恰县人民政府网站",
            interpretation=interpretation,
        ),
    )
