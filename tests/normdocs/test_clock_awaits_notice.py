"""Never guess, never block (domain.md §4): a document published in December goes ahead when
its 30-day filing clock reaches a year whose State Council holiday notice is not known yet;
the clock waits visibly, administrators are reminded every day, and entering the notice
computes it, records the computation with the notice as its source, and reminders follow.

The suite's calendar ends with 2026 (config.settings.test). The 2027 notice it enters is MADE UP
for this test (plausible shape, not the real schedule) and is never shipped as data.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from normdocs import services
from normdocs.models import Filing, LegalityReview

# Made up for the tests (plausible shape, not the real schedule); never shipped as data.
from tests.workflows.clocks.test_notice_import import MADE_UP_2027
from workflows.calendar import CalendarRangeError
from workflows.clocks.models import CalendarNoticeReminder, Deadline, Notification, Reminder
from workflows.clocks.sweep import reminders_sweep
from workflows.record.models import Event

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_person(make_person, county):
    return make_person("calendar_admin", county, administrator=[county])


def _sweep(day: date):
    return reminders_sweep(
        today=day, now=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    )


def _publish_on_december_10(bureau_body, drafter, drive, travel_to):
    travel_to(date(2026, 12, 10))
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局行政执法公示办法"
    )
    return drive(
        document,
        "published",
        drafter=drafter,
        published_on=date(2026, 12, 10),
        immediate_reason="配合行政执法三项制度全面推行",
    )


def test_a_filing_clock_into_an_unknown_year_waits_and_is_computed_when_the_notice_is_entered(
    bureau_body,
    drafter,
    drive,
    officials,
    admin_person,
    travel_to,
    tmp_path,
    client,
    django_capture_on_commit_callbacks,
):
    document = _publish_on_december_10(bureau_body, drafter, drive, travel_to)

    # Publication went ahead; its filing clock (30 days: into January 2027) waits.
    assert document.status == "in_force"  # published with its reason for immediate effect
    filing = Filing.objects.get(document=document)
    clock = Deadline.objects.get(rule_key="normdocs.filing", object_id=str(filing.pk))
    assert (clock.due, clock.awaiting_year, clock.status) == (None, 2027, "open")
    assert filing.due_on is None
    opened = Event.objects.get(action="deadline.opened", payload__deadline=clock.pk)
    assert opened.payload["awaiting_holiday_notice"] == 2027

    # The document page says what the clock waits for and what it will be computed from.
    client.force_login(drafter)
    with translation.override("en"):
        url = reverse("normdocs:register:detail", args=[document.pk])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="awaiting-notice" data-year="2027"' in page
    assert "holiday notice for 2027" in page and "from 2026-12-10" in page
    # So does the inbox of the people who submit the filing.
    client.force_login(officials["publisher"])
    with translation.override("en"):
        inbox = client.get("/workbench/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="inbox-awaiting" data-year="2027"' in inbox
    assert "awaiting the holiday notice for 2027" in inbox

    # Every day until the notice is entered, each administrator is reminded once.
    administrators = 2  # admin_person and the clerk who registered the drafting bodies
    assert _sweep(date(2026, 12, 10)).notice_reminders == administrators
    assert _sweep(date(2026, 12, 10)).notice_reminders == 0  # the same day: nothing twice
    assert _sweep(date(2026, 12, 11)).notice_reminders == administrators
    reminded = CalendarNoticeReminder.objects.filter(recipient=admin_person, year=2027)
    assert reminded.count() == 2
    assert Notification.objects.filter(recipient=admin_person).count() == 2
    assert not Reminder.objects.filter(deadline=clock).exists()  # no date, no due reminder

    # The notice is entered (as published text, through the import command) and complete.
    notice = tmp_path / "2027.txt"
    notice.write_text(MADE_UP_2027, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("holiday_notice_import", str(notice), "--yes", "--published-on", "2026-12-12")

    clock.refresh_from_db()
    filing.refresh_from_db()
    # 2026-12-10 + 30 days = Saturday 2027-01-09 → the next working day, Monday 2027-01-11.
    assert (clock.due, clock.awaiting_year) == (date(2027, 1, 11), None)
    assert filing.due_on == date(2027, 1, 11)
    computed = Event.objects.get(action="deadline.computed", payload__deadline=clock.pk)
    assert computed.payload["due"] == "2027-01-11"
    assert computed.payload["awaited_holiday_notice"] == 2027
    sources = {entry["year"]: entry for entry in computed.payload["calendar"]}
    assert sources[2027]["source"] == "notice"
    assert "2027年部分节假日安排" in sources[2027]["title"]

    # No more notices to administrators; reminders follow as for any clock: three working
    # days before the due date the publishers of the drafting body's unit, who submit the
    # filing, are reminded.
    assert _sweep(date(2027, 1, 5)).notice_reminders == 0
    assert not Reminder.objects.filter(deadline=clock).exists()
    report = _sweep(date(2027, 1, 6))
    assert report.created >= 1 and report.delivered >= 1
    recipients = set(Reminder.objects.filter(deadline=clock).values_list("recipient", flat=True))
    assert officials["publisher"].pk in recipients


def test_a_review_into_an_unknown_year_waits_and_may_still_be_concluded(
    bureau_body, drafter, officials, travel_to
):
    travel_to(date(2026, 12, 28))
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助办法"
    )
    # The submission goes ahead: its 15-working-day review clock and the default request
    # (5 working days) wait for 2027's notice.
    review = submit_complete(document=document, by=drafter)
    assert (review.opinion_needed_by, review.due_on) == (None, None)

    # The reviewer may conclude any day (115号: the minimum binds the drafter, not the reviewer).
    travel_to(date(2026, 12, 31))
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome="lawful",
        opinion="符合规定",
        checklist=CHECKLIST,
    )
    assert LegalityReview.objects.get(pk=review.pk).outcome == "lawful"


def test_a_requested_date_in_an_unknown_year_is_refused_naming_the_notice(
    bureau_body, drafter, travel_to
):
    travel_to(date(2026, 12, 28))
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助办法"
    )
    # Whether 2027-01-04 leaves 5 working days needs 2027's holiday notice.
    with translation.override("en"), pytest.raises(CalendarRangeError) as refused:
        submit_complete(document=document, by=drafter, opinion_needed_by=date(2027, 1, 4))
    with translation.override("en"):
        assert "holiday notice for 2027" in str(refused.value)
    with translation.override("zh-hans"):
        assert "2027" in str(refused.value)
    assert not LegalityReview.objects.filter(document=document).exists()
