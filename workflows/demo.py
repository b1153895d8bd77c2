"""Demo organisation drawn from the seed report (乌恰县2021年度法治政府建设工作报告).

Each process adds its demo data through ``settings.FAZHI_DEMO_LOADERS`` (``demo_steps``), so
that ``manage.py demo`` stays one idempotent command.
"""

from dataclasses import dataclass

from .models import Unit
from .services import person_ensure, unit_ensure

COUNTY = "乌恰县人民政府"

# (name, short name, issuer code)
DEPARTMENTS = [
    ("乌恰县人民政府办公室", "县政府办", "恰政办"),
    ("乌恰县司法局", "司法局", "恰司"),
    ("乌恰县发展和改革委员会", "发改委", "恰发改"),
    ("乌恰县财政局", "财政局", "恰财"),
    ("乌恰县自然资源局", "自然资源局", "恰自然资"),
    ("克孜勒苏柯尔克孜自治州生态环境局乌恰县分局", "生态环境分局", "恰环"),
    ("乌恰县卫生健康委员会", "卫健委", "恰卫健"),
    ("乌恰县市场监督管理局", "市场监管局", "恰市监"),
    ("乌恰县教育局", "教育局", "恰教"),
    ("乌恰县住房和城乡建设局", "住建局", "恰建"),
    ("乌恰县交通运输局", "交通运输局", "恰交"),
    ("乌恰县农业农村局", "农业农村局", "恰农"),
    ("乌恰县人力资源和社会保障局", "人社局", "恰人社"),
    ("乌恰县民政局", "民政局", "恰民"),
]

# The county's 11 townships (2 towns, 9 townships): 11个乡(镇) in the seed report.
TOWNSHIPS = [
    ("乌恰镇", "恰乌镇"),
    ("康苏镇", "恰康镇"),
    ("吉根乡", "恰吉乡"),
    ("托云乡", "恰托乡"),
    ("铁列克乡", "恰铁乡"),
    ("波斯坦铁列克乡", "恰波乡"),
    ("膘尔托阔依乡", "恰膘乡"),
    ("巴音库鲁提乡", "恰巴乡"),
    ("黑孜苇乡", "恰黑乡"),
    ("吾合沙鲁乡", "恰吾乡"),
    ("乌鲁克恰提乡", "恰乌鲁乡"),
]

