"""Demo data for normative documents, from the seed report (乌恰县2021年度法治政府建设工作报告):
the drafting-body list confirmed in 2021 (54 bodies), the 2021 cleanups — three special ones
(《行政处罚法》, 计划生育, 《外商投资法》) and the regular biennial one: 14 documents checked, 8
continue, 6 repealed, the lists published on the county website — four filings from townships
and departments reviewed by the county, documents in force with real-looking numbers, and one
document whose validity ends within the month (due for renewal). No document was issued in the
name of the county government or its office in 2021, as the seed says.

Every row is written through the services, back-dated to the day each act was done (the
services take that date), so the demo also has its full record and the 2021 report counts
each act on its own day. Idempotent: each part is skipped when it is already there.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from workflows.demo import COUNTY, FURTHER_BODIES
from workflows.models import Unit
from workflows.permissions import role_grant
from workflows.services import person_ensure

from . import rules, services
from .models import CleanupCampaign, DraftingBody, Filing, LegalityReview, NormativeDocument

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


def _user(username):
    return get_user_model().objects.get(username=username)


def _bodies() -> None:
    admin = _user("admin")
    county = Unit.objects.get(name=COUNTY)
    for name, code, kind in FURTHER_BODIES:
        unit = Unit.objects.get(name=name, parent=county)
        if not DraftingBody.objects.filter(unit=unit).exists():
            services.drafting_body_register(
                unit=unit,
                kind=kind,
                legal_basis="法律、法规授权" if kind != "department" else "本单位“三定”方案",
                issuer_codes=[code],
                by=admin,
                on=BODIES_CONFIRMED_ON,
            )
    for unit in Unit.objects.exclude(kind=Unit.Kind.OTHER).exclude(issuer_code=""):
        if DraftingBody.objects.filter(unit=unit).exists():
            continue
        kind = {"government": "government", "department": "department", "township": "township"}[
            unit.kind
        ]
        basis = {
            "government": "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
            "department": "《地方各级人民代表大会和地方各级人民政府组织法》第七十九条；本单位“三定”方案",
            "township": "《地方各级人民代表大会和地方各级人民政府组织法》第七十六条",
        }[kind]
        services.drafting_body_register(
            unit=unit,
            kind=kind,
            legal_basis=basis,
            issuer_codes=[unit.issuer_code],
            by=admin,
            on=BODIES_CONFIRMED_ON,
        )


def _people(password: str) -> None:
    county = Unit.objects.get(name=COUNTY)
    justice, township = Unit.objects.get(name=JUSTICE), Unit.objects.get(name=TOWNSHIP)
    person_ensure(
        username="county_drafter",
        full_name="古丽娜尔",
        unit=Unit.objects.get(name="乌恰县人民政府办公室"),
        job_title="科员",
        password=password,
        roles={"drafter": [county]},
    )
    person_ensure(
        username="township_head",
        full_name="艾尔肯",
        unit=township,
        job_title="乡长",
        password=password,
        roles={"unit_head": [township], "publisher": [township]},
    )
    # The demo publisher registers and publishes for 司法局 as well as for the county.
    role_grant(user=_user("publisher"), role="publisher", unit=justice)


def _cleanup_2021() -> None:
    if CleanupCampaign.objects.filter(title=CLEANUP_TITLE).exists():
        return
    admin, advisor = _user("admin"), _user("legal_advisor")
    documents = []
    for body_name, number, title, published_on, _outcome, _reason in CLEANUP_2021:
        documents.append(
            NormativeDocument.objects.filter(number=number).first()
            or services.normdoc_import_published(
                by=admin,
                drafting_body=DraftingBody.objects.get(unit__name=body_name),
                title=title,
                number=number,
                published_on=published_on,
                cited_laws="《中华人民共和国行政处罚法》"
                if "处罚" in title or "罚没" in title
                else "",
            )
        )
    county = Unit.objects.get(name=COUNTY)
    by_number = {d.number: d for d in documents}
    special = {n for *_rest, numbers in SPECIAL_CLEANUPS_2021 for n in numbers}
    campaigns = [
        (
            "special",
            title,
            law,
            opened_on,
            [by_number[n].pk for n in numbers],
        )
        for title, law, opened_on, numbers in SPECIAL_CLEANUPS_2021
    ]
    campaigns.append(
        (
            "regular",
            CLEANUP_TITLE,
            "",
            REGULAR_OPENED_ON,
            [d.pk for d in documents if d.number not in special],
        )
    )
    deciders = {COUNTY: _user("county_drafter"), JUSTICE: _user("drafter")}
    outcomes = {
        number: (body, outcome, reason) for body, number, _t, _p, outcome, reason in CLEANUP_2021
    }
    for kind, title, law, opened_on, scope in campaigns:
        campaign = services.cleanup_open(
            kind=kind,
            government=county,
            by=advisor,
            title=title,
            scope={"documents": scope},
            on=opened_on,
            ordered_by=law,
        )
        for item in campaign.items.select_related("document"):
            body, outcome, reason = outcomes[item.document.number]
            services.cleanup_item_decide(
                item=item,
                by=deciders[body],
                outcome=outcome,
                reason=reason,
                on=opened_on + timedelta(days=20),
            )
        services.cleanup_close(
            campaign=campaign, by=advisor, published_on=LISTS_PUBLISHED_ON, published_where=WEBSITE
        )
    heads = {COUNTY: _user("principal"), JUSTICE: _user("unit_head")}
    for body, number, *_rest in CLEANUP_2021:
        _renew_if_lapsing(NormativeDocument.objects.get(number=number), heads[body])


def _renew_if_lapsing(document: NormativeDocument, head) -> None:
    """Evaluated and renewed a month before its five years ran out, as the county does."""
    if document.status == "in_force" and document.valid_until < timezone.localdate() + timedelta(
        days=60
    ):
        services.normdoc_renew(
            document=document,
            by=head,
            decision_reference="县人民政府常务会议纪要"
            if document.is_government_document
            else "局务会议纪要",
            reason="有效期届满前评估，仍需继续实施",
            on=document.valid_until - timedelta(days=30),
        )


def _filings_2021() -> None:
    advisor, reviewer = _user("legal_advisor"), _user("filing_reviewer")
    people = {
        JUSTICE: {
            "drafter": _user("drafter"),
            "head": _user("unit_head"),
            "publisher": _user("publisher"),
        },
        TOWNSHIP: {
            "drafter": _user("township_drafter"),
            "head": _user("township_head"),
            "publisher": _user("township_head"),
        },
    }
    for body_name, title, doc_type, published_on, outcome in FILINGS_2021:
        if NormativeDocument.objects.filter(title=title).exists():
            continue
        p = people[body_name]
        body = DraftingBody.objects.get(unit__name=body_name)
        with transaction.atomic():
            reviewed_on = published_on + timedelta(days=25)
            document = services.normdoc_create(
                by=p["drafter"],
                drafting_body=body,
                title=title,
                doc_type=doc_type,
                legal_basis="《新疆维吾尔自治区行政规范性文件管理办法》",
            )
            submitted = published_on - timedelta(days=45)
            review = services.legality_review_submit(
                document=document, by=p["drafter"], on=submitted
            )
            services.legality_review_conclude(
                review=review,
                by=advisor,
                outcome=LegalityReview.Outcome.LAWFUL,
                opinion="制定主体合法，内容未增设许可、处罚、强制、收费事项，程序完备",
                on=submitted + timedelta(days=14),
            )
            services.normdoc_send_to_deliberation(document=document, by=p["drafter"])
            services.normdoc_deliberate(
                document=document,
                by=p["head"],
                meeting_kind="office_meeting",
                meeting_on=published_on - timedelta(days=10),
                adopted=True,
            )
            services.normdoc_register(
                document=document, by=p["publisher"], on=published_on - timedelta(days=3)
            )
            services.normdoc_publish(
                document=document, by=p["publisher"], published_on=published_on
            )
            filing = Filing.objects.get(document=document)
            services.filing_submit(
                filing=filing, by=p["publisher"], received_on=published_on + timedelta(days=12)
            )
            if outcome == "return_then_accept":
                services.filing_return(
                    filing=filing,
                    by=reviewer,
                    missing="缺少起草说明和征求意见情况",
                    on=published_on + timedelta(days=15),
                )
                services.filing_submit(
                    filing=filing, by=p["publisher"], received_on=published_on + timedelta(days=20)
                )
            services.filing_accept(
                filing=filing, by=reviewer, opinion="经审查，未发现问题，予以备案", on=reviewed_on
            )
            document.refresh_from_db()
            _renew_if_lapsing(document, p["head"])


def _due_for_renewal() -> None:
    """A document whose five years end three weeks from today: the reminders are running."""
    title = "乌恰县城乡居民医疗救助实施办法"
    if NormativeDocument.objects.filter(title=title).exists():
        return
    published_on = rules.add_years(timezone.localdate() + timedelta(days=22), -5)
    # Issued by the civil-affairs bureau: the county issued nothing in its own name in 2021.
    services.normdoc_import_published(
        by=_user("admin"),
        drafting_body=DraftingBody.objects.get(unit__name="乌恰县民政局"),
        title=title,
        number=f"恰民规〔{published_on.year}〕9号",
        published_on=published_on,
        index_number=f"24K458996/{published_on.year}-00630",
    )
    services.validity_sweep()


def load(*, password: str) -> None:
    """Load the normative-document demo; run after workflows.demo.load_organisation."""
    _bodies()
    _people(password)
    _cleanup_2021()
    _filings_2021()
    _due_for_renewal()
