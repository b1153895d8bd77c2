"""Demo decisions for ``manage.py demo``: the catalogue of 2021 and 2022 and decisions at
several stages, one archived with its whole record.

Everything goes through the services and DecisionFlow's tasks, so the full-process record,
the viewflow tasks and the legal deadlines are real. Idempotent: what exists is left alone.
The items are drawn from the seed report (乌恰县2021年度法治政府建设工作报告).
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from workflows.consultations.selectors import consultation_latest
from workflows.consultations.services import comment_submit
from workflows.models import Unit
from workflows.tasking import task_run

from . import services as s
from .flows import DecisionFlow
from .models import CatalogueItem, Decision

logger = logging.getLogger(__name__)

COUNTY = "乌恰县人民政府"
BUREAU = "乌恰县司法局"

# (year, title, description) — themes the seed report names for 2021 and plans for 2022.
CATALOGUE = [
    (
        2021,
        "乌恰县重大行政决策目录管理制度",
        "建立健全重大行政决策目录制度（报告“下一步工作”第3项）。",
    ),
    (
        2021,
        "聘请专职律师担任县人民政府法律顾问",
        "落实政府常务会议议题合法性审核（报告第一部分（三））。",
    ),
    (2021, "乌恰县行政执法公示平台建设", "在政府网站建立执法公示平台（报告第二部分第3项）。"),
    (2022, "乌恰县突发事件应急预案修订", "完善突发事件应对制度（报告“下一步工作”第5项）。"),
    (
        2022,
        "乌恰县重大项目社会稳定风险评估办法",
        "社会稳定、公共安全、环境和经济评估（报告第一部分（三））。",
    ),
    (2022, "乌恰县政务公开目录动态调整", "坚持“公开为常态、不公开为例外”（报告第二部分第3项）。"),
]
ADJUSTED = (2022, "乌恰县政务公开目录动态调整")

LEGAL_BASIS = ["《重大行政决策程序暂行条例》", "《新疆维吾尔自治区重大行政决策程序规定》"]
RISK_LOW = {
    name: {"level": "low", "risk_points": "影响面小", "mitigations": "加强宣传解释"}
    for name in ("social_stability", "public_safety", "ecological_environment", "economy")
}

# (catalogue title, decision title, how far it goes)
DECISIONS = [
    ("乌恰县突发事件应急预案修订", "关于修订《乌恰县突发事件总体应急预案》的决定", "drafting"),
    (
        "乌恰县重大项目社会稳定风险评估办法",
        "关于印发《乌恰县重大项目社会稳定风险评估办法》的决定",
        "consultation",
    ),
    ("乌恰县政务公开目录动态调整", "关于调整乌恰县政务公开目录的决定", "legality_review"),
    ("乌恰县行政执法公示平台建设", "关于建设乌恰县行政执法公示平台的决定", "meeting"),
    ("乌恰县重大行政决策目录管理制度", "关于建立乌恰县重大行政决策目录管理制度的决定", "archived"),
]
STAGES = ["drafting", "consultation", "legality_review", "meeting", "archived"]


def _people():
    User = get_user_model()
    names = (
        "drafter",
        "legal_advisor",
        "secretary",
        "member",
        "principal",
        "publisher",
        "archivist",
        "expert",
    )
    return {name: User.objects.get(username=name) for name in names}


def _act(decision: Decision, node: str, user, action) -> None:
    """Take the open task ``node`` as ``user``, do the work, finish the task."""
    task = decision.process.task_set.get(
        flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    task_run(task=task, user=user, service=action)


def _catalogue(p, county) -> dict[str, CatalogueItem]:
    items = {}
    for year, title, description in CATALOGUE:
        item = CatalogueItem.objects.filter(government=county, year=year, title=title).first()
        if item is None:
            lead = Unit.objects.get(name=BUREAU)
            item = s.catalogue_item_create(
                by=p["legal_advisor"],
                government=county,
                year=year,
                title=title,
                description=description,
                lead_unit=lead,
            )
            item = s.catalogue_item_publish(item=item, by=p["legal_advisor"])
            if (year, title) == ADJUSTED:
                item = s.catalogue_item_adjust(
                    item=item, by=p["legal_advisor"], reason="根据2022年政务公开工作要点动态调整"
                )
        items[title] = item
    return items


def _advance(decision: Decision, p, target: str) -> None:
    d, drafter = decision, p["drafter"]
    now = timezone.now()
    reached = STAGES.index(target)

    # The archived decision is technical: it goes through expert argumentation (第十九条).
    experts = target == "archived"
    s.decision_draft_save(
        decision=d,
        by=drafter,
        expert_argumentation_needed=experts,
        draft_text=f"{d.title}\n\n第一条 为规范决策程序，制定本决定。\n第二条 本决定自公布之日起施行。",
        options=[
            {"title": "方案一", "text": "一次性实施"},
            {"title": "方案二", "text": "分阶段实施"},
        ],
    )
    if reached < STAGES.index("consultation"):
        return
    _act(d, "draft", drafter, lambda: s.decision_draft_submit(decision=d, by=drafter))

    # A running consultation stays open; the others ran their 30+ days in the past and are
    # closed by the flow's timer, as they would be by Celery beat.
    running = target == "consultation"
    opens_at = now - timedelta(days=5 if running else 45)
    closes_at = opens_at + timedelta(days=31)

    def open_consultation():
        c = s.decision_consultation_open(
            decision=d, by=drafter, opens_at=opens_at, closes_at=closes_at
        )
        for i, text in enumerate(["建议扩大公众参与范围", "建议明确时间节点", "同意草案"], 1):
            comment_submit(
                consultation=c, text=text, name=f"居民{i}", at=opens_at + timedelta(days=i)
            )

    _act(d, "open_consultation", drafter, open_consultation)
    if running:
        return
    fire_due_timers()
    d.refresh_from_db()

    def dispose():
        outcomes = ["adopted", "partly_adopted", "not_adopted"]
        for comment, outcome in zip(
            consultation_latest(subject=d).comments.order_by("pk"), outcomes, strict=False
        ):
            reason = "" if outcome == "adopted" else "与上位法规定不一致，部分采纳"
            s.decision_comment_dispose(comment=comment, by=drafter, outcome=outcome, reason=reason)
        s.decision_consultation_finish(decision=d, by=drafter)

    _act(d, "dispose_comments", drafter, dispose)
    if experts:
        pooled = s.expert_register(
            user=p["expert"], fields=["行政管理", "信息公开"], by=p["legal_advisor"]
        )

        def argue():
            s.experts_choose(decision=d, by=drafter, experts=[pooled])
            opinion = s.expert_opinion_submit(
                decision=d,
                by=p["expert"],
                text="目录管理制度设计合理，建议明确动态调整的启动条件。",
                signed=True,
            )
            s.expert_opinion_handle(
                opinion=opinion, by=drafter, handling="已采纳，补充了动态调整的启动条件。"
            )

        _act(d, "expert_argumentation", drafter, argue)
    _act(
        d,
        "risk_assessment",
        drafter,
        lambda: s.risk_assessment_submit(
            decision=d,
            by=drafter,
            dimensions=RISK_LOW,
            contingency_plan="出现较大分歧时暂缓实施并重新评估。",
            overall_level="low",
        ),
    )
    # Late in a year the 7-working-day review opened today ends in the next one: until its
    # holiday notice is entered its clock waits (domain.md §4), and the decision goes on.
    _act(
        d,
        "submit_legality",
        drafter,
        lambda: s.legality_review_submit(
            decision=d,
            by=drafter,
            procedures_account="已公开征求意见31日并逐条处理，已完成风险评估。",
        ),
    )
    if reached < STAGES.index("meeting"):
        return
    _act(
        d,
        "legality_review",
        p["legal_advisor"],
        lambda: s.legality_review_complete(
            review=s.latest_review(d),
            by=p["legal_advisor"],
            outcome="lawful",
            opinion="经审查，草案符合法律法规规定，程序完备。",
        ),
    )
    _act(d, "package_check", drafter, lambda: s.decision_package_check(decision=d, by=drafter))
    if reached < STAGES.index("archived"):
        return

    def meeting():
        m = s.meeting_open(
            decision=d,
            by=p["secretary"],
            kind="executive",
            held_at=timezone.now(),
            principal=p["principal"],
            members=[p["member"]],
        )
        s.meeting_statement_record(
            meeting=m,
            by=p["secretary"],
            speaker=p["member"],
            position="support",
            text="同意，建议抓紧实施。",
        )
        # The head speaks last (末位发言).
        s.meeting_decide(
            meeting=m,
            by=p["secretary"],
            head_decision="adopt",
            statement="同意，按方案二分阶段实施。",
        )

    _act(d, "meeting", p["secretary"], meeting)
    _act(
        d,
        "party_report",
        p["secretary"],
        lambda: s.party_report_record(
            decision=d,
            by=p["secretary"],
            reported_on=timezone.localdate(),
            reference="恰政报〔2021〕12号",
            recipient="中共乌恰县委员会",
        ),
    )
    _act(
        d,
        "publication",
        p["publisher"],
        lambda: s.publication_record(
            decision=d,
            by=p["publisher"],
            published_on=timezone.localdate(),
            channel="乌恰县人民政府网站",
            interpretation="本决定明确了重大行政决策事项目录的编制、公布和调整程序。",
        ),
    )
    _act(d, "archive", p["archivist"], lambda: s.decision_seal(decision=d, by=p["archivist"]))


def load(*, password: str) -> None:
    """Load the demo decisions; a second run creates nothing."""
    county = Unit.objects.get(name=COUNTY)
    bureau = Unit.objects.get(name=BUREAU)
    p = _people()
    items = _catalogue(p, county)
    for item_title, title, target in DECISIONS:
        if Decision.objects.filter(title=title, lead_unit=bureau).exists():
            continue
        decision = s.decision_start(
            by=p["drafter"],
            lead_unit=bureau,
            catalogue_item=items[item_title],
            title=title,
            problem="落实《乌恰县2021年度法治政府建设工作报告》提出的任务。",
            necessity="报告要求健全行政决策制度体系。",
            legal_basis=LEGAL_BASIS,
        )
        _advance(decision, p, target)
