"""The seed's own year, 2021, back-entered: the two decisions put out for comment, risk
assessed, reviewed, adopted at 县政府2021年第1次常务会议 beside the 司法局's report, then
published and archived, each act through the same services and DecisionFlow tasks with its
2021 date (``at=``), so the 2021 report counts them as if they had been done live."""

from datetime import datetime, timedelta

from django.utils import timezone

from workflows.consultations.selectors import consultation_latest
from workflows.models import Unit

from .. import services as s
from ..models import CatalogueItem, Decision, Session
from .data import BUREAU, COMMENTS, DRC, HOUSING
from .data_2021 import (
    CATALOGUE_2021,
    DAYS_2021,
    HEATING_NETWORK,
    MARKETS,
    PARTY_CONSENT_2021,
    PLANS_2021,
    SESSION_REPORT_2021,
    YEAR_2021,
)
from .steps import (
    act,
    assess,
    consult,
    deliberate,
    dispose_comments,
    opinion_needed_by,
    publish,
    report_add,
    review,
    schedule,
    start,
    submit,
)


def load_2021(p, county: Unit) -> None:
    """The 2021 major decisions, back-entered with their 2021 dates (module docstring); skipped
    when the 2021 catalogue is there."""
    if CatalogueItem.objects.filter(government=county, year=YEAR_2021).exists():
        return
    items = _catalogue_2021(p, county)
    d = {
        key: start(plan, items, p, plan.start_on, at=_at_2021((key, "start")))
        for key, plan in PLANS_2021.items()
    }
    _prepare_2021(d, p)
    _session_2021(p, county, d[HEATING_NETWORK], d[MARKETS])
    _publish_2021(d, p)


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


def _prepare_2021(d: dict[str, Decision], p) -> None:
    """Both decisions consulted on, assessed, sent to the review office and reviewed."""
    for key, plan in PLANS_2021.items():
        opens_at = _at_2021((key, "consultation"))
        consult(d[key], p[plan.drafter], opens_at=opens_at, comments=COMMENTS, back_entered=True)
    # Both periods ran out in 2021: closed then, before the flow's timers look at them.
    for key in PLANS_2021:
        closes_at = consultation_latest(subject=d[key]).closes_at
        s.decision_consultation_close(decision=d[key], at=closes_at)
    for key, plan in PLANS_2021.items():
        dispose_comments(d[key], p[plan.drafter], at=_at_2021((key, "disposed")))
    assess(
        d[HEATING_NETWORK],
        p,
        assessor=p["risk_assessor"],  # the third party 住建局 commissions (第二十二条)
        experts=True,
        at=_at_2021((HEATING_NETWORK, "assessed")),
    )
    assess(d[MARKETS], p, assessor=p["drc_drafter"], at=_at_2021((MARKETS, "assessed")))
    for key, plan in PLANS_2021.items():
        submitted = _at_2021((key, "submitted"))
        submit(
            d[key],
            p[plan.drafter],
            needed_by=opinion_needed_by(timezone.localdate(submitted)),
            at=submitted,
        )
    review(
        d[HEATING_NETWORK],
        p,
        "经审查，改造工程履行了公开征求意见、专家论证和风险评估程序，符合法律规定。",
        at=_at_2021((HEATING_NETWORK, "reviewed")),
    )
    review(
        d[MARKETS],
        p,
        "经审查，实施方案经公平竞争审查，程序完备，符合法律规定。",
        at=_at_2021((MARKETS, "reviewed")),
    )


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
    schedule(heating, p, session, p["housing_head"], at=scheduled)
    schedule(markets, p, session, p["drc_head"], at=scheduled)
    report_add(
        session,
        p,
        SESSION_REPORT_2021,
        opinion="报告内容符合法治政府建设年度报告制度的要求，可以提交会议审议。",
        proposed_at=_at_2021("report_proposed"),
        checked_at=_at_2021("report_checked"),
        added_at=scheduled,
    )
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
    _deliberations_2021(session, p, heating, markets, held_at=held_at)
    return s.session_conclude(session=session, by=secretary, at=_at_2021("session_concluded"))


def _deliberations_2021(
    session: Session, p, heating: Decision, markets: Decision, *, held_at: datetime
) -> None:
    """The three items in turn, each adopted: the heating network taken up five minutes into
    the session, the markets at forty, the 司法局's report at eighty."""
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
                ("deputy_head", "support", "同意，施工期间要做好交通疏导和安全防护。"),
                ("member", "support", "同意，资金要专款专用。"),
            ],
            head_decision="adopt",
            head="同意。住建局要确保10月15日前完成试压，按期供热。",
            at=held_at + timedelta(minutes=5),
        ),
    )
    act(
        markets,
        "meeting",
        secretary,
        lambda: deliberate(
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
    deliberate(
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


def _publish_2021(d: dict[str, Decision], p) -> None:
    """Both adopted decisions reported to the Party committee, published and archived."""
    reported_on = timezone.localdate(_at_2021("party_reported"))
    published_on = timezone.localdate(_at_2021("published"))
    for key, reference, interpretation in (
        (HEATING_NETWORK, 8, "本决定明确城区供热管网改造的范围、工期和资金来源。"),
        (MARKETS, 9, "本方案明确农贸市场改造内容和经营户过渡安置措施。"),
    ):
        publish(
            d[key],
            p,
            reported_on,
            reference=f"恰政报〔{YEAR_2021}〕{reference}号",
            interpretation=interpretation,
            published_on=published_on,
        )
        act(
            d[key],
            "archive",
            p["archivist"],
            lambda key=key: s.decision_seal(
                decision=d[key], by=p["archivist"], at=_at_2021("sealed")
            ),
        )
