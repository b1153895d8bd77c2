"""This year's decisions (2026), each as far as its plan goes (the package docstring): the
catalogue, the consultations, the price hearing and the reviews, the executive session that
adopts two of them, the amended heating price published and archived, the next session's
agenda and the plan out for comment now. Every date is set from the moment the demo runs."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from workflows.models import Unit

from .. import services as s
from ..models import CatalogueItem, Decision, Session
from .data import (
    ADJUSTED,
    BUREAU,
    CATALOGUE,
    COMMENTS,
    DRC,
    EMERGENCY_PLAN,
    HEATING,
    HOUSING,
    PARKING,
    PARTY_CONSENT,
    PLANS,
    SESSION_REPORT,
    TRADING,
    WATER,
    YEAR,
)
from .steps import (
    act,
    assess,
    consult,
    deliberate,
    dispose_comments,
    not_after,
    opinion_needed_by,
    publish,
    report_add,
    review,
    schedule,
    start,
    submit,
)


def load_current(p, county: Unit) -> None:
    """This year's decisions; a second run creates nothing."""
    reference = timezone.now()  # every date of the demo is set from here
    today = timezone.localdate(reference)
    items = _catalogue(p, county, today)
    if Decision.objects.filter(
        government=county, title__in=[plan.title for plan in PLANS.values()]
    ).exists():
        return  # loaded before (the demo is one transaction: all of it or nothing)
    d = {key: start(plan, items, p, today) for key, plan in PLANS.items()}
    _prepare(d, p, reference=reference, today=today)
    _session(p, county, d[HEATING], d[PARKING])
    _publish_adopted(d, p, today)

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
    schedule(d[EMERGENCY_PLAN], p, following, p["emergency_head"])

    # Out for comment now, with its drafting explanation: opened 5 days ago, open 26 more.
    consult(
        d[TRADING],
        p["drc_drafter"],
        opens_at=reference - timedelta(days=5),
        comments=["建议明确电子保函的适用范围", "建议保留必要的线下服务窗口"],
    )
    # RENOVATION stays in drafting.


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
            **{**PARTY_CONSENT, "consented_on": not_after(PARTY_CONSENT["consented_on"], today)},
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


def _prepare(d: dict[str, Decision], p, *, reference: datetime, today: date) -> None:
    """Four decisions consulted on, assessed and sent to the review office; three reviewed, the
    township's still in review."""
    # Consulted in the past: 60 days ago for 31 days.
    past = reference - timedelta(days=60)
    for key in (HEATING, PARKING, EMERGENCY_PLAN, WATER):
        consult(d[key], p[PLANS[key].drafter], opens_at=past, comments=COMMENTS)
    _hearing(d[HEATING], p["drc_drafter"], opens_at=past)
    for key in (HEATING, PARKING, EMERGENCY_PLAN, WATER):
        dispose_comments(d[key], p[PLANS[key].drafter])

    assess(d[HEATING], p, assessor=p["drc_drafter"])
    assess(d[PARKING], p, assessor=p["risk_assessor"])
    assess(d[EMERGENCY_PLAN], p, assessor=p["emergency_drafter"], experts=True)
    assess(d[WATER], p, assessor=p["risk_assessor"])

    # In legality review: the township states when it needs the opinion (第二十六条).
    submit(d[WATER], p["township_drafter"], needed_by=opinion_needed_by(today))
    for key in (HEATING, PARKING, EMERGENCY_PLAN):
        submit(d[key], p[PLANS[key].drafter])
    review(d[HEATING], p, "经审查，调价程序履行了成本监审、价格听证和公开征求意见，符合法律规定。")
    review(d[PARKING], p, "经审查，收费事项和标准有法律依据，程序完备，符合法律规定。")
    review(d[EMERGENCY_PLAN], p, "经审查，预案修订符合《中华人民共和国突发事件应对管理法》。")


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
    schedule(heating, p, session, p["drc_head"])
    schedule(parking, p, session, p["housing_head"])
    report_add(
        session,
        p,
        SESSION_REPORT,
        opinion="报告内容符合《法治政府建设与责任落实督察工作规定》的要求，可以提交会议审议。",
    )
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
    _deliberations(session, p, heating, parking)
    return s.session_conclude(session=session, by=secretary)


def _deliberations(session: Session, p, heating: Decision, parking: Decision) -> None:
    """The three items in turn: the heating price adopted with amendments, the parking charges
    adopted, the 司法局's report approved in principle."""
    secretary = p["secretary"]
    items = {item.decision_id: item for item in session.items.all()}

    act(
        heating,
        "meeting",
        secretary,
        lambda: deliberate(
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
    act(
        parking,
        "meeting",
        secretary,
        lambda: deliberate(
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
    deliberate(
        items[None],
        p,
        statements=[
            ("deputy_head", "support", "同意，报告全面客观。"),
            ("member", "support", "同意，建议补充行政复议案件情况。"),
        ],
        head_decision="adopt",
        head="原则同意，按会议意见修改后报县委和州人民政府。",
    )


def _publish_adopted(d: dict[str, Decision], p, today: date) -> None:
    """The two adopted decisions: the heating price in its amended version, published and
    archived; the parking charges published."""
    _amend(d[HEATING], p)
    publish(
        d[HEATING],
        p,
        today,
        reference=f"恰政报〔{YEAR}〕31号",
        interpretation="本决定调整城区集中供热价格，居民价格分两个采暖期到位，困难群众给予补贴。",
    )
    act(
        d[HEATING],
        "archive",
        p["archivist"],
        lambda: s.decision_seal(decision=d[HEATING], by=p["archivist"]),
    )
    publish(
        d[PARKING],
        p,
        today,
        reference=f"恰政报〔{YEAR}〕32号",
        interpretation="本决定明确城区道路停车收费时段、标准和减免对象。",
    )


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
    act(
        d,
        "incorporate_amendments",
        drafter,
        lambda: s.amended_version_submit(decision=d, by=drafter, text=text, substantive=True),
    )
    act(
        d,
        "approve_amendments",
        head,
        lambda: s.amended_version_approve(version=s.pending_amended_version(d), by=head),
    )
    act(
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
