"""A consultation's period is a legal clock (第十五条): opened with it, met when it closes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workflows.clocks.models import Deadline
from workflows.clocks.selectors import deadlines_for
from workflows.consultations.services import consultation_close, consultation_open

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _open(drafter, justice_bureau, *, days, reason=""):
    opens = datetime(2024, 9, 2, 9, 0, tzinfo=TZ)
    return consultation_open(
        subject=justice_bureau,
        by=drafter,
        title="征求意见",
        draft_text="第一条……",
        opens_at=opens,
        closes_at=opens + timedelta(days=days),
        short_period_reason=reason,
    )


def test_opening_a_consultation_starts_its_clock_with_the_period_it_was_given(
    drafter, justice_bureau
):
    consultation = _open(drafter, justice_bureau, days=45)
    deadline = deadlines_for(consultation).get()
    assert deadline.due == date(2024, 10, 17)  # 45 days, not the 30-day minimum
    assert deadline.status == Deadline.Status.OPEN
    assert "第十五条" in deadline.legal_source
    assert deadline.responsible_unit == justice_bureau
    assert list(deadline.responsible_people.all()) == [drafter]


def test_a_shortened_period_with_its_reason_is_the_clock(drafter, justice_bureau):
    consultation = _open(drafter, justice_bureau, days=10, reason="防汛应急，时间紧迫")
    assert deadlines_for(consultation).get().due == date(2024, 9, 12)


def test_closing_the_consultation_meets_its_clock(drafter, justice_bureau):
    consultation = _open(drafter, justice_bureau, days=30)
    assert consultation_close(consultation=consultation, at=consultation.closes_at)
    assert deadlines_for(consultation).get().status == Deadline.Status.MET
