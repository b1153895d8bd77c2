"""Demo decisions for ``manage.py demo``: what a county like 乌恰县 decides in a year.

The 司法局 compiles the 2026 catalogue (决策事项目录); it is published once the county Party
committee's consent is recorded (第三条). The decisions are led by the units that own the
matter (承办单位, 第十一条) and stand at every stage:

- 发改委's 城区集中供热价格调整 went through consultation and a price hearing, was adopted with
  amendments at the county government's executive session, and is published in its amended
  version and archived;
- 住建局's 城区道路停车收费管理 was adopted at the same session and is published;
- 应急管理局's revision of the 突发事件总体应急预案 (the seed's 突发事件应对体系) is on the
  agenda of the next session;
- 吾合沙鲁乡's 集中供水工程实施方案 is in legality review at the review office (司法局), with
  the date by which its opinion is needed (第二十六条);
- 发改委's 公共资源交易全流程电子化 plan (the seed's 公共资源交易全程电子化) is out for public
  comment with its drafting explanation (第十四条);
- 住建局's 城镇老旧小区改造 plan is being drafted.

The review office reviews every draft: its legal advisor (李明) prepares the opinion and its
head (王建国) approves the numbered 合法性审查意见书; never the lead unit. One executive session
(县政府第N次常务会议) runs from planning to conclusion with three items from three units: the
two major decisions and the 司法局's 法治政府建设 report, checked by the review office like
every agenda item; the heads of the units attend (列席) and present, the members speak, the
head speaks last, and the 纪要 follows (``decisions.documents.session_minutes_docx``).

The seed's own year is there too: two 2021 decisions (住建局's 城区供热管网改造工程 with expert
argumentation, 发改委's 城区农贸市场改造提升), put out for comment, risk assessed, reviewed,
adopted at 县政府2021年第1次常务会议 with the head speaking last beside the 司法局's report
checked by the review office, then published and archived — back-entered through the same
services with each act's 2021 date (``at=``), so ``annual_report 2021`` counts them in 2021.

Everything goes through the services and DecisionFlow's tasks, so the full-process record, the
viewflow tasks and the legal deadlines are real. Every date is set relative to the moment the
demo is loaded (``reference``): a consultation open now closes in the future, the closed ones
ran their 30 days in the past, on whatever day the demo runs. Idempotent: a second run creates
nothing; a failure is raised, never swallowed (the whole demo is one transaction).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from workflows.calendar import CalendarRangeError, add_working_days
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.consultations.selectors import consultation_latest
from workflows.consultations.services import comment_submit
from workflows.models import Unit
from workflows.tasking import task_run

from . import services as s
from .flows import DecisionFlow
from .models import CatalogueItem, Decision, Session
from .rules import preparation
from .services.review import RULE_KEY as REVIEW_CLOCK

COUNTY = "乌恰县人民政府"
BUREAU = "乌恰县司法局"
DRC = "乌恰县发展和改革委员会"
HOUSING = "乌恰县住房和城乡建设局"
EMERGENCY = "乌恰县应急管理局"
TOWNSHIP = "吾合沙鲁乡"
CIVIL = "乌恰县民政局"

YEAR = 2026  # the catalogue of this year (决策事项目录)
PARTY_CONSENT = {
    "consented_by": "中共乌恰县委常委会",
    "consented_on": date(YEAR, 1, 20),
    "reference": f"县委常委会{YEAR}年第2次会议",
}

HEATING = "城区集中供热价格调整"
PARKING = "城区道路停车收费管理"
WATER = "吾合沙鲁乡集中供水工程实施方案"
EMERGENCY_PLAN = "突发事件总体应急预案修订"
TRADING = "公共资源交易全流程电子化"
RENOVATION = "城镇老旧小区改造"
SUBSISTENCE = "城乡居民最低生活保障标准调整"

# (title, lead unit, description)
CATALOGUE = [
    (
        HEATING,
        DRC,
        "调整城区居民和非居民集中供热价格，需举行价格听证（《政府制定价格听证办法》）。",
    ),
    (PARKING, HOUSING, "城区道路临时停车泊位设置及收费标准、收费时段和减免对象。"),
    (WATER, TOWNSHIP, "吾合沙鲁乡集镇及周边村集中供水工程的建设、运行管护和水价。"),
    (
        EMERGENCY_PLAN,
        EMERGENCY,
        "依照《中华人民共和国突发事件应对管理法》修订县突发事件总体应急预案（报告“下一步工作”第5项）。",
    ),
    (
        TRADING,
        DRC,
        "打通公共资源交易全程电子化的“最后一公里”（报告第一部分（八））。",
    ),
    (RENOVATION, HOUSING, "2026—2028年城区老旧小区改造的范围、标准和资金筹措。"),
    (SUBSISTENCE, CIVIL, "按自治区要求调整城乡居民最低生活保障标准。"),
]
# Adjusted after publication, as the catalogue is adjusted dynamically (第三条).
ADJUSTED = (
    RENOVATION,
    "城镇老旧小区改造（2026—2028年）",
    "根据自治区城镇老旧小区改造计划调整实施期限",
)

RISK_LOW = {
    "social_stability": {
        "level": "low",
        "risk_points": "部分群众对调整有不同意见",
        "mitigations": "做好政策解读，设立咨询电话",
    },
    "public_safety": {
        "level": "low",
        "risk_points": "实施过程中的施工和运行安全",
        "mitigations": "落实安全生产责任，制定应急处置措施",
    },
    "ecological_environment": {
        "level": "low",
        "risk_points": "影响较小",
        "mitigations": "落实环境保护措施",
    },
    "economy": {
        "level": "low",
        "risk_points": "财政和群众负担",
        "mitigations": "分步实施，对困难群众给予补助",
    },
}


@dataclass(frozen=True)
class Plan:
    """One decision of the demo: its catalogue item, its texts and how far it goes."""

    item: str
    title: str
    unit: str
    drafter: str  # username
    problem: str
    necessity: str
    legal_basis: list[str]
    draft_text: str
    explanation: str
    start_reference: str
    start_on: date
    flags: dict = field(default_factory=dict)


PLANS = {
    HEATING: Plan(
        item=HEATING,
        title="关于调整乌恰县城区集中供热价格的决定",
        unit=DRC,
        drafter="drc_drafter",
        problem="城区集中供热价格自2016年以来未作调整，燃煤和运行成本上涨，供热企业持续亏损。",
        necessity="经成本监审，现行价格低于供热定价成本，影响供热质量和安全运行。",
        legal_basis=[
            "《中华人民共和国价格法》",
            "《政府制定价格行为规则》",
            "《政府制定价格听证办法》",
            "《重大行政决策程序暂行条例》",
        ],
        draft_text=(
            "关于调整乌恰县城区集中供热价格的决定\n\n"
            "一、居民用户供热价格由每平方米每采暖期22元调整为23.6元。\n"
            "二、非居民用户供热价格由每平方米每采暖期28元调整为30元。\n"
            "三、本决定自2026—2027年采暖期起执行。"
        ),
        explanation=(
            "一、起草背景：城区供热价格十年未调整，经成本监审存在政策性亏损。"
            "二、主要内容：居民和非居民供热价格调整方案。"
            "三、听证和征求意见情况：已举行价格听证会并公开征求意见。"
        ),
        start_reference=f"县长办公会议纪要〔{YEAR}〕3号",
        start_on=date(YEAR, 3, 2),
        flags={"hearing_needed": True},
    ),
    PARKING: Plan(
        item=PARKING,
        title="关于乌恰县城区道路停车收费管理的决定",
        unit=HOUSING,
        drafter="housing_drafter",
        problem="城区道路停车泊位供需矛盾突出，长时间占用泊位现象普遍。",
        necessity="以收费调节泊位周转，规范城区道路停车秩序。",
        legal_basis=[
            "《中华人民共和国道路交通安全法》",
            "《城市道路管理条例》",
            "《中华人民共和国价格法》",
        ],
        draft_text=(
            "关于乌恰县城区道路停车收费管理的决定\n\n"
            "第一条 城区道路临时停车泊位实行分时段收费，首30分钟免费。\n"
            "第二条 收费时段为每日9:00至21:00；残疾人专用车辆、新能源车辆首2小时免费。\n"
            "第三条 停车收费收入全部缴入县财政，用于停车设施建设和管理。"
        ),
        explanation=(
            "一、起草背景：城区停车难问题突出。二、主要内容：收费时段、标准和减免对象。"
            "三、征求意见情况：已公开征求意见并逐条处理。"
        ),
        start_reference=f"县长批示〔{YEAR}〕第7号",
        start_on=date(YEAR, 3, 16),
    ),
    EMERGENCY_PLAN: Plan(
        item=EMERGENCY_PLAN,
        title="关于修订《乌恰县突发事件总体应急预案》的决定",
        unit=EMERGENCY,
        drafter="emergency_drafter",
        problem="《中华人民共和国突发事件应对管理法》施行后，县总体应急预案需相应修订。",
        necessity="完善应急指挥体系和综合协调机制，提高突发事件依法处置能力。",
        legal_basis=[
            "《中华人民共和国突发事件应对管理法》",
            "《突发事件应急预案管理办法》",
            "《新疆维吾尔自治区实施〈中华人民共和国突发事件应对法〉办法》",
        ],
        draft_text=(
            "乌恰县突发事件总体应急预案（修订稿）\n\n"
            "一、总则\n二、组织指挥体系\n三、监测预警\n四、应急处置与救援\n"
            "五、恢复与重建\n六、应急保障"
        ),
        explanation=(
            "一、修订依据：《中华人民共和国突发事件应对管理法》。二、主要修订内容：调整县应急"
            "指挥机构，完善乡（镇）应急响应分级。三、专家论证和征求意见情况。"
        ),
        start_reference=f"县政府{YEAR}年第2次常务会议",
        start_on=date(YEAR, 4, 8),
        flags={"expert_argumentation_needed": True},
    ),
    WATER: Plan(
        item=WATER,
        title="关于吾合沙鲁乡集中供水工程实施方案的决定",
        unit=TOWNSHIP,
        drafter="township_drafter",
        problem="吾合沙鲁乡集镇及周边村分散供水，水质和水量难以保障。",
        necessity="建设集中供水工程，保障农村饮水安全。",
        legal_basis=["《中华人民共和国水法》", "《生活饮用水卫生标准》（GB 5749—2022）"],
        draft_text=(
            "吾合沙鲁乡集中供水工程实施方案\n\n"
            "一、建设内容：新建水源井2眼、蓄水池1座，铺设供水管网38公里。\n"
            "二、运行管护：由乡水管站统一管护，实行计量收费。\n"
            "三、水价：居民生活用水每立方米1.2元。"
        ),
        explanation=(
            "一、起草背景：农村饮水安全巩固提升。二、主要内容：建设内容、管护机制和水价。"
            "三、征求意见情况：已在各村公示并公开征求意见。"
        ),
        start_reference=f"县长办公会议纪要〔{YEAR}〕9号",
        start_on=date(YEAR, 5, 11),
    ),
    TRADING: Plan(
        item=TRADING,
        title="关于推进乌恰县公共资源交易全流程电子化的实施方案",
        unit=DRC,
        drafter="drc_drafter",
        problem="部分公共资源交易仍需现场办理，交易成本高、监管留痕不足。",
        necessity="实现全流程电子化交易和现场跟踪监管，优化营商环境。",
        legal_basis=[
            "《中华人民共和国招标投标法》",
            "《公共资源交易平台管理暂行办法》",
            "《优化营商环境条例》",
        ],
        draft_text=(
            "关于推进乌恰县公共资源交易全流程电子化的实施方案\n\n"
            "一、工程建设项目招标投标全部实行电子化交易。\n"
            "二、推行电子保函，免收投标保证金。\n"
            "三、交易全过程电子留痕，实行在线监管。"
        ),
        explanation=(
            "一、起草背景：落实打通公共资源交易全程电子化“最后一公里”的要求。"
            "二、主要内容：电子化交易范围、电子保函和在线监管。"
            "三、公平竞争审查情况：经审查，不含排除、限制竞争的内容。"
        ),
        start_reference=f"县长批示〔{YEAR}〕第15号",
        start_on=date(YEAR, 8, 3),
        flags={
            "affects_market_actors": True,
            "fair_competition_review": "经公平竞争审查，未发现排除、限制竞争的内容。",
        },
    ),
    RENOVATION: Plan(
        item=RENOVATION,
        title="关于乌恰县城镇老旧小区改造（2026—2028年）的实施方案",
        unit=HOUSING,
        drafter="housing_drafter",
        problem="城区2000年以前建成的小区设施老化，群众改造意愿强烈。",
        necessity="落实城镇老旧小区改造任务，改善居住条件。",
        legal_basis=["《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》"],
        draft_text=(
            "关于乌恰县城镇老旧小区改造（2026—2028年）的实施方案（草稿）\n\n"
            "一、改造范围\n二、改造内容\n三、资金筹措"
        ),
        explanation="一、起草背景。二、主要内容（起草中）。",
        start_reference=f"县长批示〔{YEAR}〕第21号",
        start_on=date(YEAR, 9, 14),
    ),
}

SESSION_REPORT = {
    "title": f"关于乌恰县{YEAR}年法治政府建设工作情况的报告",
    "materials": (
        f"乌恰县{YEAR}年法治政府建设工作情况：健全依法决策机制，落实重大行政决策目录管理和"
        "政府常务会议议题合法性审核；推进行政执法“三项制度”；加强行政复议和应诉工作。"
    ),
}


def _people() -> dict:
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


def _act(decision: Decision, node: str, user, action, *, finishes: bool = True) -> None:
    """Take the open task ``node`` as ``user`` and do the work; the task ends unless
    ``finishes`` is False (an action of a step that stays open, such as scheduling)."""
    task = decision.process.task_set.get(
        flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    task_run(task=task, user=user, service=action, finishes=finishes)


def _not_after(day: date, today: date) -> date:
    """A date of the year's plan, never later than the day the demo runs."""
    return min(day, today)


