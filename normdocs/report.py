"""The normative-document part of the annual report (domain.md §5), under the seed's heading
"2.加强行政规范性文件管理" and worded like it: "一是开展规范性文件制定主体清理，经过清理明确规范性文件
制定主体单位54个。二是加强合法性审核、备案审查工作，2021年未以人民政府和人民政府办公室名义发布规范性
文件，备案审查各乡(镇)、各部门规范性文件4件。三是开展行政规范性文件清理工作，…清查14件规范性文件，
继续执行的规范性文件8件，废止的规范性文件6件。"

Legality reviews: 国办发〔2018〕115号 (durations in working days); filing: 令第218号 (有件必备、
有备必审、有错必纠); cleanup: 国办发〔2018〕37号 五(十八). Every figure is counted by the day of
the act: the review's conclusion, the filing's receipt, the lists' publication.
"""

from collections import Counter

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.selectors import calendar_for
from workflows.reports import (
    average_working_days,
    chart,
    duration_clause,
    register_report_section,
    series_chart,
    year_bounds,
)

from .models import CleanupCampaign, CleanupItem, DraftingBody, Filing, LegalityReview
from .models import NormativeDocument as Document
from .services.bodies import government_office_unit_ids

REVIEWED = (
    Filing.Status.ACCEPTED,
    Filing.Status.CORRECTION_REQUESTED,
    Filing.Status.AMENDED_BY_ISSUER,
    Filing.Status.REVOKED_BY_ISSUER,
    Filing.Status.REVOKED_BY_FILING_BODY,
    Filing.Status.CHANGED_BY_FILING_BODY,
)
CORRECTED = (
    Filing.Status.AMENDED_BY_ISSUER,
    Filing.Status.REVOKED_BY_ISSUER,
    Filing.Status.REVOKED_BY_FILING_BODY,
    Filing.Status.CHANGED_BY_FILING_BODY,
)
REVIEW_ZH = {"lawful": "合法", "needs_amendment": "修改后合法", "unlawful": "不合法"}
# How the seed names the bodies that filed, in its order.
FILER_ZH = {
    DraftingBody.Kind.TOWNSHIP: "各乡（镇）",
    DraftingBody.Kind.DEPARTMENT: "各部门",
    DraftingBody.Kind.AUTHORISED_ORGANISATION: "法律法规授权的组织",
    DraftingBody.Kind.GOVERNMENT: "下级人民政府",
}
ORDINALS = "一二三四五六七八九十"
LIVE = (
    "registered",
    "published",
    "in_force",
    "amended",
    "repealed",
    "expired",
    "declared_invalid",
    "revoked",
)
# The four ends of a document (domain.md §2), each counted as such, and the replacement by an
# amendment: 撤销 (by the issuer or the filing body), 废止, 宣布失效, 失效 (lapsed).
ENDS_ZH = {
    "revoked": "撤销",
    "repealed": "废止",
    "declared_invalid": "宣布失效",
    "expired": "失效",
}