# Further departments and organisations authorised by law: with the county, its departments and
# townships, the 54 bodies the seed's 2021 review confirmed as drafting bodies (制定主体).
# (name, issuer code, drafting-body kind)
FURTHER_BODIES = [
    ("乌恰县公安局", "恰公", "department"),
    ("乌恰县审计局", "恰审", "department"),
    ("乌恰县统计局", "恰统", "department"),
    ("乌恰县应急管理局", "恰应急", "department"),
    ("乌恰县水利局", "恰水", "department"),
    ("乌恰县林业和草原局", "恰林草", "department"),
    ("乌恰县文化体育广播电视和旅游局", "恰文旅", "department"),
    ("乌恰县退役军人事务局", "恰退役", "department"),
    ("乌恰县医疗保障局", "恰医保", "department"),
    ("乌恰县商务和工业信息化局", "恰商工", "department"),
    ("乌恰县民族宗教事务局", "恰民宗", "department"),
    ("乌恰县科学技术局", "恰科", "department"),
    ("乌恰县城市管理局", "恰城管", "department"),
    ("乌恰县信访局", "恰信访", "department"),
    ("乌恰县社会保险中心", "恰社保", "authorised_organisation"),
    ("乌恰县住房公积金管理中心", "恰公积金", "authorised_organisation"),
    ("乌恰县不动产登记中心", "恰不动产", "authorised_organisation"),
    ("乌恰县就业服务中心", "恰就业", "authorised_organisation"),
    ("乌恰县疾病预防控制中心", "恰疾控", "authorised_organisation"),
    ("乌恰县动物疾病预防控制中心", "恰动疾", "authorised_organisation"),
    ("乌恰县农业综合行政执法大队", "恰农执", "authorised_organisation"),
    ("乌恰县市场监管综合行政执法大队", "恰市执", "authorised_organisation"),
    ("乌恰县文化市场综合行政执法大队", "恰文执", "authorised_organisation"),
    ("乌恰县交通运输综合行政执法大队", "恰交执", "authorised_organisation"),
    ("乌恰县卫生健康综合监督执法局", "恰卫执", "authorised_organisation"),
    ("乌恰县生态环境保护综合行政执法大队", "恰环执", "authorised_organisation"),
    ("乌恰县医疗保险服务中心", "恰医服", "authorised_organisation"),
    ("乌恰县公共资源交易中心", "恰交易", "authorised_organisation"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit: str
    job_title: str
    # role -> "own" | "county" | "all" | the name of one unit | a tuple of unit names
    roles: dict
    superuser: bool = False


DRC = "乌恰县发展和改革委员会"
HOUSING = "乌恰县住房和城乡建设局"
EMERGENCY = "乌恰县应急管理局"
WATER_TOWNSHIP = "吾合沙鲁乡"

ACCOUNTS = [
    # 司法局: the review office of the county government (第二十五条). Its legal advisor prepares
    # the legality opinions, its head (王建国) approves and issues them; 阿依古丽 drafts what the
    # bureau itself brings to the government (its yearly 法治政府建设 report).
    DemoAccount("drafter", "阿依古丽", "乌恰县司法局", "科员", {"drafter": "own"}),
    DemoAccount("unit_head", "王建国", "乌恰县司法局", "局长", {"unit_head": "own"}),
    DemoAccount("legal_advisor", "李明", "乌恰县司法局", "法律顾问", {"legal_advisor": "all"}),
    DemoAccount("expert", "张华", DRC, "高级工程师", {"expert": "county"}),
    # A third party the lead units commission for their risk assessments (第二十二条): the
    # assessment tasks of 住建局's and 吾合沙鲁乡's decisions are offered to her.
    DemoAccount("risk_assessor", "马丽", DRC, "科长", {"risk_assessor": (HOUSING, WATER_TOWNSHIP)}),
    DemoAccount(
        "secretary", "赵敏", "乌恰县人民政府办公室", "秘书", {"meeting_secretary": "county"}
    ),
    DemoAccount("member", "努尔兰", "乌恰县人民政府", "副县长", {"meeting_member": "county"}),
    DemoAccount(
        "deputy_head", "周建华", "乌恰县人民政府", "常务副县长", {"meeting_member": "county"}
    ),
    DemoAccount("principal", "吐尔洪", "乌恰县人民政府", "县长", {"principal": "county"}),
    DemoAccount(
        "publisher", "刘洋", "乌恰县人民政府办公室", "信息公开专员", {"publisher": "county"}
    ),
    DemoAccount(
        "filing_reviewer", "陈静", "乌恰县司法局", "备案审查员", {"filing_reviewer": "county"}
    ),
    DemoAccount("archivist", "孙丽", "乌恰县人民政府办公室", "档案员", {"archivist": "all"}),
    DemoAccount(
        "admin", "系统管理员", "乌恰县人民政府", "管理员", {"administrator": "county"}, True
    ),
    # The lead units of the demo's decisions (承办单位, 第十一条): a drafter and the unit's head.
    DemoAccount("township_drafter", "买买提", WATER_TOWNSHIP, "科员", {"drafter": "own"}),
    DemoAccount("township_head", "阿不都热依木", WATER_TOWNSHIP, "乡长", {"unit_head": "own"}),
    DemoAccount("drc_drafter", "古丽娜尔", DRC, "价格科科员", {"drafter": "own"}),
    DemoAccount("drc_head", "艾尔肯", DRC, "主任", {"unit_head": "own"}),
    DemoAccount("housing_drafter", "周涛", HOUSING, "科员", {"drafter": "own"}),
    DemoAccount("housing_head", "热合曼", HOUSING, "局长", {"unit_head": "own"}),
    DemoAccount("emergency_drafter", "王磊", EMERGENCY, "科员", {"drafter": "own"}),
    DemoAccount("emergency_head", "吐逊江", EMERGENCY, "局长", {"unit_head": "own"}),
]


def _scoped(scope, scopes: dict) -> list[Unit]:
    """The units one role of an account is granted in: a keyword, one unit's name or several."""
    if isinstance(scope, tuple):
        return [Unit.objects.get(name=name) for name in scope]
    return scopes[scope] if scope in scopes else [Unit.objects.get(name=scope)]


def load_organisation(*, password: str) -> list[DemoAccount]:
    county, _ = unit_ensure(
        name=COUNTY, kind=Unit.Kind.GOVERNMENT, short_name="县政府", issuer_code="恰政"
    )
    for name, short, code in DEPARTMENTS:
        unit_ensure(
            name=name, kind=Unit.Kind.DEPARTMENT, short_name=short, issuer_code=code, parent=county
        )
    for name, code in TOWNSHIPS:
        unit_ensure(
            name=name, kind=Unit.Kind.TOWNSHIP, short_name=name, issuer_code=code, parent=county
        )

    # The county's offices: 司法局 reviews legality, 政府办 runs the meetings (workflows.offices).
    county.review_office = Unit.objects.get(name="乌恰县司法局")
    county.general_office = Unit.objects.get(name="乌恰县人民政府办公室")
    county.save(update_fields=["review_office", "general_office"])

    for name, code, kind in FURTHER_BODIES:
        unit_ensure(
            name=name,
            kind=Unit.Kind.DEPARTMENT if kind == "department" else Unit.Kind.OTHER,
            issuer_code=code,
            parent=county,
        )

    all_units = list(Unit.objects.all())
    for account in ACCOUNTS:
        unit = Unit.objects.get(name=account.unit)
        scopes = {"own": [unit], "county": [county], "all": all_units}
        person_ensure(
            username=account.username,
            full_name=account.full_name,
            unit=unit,
            job_title=account.job_title,
            password=password,
            roles={role: _scoped(scope, scopes) for role, scope in account.roles.items()},
            is_superuser=account.superuser,
        )
    return ACCOUNTS


def demo_steps() -> list:
    """The loaders of the demo, in order: the organisation first, then each process's data.

    The processes name their own loaders in ``settings.FAZHI_DEMO_LOADERS`` (dotted paths):
    ``workflows`` imports neither ``decisions`` nor ``normdocs``, which build on it."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return [load_organisation] + [import_string(path) for path in settings.FAZHI_DEMO_LOADERS]
