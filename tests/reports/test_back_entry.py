"""A year entered after the fact reads the same as the year done live, and every counted record
moves its sentence (domain.md §5: the report counts by the day of the act)."""

import json
from datetime import date, timedelta

import pytest
from django.db import transaction

from normdocs import selectors, services
from normdocs.models import (
    CleanupCampaign,
    CleanupItem,
    DraftingBody,
    Filing,
    LegalityReview,
    NormativeDocument,
)
from tests.normdocs.conftest import CHECKLIST, submit_complete
from workflows.clocks.models import Deadline
from workflows.reports import annual_report

pytestmark = pytest.mark.django_db
YEAR = 2025


def _year_of_acts(*, live: bool, travel_to, people) -> None:
    """The acts of 2025, each on its day: live (the clock moved there) or back-entered."""

    def on(day):
        if live:
            travel_to(day)
            return None
        return day

    bureau, county = people["bureau_body"], people["county_body"]
    officials = people["officials"]
    drafter, county_drafter = people["bureau_drafter"], people["county_drafter"]
    services.drafting_body_register(
        unit=people["township"],
        kind="township",
        legal_basis="《地方组织法》第七十六条",
        issuer_codes=["恰吾乡"],
        by=county.registered_by,
        on=on(date(YEAR, 2, 10)),
    )
    old = services.normdoc_import_published(
        by=county.registered_by,
        drafting_body=county,
        title="乌恰县行政处罚裁量办法",
        number="恰政规〔2019〕4号",
        published_on=date(2019, 5, 6),
    )
    on(date(YEAR, 3, 3))
    document = services.normdoc_create(by=drafter, drafting_body=bureau, title="法律援助办法")
    review = submit_complete(document=document, by=drafter, on=on(date(YEAR, 3, 3)))
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome=LegalityReview.Outcome.LAWFUL,
        opinion="合法",
        on=on(date(YEAR, 3, 24)),
        checklist=CHECKLIST,
    )
    services.normdoc_send_to_deliberation(document=document, by=drafter)
    meeting_on = on(date(YEAR, 3, 28))
    services.normdoc_deliberate(
        document=document,
        by=officials["secretary"],
        meeting_kind="office_meeting",
        meeting_on=meeting_on or date(YEAR, 3, 28),
        adopted=True,
    )
    services.normdoc_register(
        document=document, by=officials["publisher"], on=on(date(YEAR, 3, 31))
    )
    services.normdoc_publish(
        document=document, by=officials["publisher"], published_on=on(date(YEAR, 4, 1))
    )
    filing = Filing.objects.get(document=document)
    services.filing_submit(
        filing=filing, by=officials["publisher"], received_on=on(date(YEAR, 4, 10))
    )
    services.filing_accept(
        filing=filing, by=officials["filing_reviewer"], opinion="予以备案", on=on(date(YEAR, 4, 21))
    )
    campaign = services.cleanup_open(
        kind="special",
        government=people["county"],
        by=officials["advisor"],
        title="涉及行政处罚法的专项清理",
        scope={"documents": [old.pk]},
        ordered_by="《中华人民共和国行政处罚法》",
        on=on(date(YEAR, 5, 6)),
    )
    services.cleanup_item_decide(
        item=selectors.cleanup_entries(campaign)[0],
        by=county_drafter,
        outcome="continue",
        reason="继续有效",
        on=on(date(YEAR, 5, 20)),
    )
    services.cleanup_close(
        campaign=campaign,
        by=officials["advisor"],
        published_on=on(date(YEAR, 6, 30)) or date(YEAR, 6, 30),
        published_where="县人民政府网站",
    )


@pytest.fixture
def people(county, township, bureau_body, county_body, officials, make_person, justice_bureau):
    return {
        "county": county,
        "township": township,
        "bureau_body": bureau_body,
        "county_body": county_body,
        "officials": officials,
        "bureau_drafter": make_person("bureau_drafter", justice_bureau, drafter=[justice_bureau]),
        "county_drafter": make_person("county_drafter2", county, drafter=[county]),
    }


