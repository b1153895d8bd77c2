"""The demo's facts for the seed's own year, 2021, entered after the fact.

The seed's 2021 report (（三）健全行政决策制度体系): drafts put out for comment, risk assessed on
social stability, public safety, environment and economy, reviewed for legality, decided at
the county government's executive session with the head speaking last (末位发言), every other
item of that session checked by the review office first (议题合法性审核), then published and
archived. Back-entered in 2026 through the same services and DecisionFlow tasks, each act
with its 2021 date, so the 2021 report counts them as if they had been done live.
"""

from datetime import date

from .data import DRC, HOUSING, Plan

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
# (opinion, how the lead unit handled it) by decision title, as ``data.EXPERT_OPINION``.
EXPERT_OPINION_2021 = {
    PLANS_2021[HEATING_NETWORK].title: (
        "改造方案技术可行，建议分片施工，保证10月15日前试压完毕。",
        "已采纳，施工组织改为分三片实施。",
    ),
}
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