# --- the catalogue ------------------------------------------------------------------------------


def _catalogue(p, county: Unit, today: date) -> dict[str, CatalogueItem]:
    """The 司法局 compiles the year's catalogue; published after the Party committee's consent
    (第三条). Items already there are left alone."""
    compiler = p["legal_advisor"]
    items, new = {}, []
    for title, unit, description in CATALOGUE:
        item = CatalogueItem.objects.filter(government=county, year=YEAR, title=title).first()
        if item is None and title == ADJUSTED[0]:
            item = CatalogueItem.objects.filter(
                government=county, year=YEAR, title=ADJUSTED[1]
            ).first()
        if item is None:
            item = s.catalogue_item_create(
                by=compiler,
                government=county,
                year=YEAR,
                title=title,
                description=description,
                lead_unit=Unit.objects.get(name=unit),
            )
            new.append(item)
        items[title] = item
    if new:
        s.catalogue_party_consent_record(
            by=compiler,
            government=county,
            year=YEAR,
            **{**PARTY_CONSENT, "consented_on": _not_after(PARTY_CONSENT["consented_on"], today)},
        )
        for title, item in list(items.items()):
            if item in new:
                item = s.catalogue_item_publish(item=item, by=compiler)
                if title == ADJUSTED[0]:
                    item = s.catalogue_item_adjust(
                        item=item, by=compiler, title=ADJUSTED[1], reason=ADJUSTED[2]
                    )
                items[title] = item
    return items