def _comparable(report: dict) -> str:
    report = {k: v for k, v in report.items() if k != "generated_at"}
    return json.dumps(report, ensure_ascii=False, sort_keys=True, default=str)


def test_a_back_entered_year_reads_the_same_as_the_year_done_live(people, travel_to):
    reports = {}
    for live in (False, True):
        with transaction.atomic():
            now = travel_to(date(2026, 6, 15))
            _year_of_acts(live=live, travel_to=travel_to, people=people)
            travel_to(now)
            reports[live] = _comparable(annual_report(YEAR))
            transaction.set_rollback(True)

    assert reports[False] == reports[True]
    text = json.loads(reports[False])["sections"]["normdocs"]["sentences"]
    assert "开展规范性文件合法性审核1件，其中合法1件，平均审核用时15.0个工作日" in "".join(text)
    deadlines = json.loads(reports[False])["sections"]["deadlines"]["figures"]["total"]
    assert deadlines["met_late"] == deadlines["overdue"] == 0


def _text() -> str:
    report = annual_report(YEAR)
    return "".join(p["text"] for h in report["outline"] for p in h["paragraphs"])


MUTATIONS = {
    "drafting bodies": (
        lambda: DraftingBody.objects.filter(kind="township").update(
            registered_at=DraftingBody.objects.get(kind="department").registered_at
            + timedelta(days=800)
        ),
        "制定主体单位",
    ),
    "documents in the government's name": (
        lambda: NormativeDocument.objects.filter(number="恰政规〔2019〕4号").update(
            published_on=date(YEAR, 1, 8)
        ),
        "以人民政府名义发布规范性文件1件",
    ),
    "filings reviewed": (
        lambda: Filing.objects.update(status=Filing.Status.RETURNED),
        "退回补正1件",
    ),
    "filings by kind of body": (
        lambda: DraftingBody.objects.filter(kind="department").update(kind="township"),
        "备案审查各乡（镇）规范性文件1件",
    ),
    "cleanup outcomes": (
        lambda: CleanupItem.objects.update(outcome="repeal"),
        "继续执行的规范性文件0件，废止的规范性文件1件",
    ),
    "special cleanup by law": (
        lambda: CleanupCampaign.objects.update(ordered_by="《中华人民共和国外商投资法》"),
        "涉及《中华人民共和国外商投资法》内容",
    ),
    "regular cleanup": (
        lambda: CleanupCampaign.objects.update(kind="regular"),
        "每两年一次的常态化清理",
    ),
    "lists published": (
        lambda: CleanupCampaign.objects.update(results_published_on=date(YEAR, 7, 1)),
        "已于2025年7月1日在县人民政府网站公布",
    ),
    "legality reviews": (
        lambda: LegalityReview.objects.update(outcome="needs_amendment"),
        "修改后合法1件",
    ),
    "deadlines overdue": (
        lambda: Deadline.objects.filter(due__year=YEAR, status="met").update(status="overdue"),
        "逾期未办结",
    ),
}


@pytest.mark.parametrize("figure", list(MUTATIONS))
def test_changing_a_counted_record_changes_its_sentence(figure, people, travel_to):
    _year_of_acts(live=False, travel_to=travel_to, people=people)
    before = _text()
    mutate, expected = MUTATIONS[figure]

    mutate()
    after = _text()

    assert after != before
    assert expected in after


def test_a_duration_that_cannot_be_counted_in_working_days_is_named_not_dropped(people, travel_to):
    _year_of_acts(live=False, travel_to=travel_to, people=people)
    LegalityReview.objects.update(
        submitted_on=date(2003, 12, 1)
    )  # before the calendar's first year

    figures = annual_report(YEAR)["sections"]["normdocs"]["figures"]["legality_reviews"]

    assert figures["working_days"]["not_computable"] == 1
    assert "无法按工作日计算" in _text()
