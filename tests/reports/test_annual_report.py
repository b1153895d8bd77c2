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
    assert normdocs["cleanup"]["checked"] == 14
    assert normdocs["cleanup"]["continued"] == 8
    assert normdocs["cleanup"]["repealed"] == 6
    assert normdocs["cleanup"]["amended"] == normdocs["cleanup"]["declared_invalid"] == 0
    assert normdocs["filing_review"]["reviewed"] == 4
    assert normdocs["filing_review"]["from_townships"] == 2
    assert normdocs["filing_review"]["from_departments"] == 2
    assert set(report["sections"]) >= {"decisions", "normdocs", "deadlines"}


def test_the_2021_docx_reads_like_the_seeds_statistics_sentences(reports_2021):
    text = "\n".join(p.text for p in Document(str(reports_2021 / "r.docx")).paragraphs)

    assert "清查14件规范性文件，继续执行的规范性文件8件，废止的规范性文件6件" in text
    assert "备案审查各乡（镇）、各部门规范性文件4件" in text
    assert "2021年度法治政府建设工作报告" in text


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
