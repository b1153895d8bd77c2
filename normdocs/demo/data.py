"""The demo's facts, from the seed report (乌恰县2021年度法治政府建设工作报告): the 2021 cleanups,
the filings, the documents in force."""

from datetime import date

from workflows.demo import COUNTY

CLEANUP_TITLE = "乌恰县2021年度行政规范性文件清理"
WEBSITE = "县人民政府网站"
BODIES_CONFIRMED_ON = date(2021, 4, 28)
LISTS_PUBLISHED_ON = date(2021, 11, 30)

# The special cleanups of 2021, by the law that ordered them: (title, law, document numbers).
SPECIAL_CLEANUPS_2021 = [
    (
        "涉及《中华人民共和国行政处罚法》的行政规范性文件专项清理",
        "《中华人民共和国行政处罚法》",
        date(2021, 5, 10),
        ["恰政发〔2015〕21号", "恰司发〔2017〕5号", "恰政发〔2018〕6号"],
    ),
    (
        "涉及计划生育内容的行政规范性文件专项清理",
        "《中华人民共和国人口与计划生育法》",
        date(2021, 9, 1),
        ["恰政发〔2016〕8号", "恰政发〔2017〕12号"],
    ),
    (
        "涉及外商投资法内容的行政规范性文件专项清理",
        "《中华人民共和国外商投资法》",
        date(2021, 3, 15),
        ["恰政发〔2016〕30号"],
    ),
]
REGULAR_OPENED_ON = date(2021, 6, 1)
JUSTICE = "乌恰县司法局"
TOWNSHIP = "吾合沙鲁乡"

# (body, number, title, published, outcome, reason)
CLEANUP_2021 = [
    (
        COUNTY,
        "恰政规〔2019〕1号",
        "乌恰县城乡居民最低生活保障实施办法",
        date(2019, 3, 12),
        "continue",
        "符合现行法律法规，继续有效",
    ),
    (
        COUNTY,
        "恰政规〔2019〕3号",
        "乌恰县农村宅基地管理办法",
        date(2019, 7, 8),
        "continue",
        "符合《土地管理法》，继续有效",
    ),
    (
        COUNTY,
        "恰政规〔2020〕1号",
        "乌恰县城市市容和环境卫生管理办法",
        date(2020, 2, 20),
        "continue",
        "继续有效",
    ),
    (
        COUNTY,
        "恰政规〔2020〕2号",
        "乌恰县政府投资项目管理办法",
        date(2020, 4, 15),
        "continue",
        "符合《政府投资条例》，继续有效",
    ),
    (
        COUNTY,
        "恰政规〔2020〕4号",
        "乌恰县重大行政决策程序规定",
        date(2020, 9, 1),
        "continue",
        "继续有效",
    ),
    (
        COUNTY,
        "恰政规〔2020〕6号",
        "乌恰县行政规范性文件管理办法",
        date(2020, 12, 18),
        "continue",
        "继续有效",
    ),
    (
        JUSTICE,
        "恰司规〔2020〕1号",
        "乌恰县法律援助工作规定",
        date(2020, 6, 18),
        "continue",
        "符合《法律援助法》，继续有效",
    ),
    (
        JUSTICE,
        "恰司规〔2021〕1号",
        "乌恰县人民调解工作办法",
        date(2021, 1, 20),
        "continue",
        "继续有效",
    ),
    (
        COUNTY,
        "恰政发〔2015〕21号",
        "乌恰县行政处罚自由裁量权实施办法",
        date(2015, 6, 10),
        "repeal",
        "与2021年修订的《行政处罚法》不一致",
    ),
    (
        COUNTY,
        "恰政发〔2016〕8号",
        "乌恰县计划生育奖励扶助办法",
        date(2016, 3, 2),
        "repeal",
        "计划生育政策调整，已不适应",
    ),
    (
        COUNTY,
        "恰政发〔2016〕30号",
        "乌恰县外商投资企业审批管理办法",
        date(2016, 11, 14),
        "repeal",
        "与《外商投资法》不一致",
    ),
    (
        COUNTY,
        "恰政发〔2017〕12号",
        "乌恰县社会抚养费征收管理办法",
        date(2017, 5, 22),
        "repeal",
        "上位依据已废止",
    ),
    (
        JUSTICE,
        "恰司发〔2017〕5号",
        "乌恰县司法行政罚没财物管理办法",
        date(2017, 8, 1),
        "repeal",
        "与《行政处罚法》第七十四条不一致",
    ),
    (
        COUNTY,
        "恰政发〔2018〕6号",
        "乌恰县城市管理相对集中行政处罚权暂行办法",
        date(2018, 4, 9),
        "repeal",
        "已被新规定代替",
    ),
]

# Filed with the county in 2021 and reviewed: (body, title, doc type, published, outcome).
FILINGS_2021 = [
    (JUSTICE, "乌恰县公共法律服务体系建设实施办法", "规", date(2021, 4, 12), "accept"),
    (JUSTICE, "乌恰县行政执法公示办法", "规", date(2021, 6, 7), "return_then_accept"),
    (TOWNSHIP, "吾合沙鲁乡村规民约管理办法", "规", date(2021, 5, 10), "accept"),
    (TOWNSHIP, "吾合沙鲁乡草原禁牧和草畜平衡管理办法", "规", date(2021, 8, 16), "accept"),
]

# A county-government document of 2022 filed outside the installation (自治区人民政府令第218号:
# 报上一级人民政府和本级人民代表大会常务委员会备案): submitted to both bodies, the prefecture's
# outcome back, the standing committee's review still running. Not in 2021: the county issued
# nothing in its own name that year, as the seed says.
COUNTY_DOCUMENT_2022 = {
    "title": "乌恰县农村公路养护管理办法",
    "published_on": date(2022, 6, 15),
    "filings": {
        # body: (reference, submitted, received, outcome or None)
        "克孜勒苏柯尔克孜自治州人民政府": (
            "恰政报〔2022〕15号",
            date(2022, 6, 28),
            date(2022, 7, 1),
            ("accepted", date(2022, 7, 26), "克州政办备〔2022〕31号"),
        ),
        "乌恰县人大常委会": ("恰政报〔2022〕16号", date(2022, 6, 28), date(2022, 7, 4), None),
    },
}