def _date_zh(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _drafting_bodies(year: int) -> dict:
    _start, end = year_bounds(year)
    bodies = DraftingBody.objects.filter(registered_at__lt=end)
    return {
        "confirmed": bodies.count(),
        "confirmed_this_year": bodies.filter(registered_at__year=year).count(),
        "by_kind": dict(sorted(Counter(bodies.values_list("kind", flat=True)).items())),
    }


def _issued(year: int) -> dict:
    issued = Document.objects.filter(published_on__year=year, status__in=LIVE)
    government = issued.filter(drafting_body__kind=DraftingBody.Kind.GOVERNMENT).count()
    # The government office issues in the government's name too (恰政办发): the unit its
    # government names as its office (Unit.general_office), never guessed from a name.
    office = (
        issued.filter(drafting_body__unit__in=government_office_unit_ids())
        .exclude(drafting_body__kind=DraftingBody.Kind.GOVERNMENT)
        .count()
    )
    return {
        "total": issued.count(),
        "government": government,
        "government_office": office,
        "others": issued.count() - government - office,
    }


def _filings(year: int) -> tuple[dict, list[str]]:
    received = Filing.objects.filter(received_on__year=year).exclude(receiving_unit=None)
    by_kind = Counter(received.values_list("document__drafting_body__kind", flat=True))
    statuses = Counter(received.values_list("status", flat=True))
    figures = {
        "received": received.count(),
        "from_townships": by_kind.get(DraftingBody.Kind.TOWNSHIP, 0),
        "from_departments": by_kind.get(DraftingBody.Kind.DEPARTMENT, 0),
        "from_others": sum(
            v
            for k, v in by_kind.items()
            if k not in (DraftingBody.Kind.TOWNSHIP, DraftingBody.Kind.DEPARTMENT)
        ),
        "reviewed": sum(statuses.get(s, 0) for s in REVIEWED),
        "accepted": statuses.get(Filing.Status.ACCEPTED, 0),
        "returned": statuses.get(Filing.Status.RETURNED, 0),
        "under_review": statuses.get(Filing.Status.RECEIVED, 0),
        "correction_requested": statuses.get(Filing.Status.CORRECTION_REQUESTED, 0)
        + sum(statuses.get(s, 0) for s in CORRECTED),
        "corrected": sum(statuses.get(s, 0) for s in CORRECTED),
    }
    filers = [FILER_ZH[kind] for kind in FILER_ZH if by_kind.get(kind)]
    return figures, filers


def _filed_outside(year: int) -> dict:
    """The installation's own documents filed with bodies outside it (the prefecture
    government, the county people's congress standing committee), by the submission's year."""
    submitted = Filing.objects.filter(submitted_on__year=year, receiving_body__isnull=False)
    statuses = Counter(submitted.values_list("status", flat=True))
    by_body = Counter(submitted.values_list("receiving_body__name", flat=True))
    on_time = submitted.filter(due_on__isnull=False, submitted_on__lte=F("due_on")).count()
    return {
        "submitted": submitted.count(),
        "on_time": on_time,
        "by_body": dict(sorted(by_body.items())),
        "received": submitted.exclude(received_on=None).count(),
        "accepted": statuses.get(Filing.Status.ACCEPTED, 0),
        "returned": statuses.get(Filing.Status.RETURNED, 0),
        "awaiting_outcome": statuses.get(Filing.Status.RECEIVED, 0)
        + statuses.get(Filing.Status.SUBMITTED, 0),
        "correction_requested": statuses.get(Filing.Status.CORRECTION_REQUESTED, 0)
        + sum(statuses.get(s, 0) for s in CORRECTED),
        "revoked_by_filing_body": statuses.get(Filing.Status.REVOKED_BY_FILING_BODY, 0),
        "changed_by_filing_body": statuses.get(Filing.Status.CHANGED_BY_FILING_BODY, 0),
    }


def _ends(year: int) -> dict:
    """The documents that ended in ``year``, by how they ended (ended_on in the year)."""
    ended = Document.objects.filter(ended_on__year=year)
    statuses = Counter(ended.values_list("status", flat=True))
    revoked = ended.filter(status="revoked")
    by_filing_body = (
        revoked.filter(filings__status=Filing.Status.REVOKED_BY_FILING_BODY).distinct().count()
    )
    return {
        **{end: statuses.get(end, 0) for end in ENDS_ZH},
        "revoked_by_filing_body": by_filing_body,
        "revoked_by_issuer": revoked.count() - by_filing_body,
        "amended": statuses.get("amended", 0),
    }


def _ends_sentence(year: int, ends: dict) -> str:
    """撤销 / 废止 / 宣布失效 / 失效, each named as such; empty when the revocations and lapses
    are none (the repeals and declarations of the cleanups are stated with their campaign)."""
    if not (ends["revoked"] or ends["expired"]):
        return ""
    text = f"{year}年" + "、".join(f"{ENDS_ZH[k]}规范性文件{ends[k]}件" for k in ENDS_ZH if ends[k])
    if ends["revoked_by_filing_body"]:
        text += f"，其中备案审查机关撤销{ends['revoked_by_filing_body']}件"
    return text + "。"


def _cleanups(year: int) -> tuple[dict, list[CleanupCampaign]]:
    campaigns = list(
        CleanupCampaign.objects.filter(results_published_on__year=year).order_by(
            "results_published_on", "pk"
        )
    )
    items = CleanupItem.objects.filter(campaign__in=campaigns)
    # A document checked by two campaigns of the year is one document checked: its last verdict.
    last = {}
    for document, outcome in items.order_by("campaign__results_published_on", "pk").values_list(
        "document", "outcome"
    ):
        last[document] = outcome
    outcomes = Counter(last.values())
    special = [c for c in campaigns if c.kind == CleanupCampaign.Kind.SPECIAL]
    return {
        "campaigns": len(campaigns),
        "special": len(special),
        "special_by_law": dict(Counter(c.ordered_by or c.title for c in special)),
        "regular": sum(c.kind == CleanupCampaign.Kind.REGULAR for c in campaigns),
        "dynamic": sum(c.kind == CleanupCampaign.Kind.DYNAMIC for c in campaigns),
        "checked": len(last),
        "continued": outcomes.get("continue", 0),
        "amended": outcomes.get("amend", 0),
        "repealed": outcomes.get("repeal", 0),
        "declared_invalid": outcomes.get("declare_invalid", 0),
    }, campaigns


def _legality_reviews(year: int) -> tuple[dict, list[int]]:
    start, end = year_bounds(year)
    reviews = list(
        LegalityReview.objects.filter(concluded_at__gte=start, concluded_at__lt=end).values_list(
            "outcome", "submitted_on", "concluded_at"
        )
    )
    outcomes = Counter(outcome for outcome, _s, _c in reviews)
    days = average_working_days(
        [(submitted, timezone.localdate(concluded)) for _o, submitted, concluded in reviews],
        calendar_for(),
    )
    months = [0] * 12
    for _o, _s, concluded in reviews:
        months[timezone.localdate(concluded).month - 1] += 1
    return {
        "concluded": len(reviews),
        "outcomes": {k: outcomes.get(k, 0) for k in REVIEW_ZH},
        "working_days": days,
    }, months


def _cleanup_sentence(year: int, cleanup: dict, campaigns: list[CleanupCampaign]) -> str:
    """三是: the cleanups (国办发〔2018〕37号 五(十八)) and where their results were published."""
    if not campaigns:
        return f"{year}年未完成行政规范性文件清理。"
    kinds = []
    specials = list(cleanup["special_by_law"])
    if specials:
        kinds.append("开展涉及" + "、".join(specials) + "内容相关的行政规范性文件专项清理")
    if cleanup["regular"]:
        kinds.append("每两年一次的常态化清理")
    if cleanup["dynamic"]:
        kinds.append(f"动态清理{cleanup['dynamic']}次")
    text = "开展行政规范性文件清理工作，" + "，以及".join(kinds) + "，"
    text += f"清查{cleanup['checked']}件规范性文件，继续执行的规范性文件{cleanup['continued']}件"
    if cleanup["amended"]:
        text += f"，修改的规范性文件{cleanup['amended']}件"
    text += f"，废止的规范性文件{cleanup['repealed']}件"
    if cleanup["declared_invalid"]:
        text += f"，宣布失效的规范性文件{cleanup['declared_invalid']}件"
    published = sorted({(c.results_published_on, c.results_published_where) for c in campaigns})
    text += "。清理结果已于" + "、".join(
        _date_zh(day) + (f"在{where}" if where else "") for day, where in published
    )
    return text + "公布。"


def _bodies_sentence(bodies: dict) -> str:
    """一是: the drafting bodies confirmed."""
    return (
        f"开展规范性文件制定主体清理，经过清理明确规范性文件制定主体单位{bodies['confirmed']}个。"
    )


def _review_and_filing_sentence(
    year: int, *, issued: dict, reviews: dict, filing: dict, filers: list[str], outside: dict
) -> str:
    """二是: the documents issued in the government's and its office's names, the filings
    reviewed here (令第218号) and filed outside, and the legality reviews (国办发〔2018〕115号)."""
    if issued["government"] or issued["government_office"]:
        names = f"以人民政府名义发布规范性文件{issued['government']}件"
        names += f"，以人民政府办公室名义发布规范性文件{issued['government_office']}件"
    else:
        names = "未以人民政府和人民政府办公室名义发布规范性文件"
    review = f"开展规范性文件合法性审核{reviews['concluded']}件"
    if reviews["concluded"]:
        review += "，其中" + "、".join(
            f"{REVIEW_ZH[k]}{v}件" for k, v in reviews["outcomes"].items() if v
        )
    review += duration_clause(reviews["working_days"], verb="审核")
    if filing["received"]:
        filed = f"备案审查{'、'.join(filers)}规范性文件{filing['reviewed']}件"
        if filing["correction_requested"]:
            filed += f"，要求纠正{filing['correction_requested']}件，已纠正{filing['corrected']}件"
        if filing["returned"] or filing["under_review"]:
            filed += f"，另有退回补正{filing['returned']}件、正在审查{filing['under_review']}件"
    else:
        filed = "未收到报送备案的规范性文件"
    if outside["submitted"]:
        bodies_zh = "、".join(outside["by_body"])
        filed += f"，向{bodies_zh}报送备案规范性文件{outside['submitted']}件"
        filed += f"（按期报送{outside['on_time']}件）"
    return f"加强合法性审核、备案审查工作，{year}年{names}，{filed}，{review}。"


def _queries(year: int) -> dict:
    """How each figure is counted, in words."""
    bounds = f"between 1 January {year} and 31 December {year}"
    return {
        "drafting_bodies": f"normdocs.DraftingBody with registered_at (the day confirmed) "
        f"before 1 January {year + 1}",
        "issued": f"normdocs.NormativeDocument with published_on in {year} and a status from "
        "registered on; government = drafting_body.kind government; government_office = "
        "drafting body's unit named its government's office (Unit.general_office)",
        "filing_review": f"normdocs.Filing with received_on in {year} and a receiving unit in "
        "this installation, by drafting_body.kind and status",
        "filed_outside": f"normdocs.Filing with submitted_on in {year} and a receiving body "
        "outside this installation (FilingBody), by body and status",
        "ends": f"normdocs.NormativeDocument with ended_on in {year}, by status (revoked, "
        "repealed, declared_invalid, expired = lapsed); revoked by the filing body = a "
        "filing revoked_by_filing_body",
        "legality_reviews": f"normdocs.LegalityReview with concluded_at (the day concluded) "
        f"{bounds}; working days from submitted_on by the holiday calendar",
        "cleanup": f"normdocs.CleanupCampaign with results_published_on in {year} (special by "
        "ordered_by), their CleanupItem rows, one per document (its last outcome)",
    }


def _charts(*, review_months: list[int], cleanup: dict, ends: dict, filing: dict) -> list:
    return [
        series_chart(
            _("Legality reviews concluded, by month"),
            [f"{m}月" for m in range(1, 13)],
            [(_("Concluded"), review_months)],
        ),
        chart(
            _("Cleanup results"),
            [
                (_("Checked"), "清查", cleanup["checked"]),
                (_("Continued"), "继续执行", cleanup["continued"]),
                (_("Amended"), "修改", cleanup["amended"]),
                (_("Repealed"), "废止", cleanup["repealed"]),
                (_("Declared invalid"), "宣布失效", cleanup["declared_invalid"]),
            ],
        ),
        chart(
            _("How documents ended"),
            [
                (_("Revoked"), "撤销", ends["revoked"]),
                (_("Repealed"), "废止", ends["repealed"]),
                (_("Declared invalid"), "宣布失效", ends["declared_invalid"]),
                (_("Lapsed"), "失效", ends["expired"]),
            ],
        ),
        chart(
            _("Filings received for review"),
            [
                (_("From townships"), "乡（镇）", filing["from_townships"]),
                (_("From departments"), "部门", filing["from_departments"]),
                (_("Reviewed"), "已审查", filing["reviewed"]),
                (_("Corrected"), "已纠正", filing["corrected"]),
            ],
        ),
    ]


def normdocs_section(year: int) -> dict:
    bodies = _drafting_bodies(year)
    issued = _issued(year)
    filing, filers = _filings(year)
    outside = _filed_outside(year)
    ends = _ends(year)
    cleanup, campaigns = _cleanups(year)
    reviews, review_months = _legality_reviews(year)
    parts = [
        _bodies_sentence(bodies),
        _review_and_filing_sentence(
            year, issued=issued, reviews=reviews, filing=filing, filers=filers, outside=outside
        ),
        _cleanup_sentence(year, cleanup, campaigns) + _ends_sentence(year, ends),
    ]
    return {
        "title": _("Normative documents"),
        "heading": "加强行政规范性文件管理",
        "place": "normdocs",
        "sentences": [f"{ORDINALS[i]}是{text}" for i, text in enumerate(parts)],
        "figures": {
            "drafting_bodies": bodies,
            "issued": issued,
            "filing_review": filing,
            "filed_outside": outside,
            "ends": ends,
            "legality_reviews": reviews,
            "cleanup": cleanup,
        },
        "queries": _queries(year),
        "charts": _charts(review_months=review_months, cleanup=cleanup, ends=ends, filing=filing),
    }


register_report_section("normdocs", normdocs_section, order=20)
