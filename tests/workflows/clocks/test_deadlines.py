"""Deadlines are computed once, stored with their legal source, and closed with evidence."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from workflows.calendar import package_last_year
from workflows.clocks.models import CalendarOverlay, Deadline, DeadlineRuleOverride, Jurisdiction
from workflows.clocks.rules import UnknownRule
from workflows.clocks.selectors import calendar_for, deadlines_for, jurisdiction_default, rule_for
from workflows.clocks.services import (
    DeadlineClosed,
    deadline_meet,
    deadline_open,
    deadline_waive,
)
from workflows.record.selectors import events_for

from .conftest import DUE, LEGALITY_REVIEW, PUBLIC_COMMENT, START

# The package's last year in the suite's world (config.settings.test: 2026).
LAST_YEAR = package_last_year()


pytestmark = pytest.mark.django_db


def test_the_default_jurisdiction_is_the_seed_county():
    assert jurisdiction_default().name == "新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县"


def test_a_deadline_is_computed_once_and_stored_with_its_rule_and_legal_source_when_opened(
    open_review, township, justice_bureau, reviewer
):
    deadline = open_review()
    deadline.refresh_from_db()
    assert deadline.due == DUE == date(2024, 10, 12)
    assert deadline.start == START
    assert (deadline.unit, deadline.amount) == ("working", 7)
    assert deadline.rule_key == LEGALITY_REVIEW.key
    assert deadline.legal_source == "《重大行政决策程序暂行条例》第二十六条"
    assert deadline.rule_description == "Legality review"
    assert deadline.subject == township
    assert deadline.subject_label == str(township)
    assert deadline.status == Deadline.Status.OPEN
    assert deadline.responsible_unit == justice_bureau
    assert list(deadline.responsible_people.all()) == [reviewer]
    assert list(deadlines_for(township)) == [deadline]


def test_opening_a_running_clock_again_returns_it_unchanged_when_the_rule_changed_meanwhile(
    open_review,
):
    first = open_review()
    DeadlineRuleOverride.objects.create(
        jurisdiction=jurisdiction_default(),
        rule_key=LEGALITY_REVIEW.key,
        unit="working",
        amount=15,
        legal_source="local rule",
    )
    again = open_review(start=date(2024, 11, 1))
    assert again.pk == first.pk
    assert again.due == DUE
    assert Deadline.objects.count() == 1


def test_a_stored_deadline_does_not_move_when_the_override_changes_later(open_review):
    deadline = open_review()
    DeadlineRuleOverride.objects.create(
        jurisdiction=jurisdiction_default(),
        rule_key=LEGALITY_REVIEW.key,
        unit="working",
        amount=15,
        legal_source="local rule",
    )
    deadline.refresh_from_db()
    assert deadline.due == DUE


def test_a_jurisdiction_override_changes_the_computed_due_date_without_code_changes(
    open_review, county
):
    wuqia = jurisdiction_default()
    other = Jurisdiction.objects.create(name="另一县")
    DeadlineRuleOverride.objects.create(
        jurisdiction=other,
        rule_key=LEGALITY_REVIEW.key,
        unit="working",
        amount=10,
        legal_source="《某自治区行政规范性文件管理办法》第十条",
    )
    assert rule_for(LEGALITY_REVIEW.key, jurisdiction=wuqia).amount == 7
    assert rule_for(LEGALITY_REVIEW.key, jurisdiction=other).amount == 10

    local = open_review(subject=county, jurisdiction=other)
    # 7 working days end on 2024-10-12; three more: 10-14, 10-15, 10-16.
    assert local.due == date(2024, 10, 16)
    assert local.amount == 10
    assert local.legal_source == "《某自治区行政规范性文件管理办法》第十条"


def test_an_override_can_switch_a_rule_to_calendar_days(open_review):
    DeadlineRuleOverride.objects.create(
        jurisdiction=jurisdiction_default(),
        rule_key=LEGALITY_REVIEW.key,
        unit="calendar",
        amount=15,
        legal_source="local rule",
    )
    # 2024-09-27 + 15 days = 2024-10-12, the 调休 Saturday: a working day, so it stays.
    deadline = open_review()
    assert (deadline.unit, deadline.amount, deadline.due) == ("calendar", 15, date(2024, 10, 12))


def test_a_calendar_day_rule_ends_on_the_next_working_day_when_it_falls_on_a_holiday(
    township, justice_bureau
):
    deadline = deadline_open(
        subject=township,
        rule_key=PUBLIC_COMMENT.key,
        start=date(2024, 9, 1),
        responsible_unit=justice_bureau,
    )
    assert deadline.due == date(2024, 10, 8)


def test_the_jurisdictions_overlay_holiday_moves_the_due_date_when_entered(
    open_review, township, county
):
    wuqia = jurisdiction_default()
    before = open_review(subject=township)
    CalendarOverlay.objects.create(
        jurisdiction=wuqia, date=date(2024, 10, 9), kind="holiday", name="test holiday"
    )
    after = open_review(subject=county)
    assert before.due == date(2024, 10, 12)
    assert after.due == date(2024, 10, 14)


def test_the_cached_calendar_is_rebuilt_when_an_overlay_changes():
    wuqia = jurisdiction_default()
    first = calendar_for(wuqia)
    assert calendar_for(wuqia) is first
    overlay = CalendarOverlay.objects.create(
        jurisdiction=wuqia, date=date(2024, 4, 10), kind="holiday", name="肉孜节"
    )
    second = calendar_for(wuqia)
    assert date(2024, 4, 10) in second.holidays
    overlay.kind = "working_day"
    overlay.save()
    assert date(2024, 4, 10) in calendar_for(wuqia).working_days
    overlay.delete()
    assert calendar_for(wuqia).holidays == calendar_for(wuqia).working_days == frozenset()


def test_opening_an_unknown_rule_fails_when_no_app_registered_it(township, justice_bureau):
    with pytest.raises(UnknownRule):
        deadline_open(
            subject=township,
            rule_key="nobody.registered",
            start=START,
            responsible_unit=justice_bureau,
        )


def test_a_clock_beyond_the_known_years_waits_for_the_notice_instead_of_guessing(open_review):
    deadline = open_review(start=date(LAST_YEAR, 12, 28))
    deadline.refresh_from_db()
    assert deadline.due is None
    assert deadline.awaiting_year == LAST_YEAR + 1
    assert deadline.status == Deadline.Status.OPEN


def test_meeting_a_deadline_records_when(open_review):
    deadline = open_review()
    met = deadline_meet(deadline=deadline)
    assert met.status == Deadline.Status.MET and met.met_at is not None
    assert deadline_meet(deadline=met).met_at == met.met_at  # idempotent


def test_waiving_requires_a_reason_when_asked(open_review, head):
    deadline = open_review()
    for reason in ["", "   "]:
        with pytest.raises(ValidationError):
            deadline_waive(deadline=deadline, by=head, reason=reason)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN


def test_the_database_refuses_a_waived_deadline_without_a_reason(open_review):
    deadline = open_review()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.filter(pk=deadline.pk).update(status="waived", waived_reason="")


def test_waiving_records_who_and_why_and_closes_the_clock(open_review, head):
    deadline = open_review()
    waived = deadline_waive(deadline=deadline, by=head, reason="Decision withdrawn by the head")
    assert waived.status == Deadline.Status.WAIVED
    assert waived.waived_by == head and waived.waived_reason == "Decision withdrawn by the head"
    with pytest.raises(DeadlineClosed):
        deadline_meet(deadline=waived)
    with pytest.raises(DeadlineClosed):
        deadline_waive(deadline=waived, by=head, reason="again")


def test_open_meet_and_waive_are_written_to_the_full_process_record(
    open_review, township, county, head
):

    met = deadline_meet(deadline=open_review(subject=township))
    deadline_waive(deadline=open_review(subject=county), by=head, reason="withdrawn")
    township_events = list(events_for(township))
    assert [e.action for e in township_events] == ["deadline.opened", "deadline.met"]
    opened = township_events[0].payload
    assert opened["due"] == "2024-10-12"
    assert opened["legal_source"] == "《重大行政决策程序暂行条例》第二十六条"
    assert opened["amount"] == 7 and opened["unit"] == "working"
    assert township_events[1].payload["deadline"] == met.pk
    county_events = list(events_for(county))
    assert [e.action for e in county_events] == ["deadline.opened", "deadline.waived"]
    assert county_events[1].actor_user_id == head.pk
    assert county_events[1].payload["reason"] == "withdrawn"


def test_an_override_of_an_unregistered_rule_is_refused_by_validation():
    override = DeadlineRuleOverride(
        jurisdiction=jurisdiction_default(),
        rule_key="nobody.registered",
        unit="working",
        amount=5,
        legal_source="x",
    )
    with pytest.raises(ValidationError):
        override.full_clean()


def test_the_system_can_waive_a_clock_it_no_longer_needs_with_a_reason(open_review, township):
    deadline = deadline_waive(deadline=open_review(), by="system", reason="document withdrawn")
    assert deadline.status == Deadline.Status.WAIVED and deadline.waived_by is None
    waived = [e for e in events_for(township) if e.action == "deadline.waived"]
    assert waived[0].actor_kind == "system"
    with pytest.raises(ValidationError):
        deadline_waive(deadline=open_review(), by="system", reason="")
