"""The demo's facts for this year (2026): the units, the catalogue the 司法局 compiles and the
Party committee consents to (第三条), each decision's plan (its texts and how far it goes), the
risk assessment's findings, the 司法局's report for the session, the experts' opinion and the
public's comments."""

from dataclasses import dataclass, field
from datetime import date

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


# (opinion, how the lead unit handled it) by decision title; None: the 2026 emergency plan's.
EXPERT_OPINION = {
    None: (
        "预案结构完整，建议细化乡（镇）先期处置和物资储备要求。",
        "已采纳，补充了乡（镇）先期处置要求。",
    ),
}
COMMENTS = ["建议加大对困难群众的照顾", "建议明确实施时间", "同意草案"]
