"""The demo's 2021 report states the seed's figures (乌恰县2021年度法治政府建设工作报告)."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reports_2021(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 2021 report in every format, from the demo data (rolled back afterwards)."""
    out = tmp_path_factory.mktemp("reports")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", quiet_accounts=True)
        for fmt in ("json", "md", "docx"):
            call_command("annual_report", "2021", "--format", fmt, "--out", str(out / f"r.{fmt}"))
        transaction.set_rollback(True)
    return out


def test_the_2021_json_report_states_the_seeds_cleanup_and_filing_figures(reports_2021):
    report = json.loads((reports_2021 / "r.json").read_text(encoding="utf-8"))
    normdocs = report["sections"]["normdocs"]["figures"]

    assert report["year"] == 2021
    assert normdocs["drafting_bodies"]["confirmed"] == 54
    assert normdocs["issued"]["government"] == normdocs["issued"]["government_office"] == 0
    assert normdocs["cleanup"]["special_by_law"] == {
        "《中华人民共和国外商投资法》": 1,
        "《中华人民共和国行政处罚法》": 1,
        "《中华人民共和国人口与计划生育法》": 1,
    }
    assert normdocs["cleanup"]["regular"] == 1
    assert normdocs["legality_reviews"]["concluded"] == 4
    assert report["sections"]["deadlines"]["figures"]["total"]["met_late"] == 0
    assert normdocs["cleanup"]["checked"] == 14
    assert normdocs["cleanup"]["continued"] == 8
    assert normdocs["cleanup"]["repealed"] == 6
    assert normdocs["cleanup"]["amended"] == normdocs["cleanup"]["declared_invalid"] == 0
    assert normdocs["filing_review"]["reviewed"] == 4
    assert normdocs["filing_review"]["from_townships"] == 2
    assert normdocs["filing_review"]["from_departments"] == 2
    assert set(report["sections"]) >= {"decisions", "normdocs", "deadlines"}
    assert all(row["query"] for row in report["figures"])
    assert {"name": "normdocs.cleanup.checked", "value": 14} == {
        k: v
        for k, v in next(r for r in report["figures"] if r["name"].endswith("checked")).items()
        if k != "query"
    }


def test_the_2021_docx_reads_like_the_seeds_statistics_sentences(reports_2021):
    paragraphs = [p.text for p in Document(str(reports_2021 / "r.docx")).paragraphs]
    text = "\n".join(paragraphs)
    under = paragraphs[paragraphs.index("2.加强行政规范性文件管理。") + 1]

    assert paragraphs[:2] == ["乌恰县2021年度法治政府建设工作报告", "乌恰县人民政府"]
    assert "清查14件规范性文件，继续执行的规范性文件8件，废止的规范性文件6件" in under
    assert "备案审查各乡（镇）、各部门规范性文件4件" in under
    assert "明确规范性文件制定主体单位54个" in under
    assert "2021年未以人民政府和人民政府办公室名义发布规范性文件" in under
    assert (
        "涉及《中华人民共和国行政处罚法》、《中华人民共和国人口与计划生育法》、"
        "《中华人民共和国外商投资法》内容相关的行政规范性文件专项清理，以及每两年一次的常态化清理"
    ) in under
    assert "已于2021年11月30日在县人民政府网站公布" in under
    order = ["一、主要工作开展情况", "（二）健全依法行政制度体系。", "2.加强行政规范性文件管理。"]
    assert [paragraphs.index(h) for h in order] == sorted(paragraphs.index(h) for h in order)
    assert "（三）健全行政决策制度体系。" in text and "【待补充】" in text


def test_the_docx_is_the_same_bytes_for_the_same_report():
    from workflows.reports import annual_report, report_docx

    report = annual_report(2021)

    assert report_docx(report) == report_docx({**report, "generated_at": "later"})


def test_the_markdown_report_carries_the_same_sentences_and_figures(reports_2021):
    text = (reports_2021 / "r.md").read_text(encoding="utf-8")

    assert "清查14件规范性文件，继续执行的规范性文件8件，废止的规范性文件6件" in text
    assert "| cleanup.checked | 14 |" in text


def test_the_deadline_section_counts_met_and_overdue_clocks_by_unit(db, justice_bureau):
    from datetime import date, timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from workflows.clocks.models import Deadline
    from workflows.clocks.selectors import jurisdiction_default
    from workflows.reports import deadlines_section

    def clock(due, status, met_at=None):
        return Deadline.objects.create(
            content_type=ContentType.objects.get_for_model(justice_bureau),
            object_id=str(justice_bureau.pk),
            subject_label="x",
            jurisdiction=jurisdiction_default(),
            rule_key=f"test.{due}.{status}",
            legal_source="test",
            start=due - timedelta(days=10),
            unit="calendar",
            amount=10,
            due=due,
            status=status,
            met_at=met_at,
            responsible_unit=justice_bureau,
        )

    on_time = timezone.make_aware(timezone.datetime(2021, 3, 1, 10))
    late = timezone.make_aware(timezone.datetime(2021, 3, 20, 10))
    clock(date(2021, 3, 5), "met", on_time)
    clock(date(2021, 3, 6), "met", late)
    clock(date(2021, 4, 1), "overdue")
    clock(date(2022, 4, 1), "overdue")  # another year

    section = deadlines_section(2021)

    assert section["figures"]["by_unit"]["乌恰县司法局"] == {
        "due": 3,
        "met_on_time": 1,
        "met_late": 1,
        "overdue": 1,
        "open": 0,
        "waived": 0,
    }
    assert "逾期事项涉及乌恰县司法局2项" in "".join(section["sentences"])
