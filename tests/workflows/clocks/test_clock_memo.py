"""The legal clocks' reads remembered within one task action (``clock_reads_memoised``): read
once inside the block, a change made inside it seen at once, nothing remembered outside."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.clocks.models import CalendarOverlay, DeadlineRuleOverride, Jurisdiction
from workflows.clocks.selectors import (
    calendar_for,
    clock_reads_memoised,
    jurisdiction_default,
    rule_for,
)

from .conftest import LEGALITY_REVIEW

pytestmark = pytest.mark.django_db


def _reads(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def _all_three():
    jurisdiction = jurisdiction_default()
    rule_for(LEGALITY_REVIEW.key, jurisdiction=jurisdiction)
    calendar_for(jurisdiction)


def test_inside_the_block_each_is_read_once():
    calendar_for(jurisdiction_default())  # the calendar itself, built once per version
    with clock_reads_memoised():
        assert _reads(_all_three) == 3  # the jurisdiction, the override, the calendar version
        assert _reads(_all_three) == 0


def test_outside_the_block_nothing_is_remembered():
    calendar_for(jurisdiction_default())
    with clock_reads_memoised():
        _all_three()
    assert _reads(_all_three) == 3
    assert _reads(_all_three) == 3


def test_a_block_inside_another_keeps_the_outer_reads_and_forgets_at_the_outer_end():
    calendar_for(jurisdiction_default())
    with clock_reads_memoised():
        _all_three()
        with clock_reads_memoised():
            assert _reads(_all_three) == 0
        assert _reads(_all_three) == 0
    assert _reads(_all_three) == 3


def test_an_override_made_inside_the_block_is_seen():
    with clock_reads_memoised():
        assert rule_for(LEGALITY_REVIEW.key).amount == LEGALITY_REVIEW.amount
        override = DeadlineRuleOverride.objects.create(
            jurisdiction=jurisdiction_default(),
            rule_key=LEGALITY_REVIEW.key,
            unit="working",
            amount=15,
            legal_source="local rule",
        )
        assert rule_for(LEGALITY_REVIEW.key).amount == 15
        override.amount = 20
        override.save()
        assert rule_for(LEGALITY_REVIEW.key).amount == 20
        override.delete()
        assert rule_for(LEGALITY_REVIEW.key).amount == LEGALITY_REVIEW.amount


def test_a_jurisdiction_changed_inside_the_block_is_seen():
    with clock_reads_memoised():
        wuqia = jurisdiction_default()
        changed = Jurisdiction.objects.get(pk=wuqia.pk)  # another copy, as the admin has
        changed.name = "乌恰县（改）"
        changed.save()
        assert jurisdiction_default().name == "乌恰县（改）"


def test_a_calendar_changed_inside_the_block_is_seen():
    with clock_reads_memoised():
        wuqia = jurisdiction_default()
        assert date(2024, 4, 10) not in calendar_for(wuqia).holidays
        overlay = CalendarOverlay.objects.create(
            jurisdiction=wuqia, date=date(2024, 4, 10), kind="holiday", name="肉孜节"
        )
        assert date(2024, 4, 10) in calendar_for(wuqia).holidays
        overlay.kind = "working_day"
        overlay.save()
        assert date(2024, 4, 10) in calendar_for(wuqia).working_days
        overlay.delete()
        assert date(2024, 4, 10) not in calendar_for(wuqia).working_days
