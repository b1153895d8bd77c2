"""The normative-document section of the annual report (domain.md §5), worded like the seed:
"备案审查各乡(镇)、各部门规范性文件4件 … 清查14件规范性文件，继续执行的规范性文件8件，废止的规范性
文件6件". Legality reviews: 国办发〔2018〕115号 (durations in working days); filing: 令第218号
(有件必备、有备必审、有错必纠); cleanup: 国办发〔2018〕37号 五(十八)."""

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError, count_working_days
from workflows.clocks.selectors import calendar_for
from workflows.reports import chart, register_report_section, year_bounds

from .models import CleanupItem, DraftingBody, Filing, LegalityReview, NormativeDocument

REVIEWED = (
    Filing.Status.ACCEPTED,
    Filing.Status.CORRECTION_REQUESTED,
    Filing.Status.AMENDED_BY_ISSUER,
    Filing.Status.REVOKED_BY_ISSUER,
    Filing.Status.REVOKED_BY_FILING_BODY,
)
CORRECTED = (
    Filing.Status.AMENDED_BY_ISSUER,
    Filing.Status.REVOKED_BY_ISSUER,
    Filing.Status.REVOKED_BY_FILING_BODY,
)
REVIEW_ZH = {"lawful": "合法", "needs_amendment": "修改后合法", "unlawful": "不合法"}


def _legality_reviews(year: int) -> tuple[Counter, list[int]]:
    start, end = year_bounds(year)
    calendar = calendar_for()
    outcomes, durations = Counter(), []
    for outcome, submitted_on, concluded_at in LegalityReview.objects.filter(
        concluded_at__gte=start, concluded_at__lt=end
    ).values_list("outcome", "submitted_on", "concluded_at"):
        outcomes[outcome] += 1
        try:
            durations.append(
                count_working_days(
                    submitted_on, timezone.localdate(concluded_at), calendar=calendar
                )
            )
        except CalendarRangeError:
            pass
    return outcomes, durations


def normdocs_section(year: int) -> dict:
    issued = Counter(
        NormativeDocument.objects.filter(published_on__year=year).values_list(
            "drafting_body__kind", flat=True
        )
    )
    by_government = issued.get(DraftingBody.Kind.GOVERNMENT, 0)
    by_others = sum(issued.values()) - by_government

    filings = Filing.objects.filter(received_on__year=year)
    received = filings.exclude(receiving_unit=None)
    received_by_kind = Counter(received.values_list("document__drafting_body__kind", flat=True))
    statuses = Counter(received.values_list("status", flat=True))
    reviewed = sum(statuses.get(s, 0) for s in REVIEWED)
    corrected = sum(statuses.get(s, 0) for s in CORRECTED)

    cleanup_items = CleanupItem.objects.filter(campaign__results_published_on__year=year)
    outcomes = Counter(cleanup_items.values_list("outcome", flat=True))
    cleanup = {
        "campaigns": cleanup_items.values("campaign").distinct().count(),
        "checked": sum(outcomes.values()),
        "continued": outcomes.get("continue", 0),
        "amended": outcomes.get("amend", 0),
        "repealed": outcomes.get("repeal", 0),
        "declared_invalid": outcomes.get("declare_invalid", 0),
    }
    review_outcomes, durations = _legality_reviews(year)
    average = round(sum(durations) / len(durations), 1) if durations else None

    issuance = (
        f"{year}年以人民政府名义发布规范性文件{by_government}件"
        if by_government
        else f"{year}年未以人民政府名义发布规范性文件"
    )
    if by_others:
        issuance += f"，各部门、各乡（镇）发布规范性文件{by_others}件"
    filing = f"备案审查各乡（镇）、各部门规范性文件{reviewed}件"
    if corrected or statuses.get(Filing.Status.CORRECTION_REQUESTED):
        filing += (
            f"，要求纠正{statuses.get(Filing.Status.CORRECTION_REQUESTED, 0) + corrected}件，"
            f"已纠正{corrected}件"
        )
    cleaned = (
        f"清查{cleanup['checked']}件规范性文件，继续执行的规范性文件{cleanup['continued']}件"
        + (f"，修改的规范性文件{cleanup['amended']}件" if cleanup["amended"] else "")
        + f"，废止的规范性文件{cleanup['repealed']}件"
        + (
            f"，宣布失效的规范性文件{cleanup['declared_invalid']}件"
            if cleanup["declared_invalid"]
            else ""
        )
    )
    reviews = sum(review_outcomes.values())
    review = f"开展规范性文件合法性审核{reviews}件" + (
        f"，平均审核用时{average}个工作日" if average is not None else ""
    )
    return {
        "title": _("Normative documents"),
        "heading": "行政规范性文件管理",
        "sentences": [f"{issuance}，{filing}。", f"{review}。", f"{cleaned}。"],
        "figures": {
            "issued": {
                kind: issued.get(kind, 0) for kind in DraftingBody.Kind.values if issued.get(kind)
            }
            | {"total": sum(issued.values())},
            "filed": filings.count(),
            "filing_review": {
                "received": received.count(),
                "from_townships": received_by_kind.get(DraftingBody.Kind.TOWNSHIP, 0),
                "from_departments": received_by_kind.get(DraftingBody.Kind.DEPARTMENT, 0),
                "reviewed": reviewed,
                "accepted": statuses.get(Filing.Status.ACCEPTED, 0),
                "returned": statuses.get(Filing.Status.RETURNED, 0),
                "correction_requested": statuses.get(Filing.Status.CORRECTION_REQUESTED, 0),
                "corrected": corrected,
            },
            "legality_reviews": {
                "concluded": reviews,
                "outcomes": {k: review_outcomes.get(k, 0) for k in REVIEW_ZH},
                "working_days": {
                    "min": min(durations) if durations else None,
                    "max": max(durations) if durations else None,
                    "average": average,
                },
            },
            "cleanup": cleanup,
        },
        "charts": [
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
                _("Filings received for review"),
                [
                    (_("From townships"), "乡（镇）", received_by_kind.get("township", 0)),
                    (_("From departments"), "部门", received_by_kind.get("department", 0)),
                    (_("Reviewed"), "已审查", reviewed),
                    (_("Corrected"), "已纠正", corrected),
                ],
            ),
        ],
    }


register_report_section("normdocs", normdocs_section, order=20)
