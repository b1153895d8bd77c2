"""The comment period of a normative document cites the normative-document rules (国办发〔2018〕
37号 二(五), 自治区人民政府令第218号), not Decree 713 Art. 15 (issue 17)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from normdocs import services
from workflows.clocks.selectors import deadlines_for
from workflows.consultations.services import consultation_open

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_a_normative_documents_comment_period_cites_its_own_rules(
    county_body, county_drafter, justice_bureau, drafter
):
    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="乌恰县城乡居民最低生活保障实施办法"
    )
    opens = datetime(2024, 9, 2, 9, 0, tzinfo=TZ)
    consultation = consultation_open(
        subject=document,
        by=county_drafter,
        title=document.title,
        draft_text="第一条……",
        opens_at=opens,
        closes_at=opens + timedelta(days=30),
    )
    for source in (consultation.legal_source, deadlines_for(consultation).get().legal_source):
        assert "国办发〔2018〕37号 二(五)" in source and "自治区人民政府令第218号" in source
        assert "第十五条" not in source
    assert deadlines_for(consultation).get().rule_key == "normdocs.public_comment"

    # A decision's (here: any other subject's) consultation keeps Decree 713 Art. 15.
    other = consultation_open(
        subject=justice_bureau,
        by=drafter,
        title="征求意见",
        draft_text="第一条……",
        opens_at=opens,
        closes_at=opens + timedelta(days=30),
    )
    assert "第十五条" in other.legal_source
