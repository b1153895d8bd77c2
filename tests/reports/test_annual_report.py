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
        call_command(
            "annual_report",
            "2021",
            "--format",
            "docx",
            "--dated",
            "2022-01-20",
            "--out",
            str(out / "dated.docx"),
        )
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
        for k, v in next(
            r for r in report["figures"] if r["name"] == "normdocs.cleanup.checked"
        ).items()
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


def test_the_2021_json_report_states_the_back_entered_major_decisions(reports_2021):
    """The demo's 2021 decisions, entered in 2026 with their 2021 dates, are counted in 2021
    (the seed's （三）健全行政决策制度体系)."""
    report = json.loads((reports_2021 / "r.json").read_text(encoding="utf-8"))
    decisions = report["sections"]["decisions"]
    figures = decisions["figures"]
    text = "".join(decisions["sentences"])

    assert figures["started"] == 2
    assert figures["decided"] == {"adopt": 2, "adopt_with_amendments": 0, "reject": 0}
    assert figures["deferred"] == 0
    assert figures["head_spoke_last"] == figures["full_procedure"] == 2
    assert figures["sessions"]["held"] == {"executive": 1, "plenary": 0}
    assert figures["sessions"]["head_spoke_last_on_every_item"] == 1
    assert figures["sessions"]["items_checked"] == {
        "major_decision": 2,
        "normative_document": 0,
        "other": 1,
    }
    assert figures["agenda_checks"] == {"checked": 1, "refused": 0}
    assert figures["consultations"] == {"held": 2, "skipped": 0}
    assert figures["risk_assessments"]["by_dimension"] == {
        "social_stability": 2,
        "public_safety": 2,
        "ecological_environment": 2,
        "economy": 2,
    }
    assert figures["legality_reviews"]["outcomes"]["lawful"] == 2
    assert figures["legality_reviews"]["working_days"]["not_computable"] == 0
    assert "集体讨论决定重大行政决策2项（通过2项）" in text
    assert "县政府主要负责人在集体讨论会议上末位发言2项，履行全部法定程序并归档2项" in text
    assert "全年召开县政府常务会议1次" in text
    traced = {row["name"]: row["query"] for row in report["figures"]}
    assert "decisions.Meeting" in traced["decisions.decided.adopt"]
    assert "may_go_on_agenda" in traced["decisions.agenda_checks.refused"]


def test_the_2021_docx_states_the_decisions_under_the_seeds_heading(reports_2021):
    paragraphs = [p.text for p in Document(str(reports_2021 / "r.docx")).paragraphs]
    under = paragraphs[paragraphs.index("（三）健全行政决策制度体系。") + 1]

    assert under.startswith("一是健全决策机制。对2项决策草案公开征求意见")
    assert "二是坚持集体决策机制。" in under and "三是坚持重大行政决策合法性审查。" in under
    assert "【待补充】" not in under


def test_the_docx_date_line_is_the_date_given_or_a_marked_placeholder(reports_2021):
    undated = [p.text for p in Document(str(reports_2021 / "r.docx")).paragraphs]
    dated = [p.text for p in Document(str(reports_2021 / "dated.docx")).paragraphs]

    assert undated[2] == "（【待补充】成文日期）"
    assert dated[2] == "（2022年1月20日）"
    assert dated[3:] == undated[3:]


def test_the_command_refuses_a_date_within_the_year_reported_on(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "annual_report",
            "2021",
            "--format",
            "docx",
            "--dated",
            "2021-12-31",
            "--out",
            str(tmp_path / "r.docx"),
        )


def test_the_page_dates_the_downloads_from_its_date_field(client, archivist):
    client.force_login(archivist)

    page = client.get("/reports/2021/?dated=2022-01-20").content.decode()
    as_json = client.get("/reports/2021/?format=json&dated=2022-01-20").json()
    undated = client.get("/reports/2021/?format=json&dated=2021-06-01").json()

    assert 'name="dated" value="2022-01-20"' in page
    assert "/reports/2021/?format=docx&amp;dated=2022-01-20" in page
    assert as_json["dated"] == "2022-01-20"
    assert undated["dated"] is None  # a date within the year reported on is no report date


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
    from workflows.clocks.report import deadlines_section
    from workflows.clocks.selectors import jurisdiction_default

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


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_page_downloads_the_year_it_shows_in_all_three_formats(client, archivist, year):
    """The 2026 page once downloaded annual-report-2025.* (issue 18)."""
    client.force_login(archivist)
    page = client.get(f"/reports/{year}/").content.decode()

    for fmt in ("docx", "md", "json"):
        assert f'href="/reports/{year}/?format={fmt}"' in page
        response = client.get(f"/reports/{year}/?format={fmt}")
        assert response.status_code == 200
        assert f'filename="annual-report-{year}.{fmt}"' in response["Content-Disposition"]
    assert client.get(f"/reports/{year}/?format=json").json()["year"] == year
