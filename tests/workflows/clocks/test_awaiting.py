"""Clocks that wait for a holiday notice (domain.md §4: never guessed, never blocking)."""

from datetime import date

import pytest
from django.utils import timezone

from workflows.clocks.models import Deadline, DeadlineRuleOverride
from workflows.clocks.selectors import jurisdiction_default
from workflows.clocks.services import calendar_year_enter, deadlines_compute_awaiting
from workflows.clocks.sweep import reminders_sweep
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def test_a_chinesecalendar_upgrade_computes_the_waiting_clocks_at_the_next_sweep(
    open_review, settings
):
    # As before the release that carries 2026 was installed (or checked by the operator).
    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = 2025
    waiting = open_review(start=date(2025, 12, 26))
    assert (waiting.due, waiting.awaiting_year) == (None, 2026)

    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = 2026  # the upgrade
    report = reminders_sweep(today=date(2025, 12, 29), now=timezone.now())
    assert report.computed == 1
    waiting.refresh_from_db()
    # 7 working days from Friday 2025-12-26: 元旦 (1 Jan, a Thursday) and the weekends skipped.
    assert waiting.due == date(2026, 1, 7) and waiting.awaiting_year is None
    event = Event.objects.get(action="deadline.computed")
    (source,) = event.payload["calendar"]
    assert source["source"] == "chinesecalendar" and source["year"] == 2026


def test_a_clock_whose_count_runs_into_a_later_unknown_year_waits_for_that_one(open_review):
    # 300 working days from 2026-12-01 cross the whole of 2027 into 2028.
    DeadlineRuleOverride.objects.create(
        jurisdiction=jurisdiction_default(),
        rule_key="test.legality_review",
        unit="working",
        amount=300,
        legal_source="a rule made up for this test",
    )
    deadline = open_review(start=date(2026, 12, 1))
    assert deadline.awaiting_year == 2027
    calendar_year_enter(
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知（为测试编写）",
        published_on=date(2026, 11, 20),
        by=None,
        holidays={date(2027, 1, 1): "元旦"},
    )
    report = deadlines_compute_awaiting()
    deadline.refresh_from_db()
    assert report.waiting == {deadline.pk: 2028}
    assert (deadline.due, deadline.awaiting_year) == (None, 2028)
    assert not Event.objects.filter(action="deadline.computed").exists()


def test_computing_twice_changes_nothing_the_second_time(open_review, settings):
    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = 2025
    open_review(start=date(2025, 12, 26))
    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = 2026
    assert len(deadlines_compute_awaiting().computed) == 1
    assert deadlines_compute_awaiting().computed == []
    assert Event.objects.filter(action="deadline.computed").count() == 1
    assert not Deadline.objects.filter(due=None).exists()