# --- the procedure, step by step ----------------------------------------------------------------


def _start(plan: Plan, items, p, today: date, *, at: datetime | None = None) -> Decision:
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
        start_decided_on=_not_after(plan.start_on, today),
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


def _consult(
    d: Decision, drafter, *, opens_at: datetime, comments: list[str], back_entered: bool = False
) -> None:
    """Submit the draft and open its public consultation (31 days, 第十四条) with comments;
    back-entered, the draft is submitted the day before it opens."""
    submitted_at = opens_at - timedelta(days=1) if back_entered else None
    _act(
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

    _act(d, "open_consultation", drafter, open_consultation)


def _dispose(d: Decision, drafter, *, at: datetime | None = None) -> None:
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

    _act(d, "dispose_comments", drafter, dispose)


def _hearing(d: Decision, drafter, *, opens_at: datetime) -> None:
    """The price hearing (第十六条、第十七条): notice and participants on the portal, materials
    sent ≥ 7 days before, the record signed by the participants."""
    sent_on = timezone.localdate(opens_at) + timedelta(days=3)
    held_on = sent_on + timedelta(days=12)
    hearing = s.hearing_schedule(
        decision=d,
        by=drafter,
        materials_sent_on=sent_on,
        held_on=held_on,
        place="乌恰县人民政府第一会议室",
        participants=(
            "消费者代表5名（城区居民3名、低保户1名、非居民用户1名）；供热企业代表2名；"
            "人大代表1名；政协委员1名；专家1名"
        ),
        notice=(
            f"乌恰县发展和改革委员会定于{held_on.year}年{held_on.month}月{held_on.day}日在县政府"
            "第一会议室举行城区集中供热价格调整听证会，听证会公开举行，欢迎旁听。"
        ),
    )
    s.hearing_record(
        hearing=hearing,
        by=drafter,
        record="听证会笔录：多数参加人同意调整，建议分步到位并对困难群众给予补贴。",
        signed_by_participants=True,
    )


def _assess(d: Decision, p, *, assessor, experts: bool = False, at: datetime | None = None) -> None:
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
                text=EXPERT_OPINION.get(d.title, EXPERT_OPINION[None])[0],
                signed=True,
                at=later(2),
            )
            s.expert_opinion_handle(
                opinion=opinion,
                by=drafter,
                handling=EXPERT_OPINION.get(d.title, EXPERT_OPINION[None])[1],
                at=later(3),
            )

        _act(d, "expert_argumentation", drafter, argue)
    _act(
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


def _submit(
    d: Decision, drafter, *, needed_by: date | None = None, at: datetime | None = None
) -> None:
    """Send the draft to the review office, leaving it at least 7 working days (第二十六条)."""
    _act(
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


def _opinion_needed_by(today: date) -> date:
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


def _review(d: Decision, p, opinion: str, *, at: datetime | None = None) -> None:
    """The review office's legal advisor prepares the opinion, its head approves and issues the
    numbered 合法性审查意见书 (第二十八条); the drafter then checks the package (第二十九条).
    Back-entered (``at``: when the opinion was prepared), the head approves it the next day and
    the drafter checks the package the day after."""
    approved_at = at + timedelta(days=1) if at is not None else None
    checked_at = at + timedelta(days=2) if at is not None else None
    _act(
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
    _act(
        d,
        "approve_legality",
        p["unit_head"],
        lambda: s.legality_review_approve(
            review=s.latest_review(d), by=p["unit_head"], at=approved_at
        ),
    )
    drafter = p[PLAN_OF[d.title].drafter]
    _act(
        d,
        "package_check",
        drafter,
        lambda: s.decision_package_check(decision=d, by=drafter, at=checked_at),
    )


def _schedule(d: Decision, p, session: Session, presenter, *, at: datetime | None = None) -> None:
    """The secretary puts the decision on the session's agenda from its meeting task."""
    _act(
        d,
        "meeting",
        p["secretary"],
        lambda: s.session_agenda_add_decision(
            session=session, decision=d, by=p["secretary"], presenter=presenter, at=at
        ),
        finishes=False,
    )


def _deliberate(
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


def _session(p, county: Unit, heating: Decision, parking: Decision) -> Session:
    """县政府第N次常务会议: two major decisions and the 司法局's report, from planning to 纪要."""
    secretary = p["secretary"]
    session = s.session_plan(
        government=county,
        by=secretary,
        kind="executive",
        # Now: the reviews it rests on were submitted and approved a moment ago (the services
        # date a submission at the moment it is made), and the head may not decide before it.
        held_at=timezone.now(),
        principal=p["principal"],
    )
    _schedule(heating, p, session, p["drc_head"])
    _schedule(parking, p, session, p["housing_head"])
    # Every item passes the review office's legality check before it may go on the agenda
    # (the seed's 落实政府常务会议议题合法性审核).
    report = s.agenda_item_propose(
        by=p["drafter"],
        title=SESSION_REPORT["title"],
        lead_unit=Unit.objects.get(name=BUREAU),
        materials=SESSION_REPORT["materials"],
        presenter=p["unit_head"],
    )
    report = s.agenda_item_check(
        item=report,
        by=p["legal_advisor"],
        outcome="lawful",
        opinion="报告内容符合《法治政府建设与责任落实督察工作规定》的要求，可以提交会议审议。",
    )
    report = s.agenda_item_add(session=session, item=report, by=secretary)
    s.session_open(
        session=session,
        by=secretary,
        present=[p["deputy_head"], p["member"]],
        attendees=[
            (p["drc_head"], Unit.objects.get(name=DRC)),
            (p["housing_head"], Unit.objects.get(name=HOUSING)),
            (p["unit_head"], Unit.objects.get(name=BUREAU)),
            (p["legal_advisor"], Unit.objects.get(name=BUREAU)),
        ],
    )
    items = {item.decision_id: item for item in session.items.all()}

    _act(
        heating,
        "meeting",
        secretary,
        lambda: _deliberate(
            items[heating.pk],
            p,
            statements=[
                ("deputy_head", "conditional", "同意调整，建议居民价格分两个采暖期到位。"),
                ("member", "conditional", "同意，建议对低保户、特困人员给予供热补贴。"),
            ],
            head_decision="adopt_with_amendments",
            head="同意按修改意见通过。居民价格分两个采暖期到位，同时落实困难群众供热补贴。",
            amendments=(
                "一、居民用户供热价格分两个采暖期调整到位，本采暖期调整为22.8元。"
                "二、增加对低保户、特困人员的供热补贴条款。"
            ),
        ),
    )
    _act(
        parking,
        "meeting",
        secretary,
        lambda: _deliberate(
            items[parking.pk],
            p,
            statements=[
                ("deputy_head", "support", "同意，收费收入要全额缴入财政。"),
                ("member", "support", "同意，建议加强宣传，设置过渡期。"),
            ],
            head_decision="adopt",
            head="同意。由住建局会同公安交警部门做好实施前的宣传。",
        ),
    )
    _deliberate(
        items[None],
        p,
        statements=[
            ("deputy_head", "support", "同意，报告全面客观。"),
            ("member", "support", "同意，建议补充行政复议案件情况。"),
        ],
        head_decision="adopt",
        head="原则同意，按会议意见修改后报县委和州人民政府。",
    )
    return s.session_conclude(session=session, by=secretary)


def _amend(d: Decision, p) -> None:
    """Adopted with amendments (第三十条): the 发改委 enters the amended text, its head approves
    it and, the amendments being substantive, the review office confirms it is lawful."""
    drafter, head = p["drc_drafter"], p["drc_head"]
    text = (
        "关于调整乌恰县城区集中供热价格的决定\n\n"
        "一、居民用户供热价格分两个采暖期调整到位：2026—2027年采暖期为每平方米22.8元，"
        "2027—2028年采暖期起为23.6元。\n"
        "二、非居民用户供热价格由每平方米每采暖期28元调整为30元。\n"
        "三、对低保户、特困供养人员的供热费，由县财政按调整增加部分给予全额补贴。\n"
        "四、本决定自2026—2027年采暖期起执行。"
    )
    _act(
        d,
        "incorporate_amendments",
        drafter,
        lambda: s.amended_version_submit(decision=d, by=drafter, text=text, substantive=True),
    )
    _act(
        d,
        "approve_amendments",
        head,
        lambda: s.amended_version_approve(version=s.pending_amended_version(d), by=head),
    )
    _act(
        d,
        "confirm_amendments",
        p["legal_advisor"],
        lambda: s.amended_version_confirm(
            version=s.pending_amended_version(d),
            by=p["legal_advisor"],
            lawful=True,
            opinion="修改后的文本符合《中华人民共和国价格法》等规定。",
        ),
    )


def _publish(
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
    _act(
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
    _act(
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


# (opinion, how the lead unit handled it) by decision title; None: the 2026 emergency plan's.
EXPERT_OPINION = {
    None: (
        "预案结构完整，建议细化乡（镇）先期处置和物资储备要求。",
        "已采纳，补充了乡（镇）先期处置要求。",
    ),
}
COMMENTS = ["建议加大对困难群众的照顾", "建议明确实施时间", "同意草案"]


# --- 2021, entered after the fact -----------------------------------------------------------
# The seed's 2021 report (（三）健全行政决策制度体系): drafts put out for comment, risk assessed on
# social stability, public safety, environment and economy, reviewed for legality, decided at
# the county government's executive session with the head speaking last (末位发言), every other
# item of that session checked by the review office first (议题合法性审核), then published and
# archived. Back-entered in 2026 through the same services and DecisionFlow tasks, each act
# with its 2021 date, so the 2021 report counts them as if they had been done live.

YEAR_2021 = 2021
PARTY_CONSENT_2021 = {
    "consented_by": "中共乌恰县委常委会",
    "consented_on": date(YEAR_2021, 1, 25),
    "reference": f"县委常委会{YEAR_2021}年第3次会议",
}
HEATING_NETWORK = "城区供热管网改造工程"
MARKETS = "城区农贸市场改造提升"
CATALOGUE_2021 = [
    (
        HEATING_NETWORK,
        HOUSING,
        "城区老旧供热管网改造，涉及施工安全、冬季供热保障和财政投入（报告“重大项目”）。",
    ),
    (MARKETS, DRC, "城区农贸市场改造提升及经营户过渡安置（报告“重大政策、重大项目”）。"),
]
PLANS_2021 = {
    HEATING_NETWORK: Plan(
        item=HEATING_NETWORK,
        title="关于实施乌恰县城区供热管网改造工程的决定",
        unit=HOUSING,
        drafter="housing_drafter",
        problem="城区部分供热管网建成超过20年，跑冒滴漏严重，冬季事故频发。",
        necessity="改造老旧管网，保障群众安全温暖过冬。",
        legal_basis=["《中华人民共和国安全生产法》", "《城镇供热管网设计标准》（CJJ/T 34—2022）"],
        draft_text=(
            "关于实施乌恰县城区供热管网改造工程的决定\n\n"
            "一、改造城区一级管网6.5公里、二级管网21公里。\n"
            "二、施工期为2021年6月至9月，10月15日前完成试压。\n"
            "三、所需资金由中央预算内投资和县财政共同承担。"
        ),
        explanation=(
            "一、起草背景：老旧管网安全隐患突出。二、主要内容：改造范围、工期和资金。"
            "三、征求意见、专家论证和风险评估情况。"
        ),
        start_reference=f"县长办公会议纪要〔{YEAR_2021}〕2号",
        start_on=date(YEAR_2021, 2, 26),
        flags={"expert_argumentation_needed": True},
    ),
    MARKETS: Plan(
        item=MARKETS,
        title="关于乌恰县城区农贸市场改造提升的实施方案",
        unit=DRC,
        drafter="drc_drafter",
        problem="城区农贸市场设施陈旧，消防和食品安全隐患多，周边道路占道经营严重。",
        necessity="改造提升农贸市场，规范经营秩序，保障食品安全。",
        legal_basis=[
            "《中华人民共和国食品安全法》",
            "《中华人民共和国消防法》",
            "《优化营商环境条例》",
        ],
        draft_text=(
            "关于乌恰县城区农贸市场改造提升的实施方案\n\n"
            "一、改造城区农贸市场2处，新建冷链和检测设施。\n"
            "二、改造期间设置临时市场，经营户过渡期间免收摊位费。\n"
            "三、改造后摊位按公开、公平原则分配。"
        ),
        explanation=(
            "一、起草背景：农贸市场安全隐患突出。二、主要内容：改造内容和经营户过渡安置。"
            "三、公平竞争审查情况：经审查，不含排除、限制竞争的内容。"
        ),
        start_reference=f"县长批示〔{YEAR_2021}〕第4号",
        start_on=date(YEAR_2021, 3, 8),
        flags={
            "affects_market_actors": True,
            "fair_competition_review": "经公平竞争审查，未发现排除、限制竞争的内容。",
        },
    ),
}
EXPERT_OPINION[PLANS_2021[HEATING_NETWORK].title] = (
    "改造方案技术可行，建议分片施工，保证10月15日前试压完毕。",
    "已采纳，施工组织改为分三片实施。",
)
SESSION_REPORT_2021 = {
    "title": f"关于乌恰县{YEAR_2021 - 1}年度法治政府建设工作情况的报告",
    "materials": (
        f"乌恰县{YEAR_2021 - 1}年度法治政府建设工作情况：落实重大行政决策程序，开展规范性文件"
        "备案审查和清理，推进行政执法“三项制度”。"
    ),
}
# What was done when (Asia/Shanghai): (decision, act) -> (month, day, hour).
DAYS_2021 = {
    "catalogue_published": (1, 28, 10),
    (HEATING_NETWORK, "start"): (3, 1, 10),
    (HEATING_NETWORK, "consultation"): (3, 16, 10),
    (HEATING_NETWORK, "disposed"): (4, 20, 16),
    (HEATING_NETWORK, "assessed"): (4, 21, 10),
    (HEATING_NETWORK, "submitted"): (5, 6, 10),
    (HEATING_NETWORK, "reviewed"): (5, 12, 16),
    (MARKETS, "start"): (3, 10, 10),
    (MARKETS, "consultation"): (3, 23, 10),
    (MARKETS, "disposed"): (4, 26, 16),
    (MARKETS, "assessed"): (4, 28, 10),
    (MARKETS, "submitted"): (5, 7, 10),
    (MARKETS, "reviewed"): (5, 13, 16),
    "report_proposed": (5, 10, 10),
    "report_checked": (5, 14, 11),
    "session_planned": (5, 17, 9),
    "scheduled": (5, 18, 9),
    "session": (5, 20, 10),
    "session_concluded": (5, 20, 12),
    "party_reported": (5, 25, 10),
    "published": (5, 31, 10),
    "sealed": (6, 10, 10),
}


def _at_2021(key) -> datetime:
    month, day, hour = DAYS_2021[key]
    return datetime(YEAR_2021, month, day, hour, tzinfo=timezone.get_current_timezone())


def _catalogue_2021(p, county: Unit) -> dict[str, CatalogueItem]:
    """The 2021 catalogue, published after the Party committee consented (第三条)."""
    compiler = p["legal_advisor"]
    items = {
        title: s.catalogue_item_create(
            by=compiler,
            government=county,
            year=YEAR_2021,
            title=title,
            description=description,
            lead_unit=Unit.objects.get(name=unit),
        )
        for title, unit, description in CATALOGUE_2021
    }
    s.catalogue_party_consent_record(
        by=compiler, government=county, year=YEAR_2021, **PARTY_CONSENT_2021
    )
    published = _at_2021("catalogue_published")
    return {
        title: s.catalogue_item_publish(item=item, by=compiler, at=published)
        for title, item in items.items()
    }


def _session_2021(p, county: Unit, heating: Decision, markets: Decision) -> Session:
    """县政府2021年第1次常务会议: the two decisions and the 司法局's report of 2020, each checked
    for legality before going on the agenda; every member speaks, the head last (第三十条)."""
    secretary = p["secretary"]
    held_at = _at_2021("session")
    session = s.session_plan(
        government=county,
        by=secretary,
        kind="executive",
        held_at=held_at,
        principal=p["principal"],
        at=_at_2021("session_planned"),
    )
    scheduled = _at_2021("scheduled")
    _schedule(heating, p, session, p["housing_head"], at=scheduled)
    _schedule(markets, p, session, p["drc_head"], at=scheduled)
    report = s.agenda_item_propose(
        by=p["drafter"],
        title=SESSION_REPORT_2021["title"],
        lead_unit=Unit.objects.get(name=BUREAU),
        materials=SESSION_REPORT_2021["materials"],
        presenter=p["unit_head"],
        at=_at_2021("report_proposed"),
    )
    report = s.agenda_item_check(
        item=report,
        by=p["legal_advisor"],
        outcome="lawful",
        opinion="报告内容符合法治政府建设年度报告制度的要求，可以提交会议审议。",
        at=_at_2021("report_checked"),
    )
    s.agenda_item_add(session=session, item=report, by=secretary, at=scheduled)
    s.session_open(
        session=session,
        by=secretary,
        present=[p["deputy_head"], p["member"]],
        attendees=[
            (p["housing_head"], Unit.objects.get(name=HOUSING)),
            (p["drc_head"], Unit.objects.get(name=DRC)),
            (p["unit_head"], Unit.objects.get(name=BUREAU)),
        ],
        at=held_at,
    )
    items = {item.decision_id: item for item in session.items.all()}
    _act(
        heating,
        "meeting",
        secretary,
        lambda: _deliberate(
            items[heating.pk],
            p,
            statements=[
                ("deputy_head", "support", "同意，施工期间要做好交通疏导和安全防护。"),
                ("member", "support", "同意，资金要专款专用。"),
            ],
            head_decision="adopt",
            head="同意。住建局要确保10月15日前完成试压，按期供热。",
            at=held_at + timedelta(minutes=5),
        ),
    )
    _act(
        markets,
        "meeting",
        secretary,
        lambda: _deliberate(
            items[markets.pk],
            p,
            statements=[
                ("deputy_head", "support", "同意，过渡期间要保障群众买菜方便。"),
                ("member", "conditional", "同意，建议摊位分配全程公开。"),
            ],
            head_decision="adopt",
            head="同意。发改委会同市场监管局做好经营户过渡安置，摊位分配全程公开。",
            at=held_at + timedelta(minutes=40),
        ),
    )
    _deliberate(
        items[None],
        p,
        statements=[
            ("deputy_head", "support", "同意，报告客观全面。"),
            ("member", "support", "同意。"),
        ],
        head_decision="adopt",
        head="原则同意，按会议意见修改后报县委和州人民政府。",
        at=held_at + timedelta(minutes=80),
    )
    return s.session_conclude(session=session, by=secretary, at=_at_2021("session_concluded"))


def _load_2021(p, county: Unit) -> None:
    """The 2021 major decisions, back-entered with their 2021 dates (module docstring)."""
    if CatalogueItem.objects.filter(government=county, year=YEAR_2021).exists():
        return
    items = _catalogue_2021(p, county)
    d = {
        key: _start(plan, items, p, plan.start_on, at=_at_2021((key, "start")))
        for key, plan in PLANS_2021.items()
    }
    for key, plan in PLANS_2021.items():
        opens_at = _at_2021((key, "consultation"))
        _consult(d[key], p[plan.drafter], opens_at=opens_at, comments=COMMENTS, back_entered=True)
    # Both periods ran out in 2021: closed then, before the flow's timers look at them.
    for key in PLANS_2021:
        closes_at = consultation_latest(subject=d[key]).closes_at
        s.decision_consultation_close(decision=d[key], at=closes_at)
    for key, plan in PLANS_2021.items():
        _dispose(d[key], p[plan.drafter], at=_at_2021((key, "disposed")))
    _assess(
        d[HEATING_NETWORK],
        p,
        assessor=p["risk_assessor"],  # the third party 住建局 commissions (第二十二条)
        experts=True,
        at=_at_2021((HEATING_NETWORK, "assessed")),
    )
    _assess(d[MARKETS], p, assessor=p["drc_drafter"], at=_at_2021((MARKETS, "assessed")))
    for key, plan in PLANS_2021.items():
        submitted = _at_2021((key, "submitted"))
        _submit(
            d[key],
            p[plan.drafter],
            needed_by=_opinion_needed_by(timezone.localdate(submitted)),
            at=submitted,
        )
    _review(
        d[HEATING_NETWORK],
        p,
        "经审查，改造工程履行了公开征求意见、专家论证和风险评估程序，符合法律规定。",
        at=_at_2021((HEATING_NETWORK, "reviewed")),
    )
    _review(
        d[MARKETS],
        p,
        "经审查，实施方案经公平竞争审查，程序完备，符合法律规定。",
        at=_at_2021((MARKETS, "reviewed")),
    )
    _session_2021(p, county, d[HEATING_NETWORK], d[MARKETS])
    reported_on = timezone.localdate(_at_2021("party_reported"))
    published_on = timezone.localdate(_at_2021("published"))
    for key, reference, interpretation in (
        (HEATING_NETWORK, 8, "本决定明确城区供热管网改造的范围、工期和资金来源。"),
        (MARKETS, 9, "本方案明确农贸市场改造内容和经营户过渡安置措施。"),
    ):
        _publish(
            d[key],
            p,
            reported_on,
            reference=f"恰政报〔{YEAR_2021}〕{reference}号",
            interpretation=interpretation,
            published_on=published_on,
        )
        _act(
            d[key],
            "archive",
            p["archivist"],
            lambda key=key: s.decision_seal(
                decision=d[key], by=p["archivist"], at=_at_2021("sealed")
            ),
        )


PLAN_OF = {plan.title: plan for plan in [*PLANS.values(), *PLANS_2021.values()]}


def load(*, password: str) -> None:
    """Load the demo decisions, the 2021 ones (back-entered) and this year's; a second run
    creates nothing."""
    county = Unit.objects.get(name=COUNTY)
    p = _people()
    _load_2021(p, county)
    _load_current(p, county)


def _load_current(p, county: Unit) -> None:
    reference = timezone.now()  # every date of the demo is set from here
    today = timezone.localdate(reference)
    items = _catalogue(p, county, today)
    if Decision.objects.filter(
        government=county, title__in=[plan.title for plan in PLANS.values()]
    ).exists():
        return  # loaded before (the demo is one transaction: all of it or nothing)
    d = {key: _start(plan, items, p, today) for key, plan in PLANS.items()}

    # Consulted in the past: 60 days ago for 31 days.
    past = reference - timedelta(days=60)
    for key in (HEATING, PARKING, EMERGENCY_PLAN, WATER):
        _consult(d[key], p[PLANS[key].drafter], opens_at=past, comments=COMMENTS)
    _hearing(d[HEATING], p["drc_drafter"], opens_at=past)
    for key in (HEATING, PARKING, EMERGENCY_PLAN, WATER):
        _dispose(d[key], p[PLANS[key].drafter])

    _assess(d[HEATING], p, assessor=p["drc_drafter"])
    _assess(d[PARKING], p, assessor=p["risk_assessor"])
    _assess(d[EMERGENCY_PLAN], p, assessor=p["emergency_drafter"], experts=True)
    _assess(d[WATER], p, assessor=p["risk_assessor"])

    # In legality review: the township states when it needs the opinion (第二十六条).
    _submit(d[WATER], p["township_drafter"], needed_by=_opinion_needed_by(today))
    for key in (HEATING, PARKING, EMERGENCY_PLAN):
        _submit(d[key], p[PLANS[key].drafter])
    _review(d[HEATING], p, "经审查，调价程序履行了成本监审、价格听证和公开征求意见，符合法律规定。")
    _review(d[PARKING], p, "经审查，收费事项和标准有法律依据，程序完备，符合法律规定。")
    _review(d[EMERGENCY_PLAN], p, "经审查，预案修订符合《中华人民共和国突发事件应对管理法》。")

    _session(p, county, d[HEATING], d[PARKING])
    _amend(d[HEATING], p)
    _publish(
        d[HEATING],
        p,
        today,
        reference=f"恰政报〔{YEAR}〕31号",
        interpretation="本决定调整城区集中供热价格，居民价格分两个采暖期到位，困难群众给予补贴。",
    )
    _act(
        d[HEATING],
        "archive",
        p["archivist"],
        lambda: s.decision_seal(decision=d[HEATING], by=p["archivist"]),
    )
    _publish(
        d[PARKING],
        p,
        today,
        reference=f"恰政报〔{YEAR}〕32号",
        interpretation="本决定明确城区道路停车收费时段、标准和减免对象。",
    )

    # On the agenda of the next session, a week on.
    following = s.session_plan(
        government=county,
        by=p["secretary"],
        kind="executive",
        held_at=datetime.combine(
            today + timedelta(days=7), time(10), tzinfo=timezone.get_current_timezone()
        ),
        principal=p["principal"],
    )
    _schedule(d[EMERGENCY_PLAN], p, following, p["emergency_head"])

    # Out for comment now, with its drafting explanation: opened 5 days ago, open 26 more.
    _consult(
        d[TRADING],
        p["drc_drafter"],
        opens_at=reference - timedelta(days=5),
        comments=["建议明确电子保函的适用范围", "建议保留必要的线下服务窗口"],
    )
    # RENOVATION stays in drafting.
