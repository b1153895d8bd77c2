"""The reminder sweep: before the due date, overdue escalation, and never twice."""

import json
import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from workflows.clocks.messages import reminder_message
from workflows.clocks.models import Deadline, Notification, Reminder
from workflows.clocks.services import deadline_meet, deadline_waive
from workflows.clocks.sweep import reminder_deliver, reminders_schedule, reminders_sweep
from workflows.record.selectors import events_for

from .conftest import DUE

THREE_DAYS_BEFORE = date(2024, 10, 9)  # 10-12 ← 10-11, 10-10, 10-09
ONE_DAY_BEFORE = date(2024, 10, 11)
FIRST_DAY_OVERDUE = date(2024, 10, 13)  # a Sunday: overdue is counted in days


def sweep(today):
    return reminders_sweep(today=today, now=timezone.now())


def reminders(**filters):
    return list(Reminder.objects.filter(**filters).order_by("occurrence", "recipient_id"))


@pytest.mark.django_db
def test_nothing_is_sent_when_the_due_date_is_more_than_three_working_days_away(open_review):
    open_review()
    # From Tuesday 10-08 the third working day is 10-11, before the due date 10-12.
    report = sweep(date(2024, 10, 8))
    assert report.created == 0
    assert not Reminder.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_the_sweep_creates_the_3_day_and_1_day_reminders_exactly_once_when_run_twice(
    open_review, reviewer
):
    open_review()
    sweep(THREE_DAYS_BEFORE)
    sweep(THREE_DAYS_BEFORE)
    sweep(date(2024, 10, 10))  # still inside the 3-day window: nothing new
    (three,) = reminders()
    assert (three.kind, three.window, three.occurrence) == ("before", 3, THREE_DAYS_BEFORE)
    assert three.recipient == reviewer and three.sent_at is not None

    sweep(ONE_DAY_BEFORE)
    sweep(ONE_DAY_BEFORE)
    sweep(DUE)  # the due day is still in time: no overdue reminder
    assert [(r.window, r.occurrence) for r in reminders()] == [
        (3, THREE_DAYS_BEFORE),
        (1, ONE_DAY_BEFORE),
    ]
    assert Notification.objects.filter(recipient=reviewer).count() == 2
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]] * 2


@pytest.mark.django_db
def test_the_reminder_names_the_item_the_stage_the_due_date_and_the_legal_source(
    open_review, township
):
    open_review()
    sweep(THREE_DAYS_BEFORE)
    notification = Notification.objects.get()
    for text in (notification.body, mail.outbox[0].body):
        assert str(township) in text
        assert "合法性审查" in text  # the stage (the rule's description), in Chinese by default
        assert "2024年10月12日" in text
        assert "《重大行政决策程序暂行条例》第二十六条" in text
    assert "2024年10月12日" in mail.outbox[0].subject

    english = reminder_message(Reminder.objects.get(), language="en")
    assert "Oct. 12, 2024" in english.body
    assert "Legality review" in english.body


@pytest.mark.django_db
def test_a_sweep_that_missed_the_3_day_window_sends_only_the_tightest_reminder(open_review):
    open_review()
    sweep(ONE_DAY_BEFORE)
    assert [r.window for r in reminders()] == [1]


@pytest.mark.django_db
def test_the_reminder_windows_follow_the_setting_when_changed(open_review, settings):
    settings.FAZHI_REMINDER_WINDOWS = [5]
    open_review()
    sweep(date(2024, 9, 29))  # six working days before: too early
    assert not Reminder.objects.exists()
    sweep(date(2024, 9, 30))  # five working days before 10-12: 10-08 … 10-11 and the due day
    assert [(r.window, r.occurrence) for r in reminders()] == [(5, date(2024, 9, 30))]


@pytest.mark.django_db
def test_the_unit_head_is_reminded_when_nobody_is_named_responsible(open_review, head):
    open_review(responsible_people=[])
    sweep(THREE_DAYS_BEFORE)
    assert [r.recipient for r in reminders()] == [head]


@pytest.mark.django_db
def test_overdue_escalates_to_the_unit_head_and_repeats_daily_but_once_per_day(
    open_review, township, reviewer, head
):
    deadline = open_review()
    sweep(FIRST_DAY_OVERDUE)
    sweep(FIRST_DAY_OVERDUE)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OVERDUE
    first = reminders(kind="overdue")
    assert {(r.recipient, r.occurrence) for r in first} == {
        (reviewer, FIRST_DAY_OVERDUE),
        (head, FIRST_DAY_OVERDUE),
    }
    assert all(r.sent_at for r in first)
    head_mail = [m for m in mail.outbox if m.to == ["head@example.org"]]
    assert len(head_mail) == 1

    next_day = FIRST_DAY_OVERDUE + timedelta(days=1)
    sweep(next_day)
    sweep(next_day)
    assert len(reminders(kind="overdue")) == 4
    assert Notification.objects.filter(recipient=head).count() == 2
    overdue_events = [e for e in events_for(township) if e.action == "deadline.overdue"]
    assert len(overdue_events) == 1


@pytest.mark.django_db
def test_no_reminder_goes_out_when_the_deadline_was_met(open_review):
    deadline_meet(deadline=open_review())
    sweep(THREE_DAYS_BEFORE)
    sweep(FIRST_DAY_OVERDUE)
    assert not Reminder.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db
def test_a_pending_reminder_is_cancelled_when_the_deadline_is_waived_before_it_is_sent(
    open_review, head
):
    deadline = open_review()
    reminders_schedule(today=THREE_DAYS_BEFORE, now=timezone.now())
    deadline_waive(deadline=deadline, by=head, reason="withdrawn")
    report = sweep(THREE_DAYS_BEFORE)
    assert report.delivered == 0
    (reminder,) = reminders()
    assert reminder.cancelled_at and reminder.sent_at is None
    assert not Notification.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_an_email_whose_sending_failed_is_sent_by_a_later_sweep_after_the_notification(
    open_review, settings
):
    open_review()
    settings.EMAIL_BACKEND = "tests.workflows.clocks.mail_backends.UnreachableServerBackend"
    report = sweep(THREE_DAYS_BEFORE)
    assert report.delivered == 1  # in the app: the mail server being down holds nothing back
    (reminder,) = reminders()
    assert reminder.sent_at is not None and reminder.email_status == "pending"
    assert reminder.failures == 1 and "SMTPServerDisconnected" in reminder.last_error
    assert Notification.objects.count() == 1 and not mail.outbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep(THREE_DAYS_BEFORE).emails_retried == 1
    assert sweep(THREE_DAYS_BEFORE).emails_retried == 0
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    (reminder,) = reminders()
    assert reminder.email_status == "sent" and reminder.emailed_at is not None
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@localhost>"


@pytest.mark.django_db
def test_a_live_claim_is_respected_but_an_abandoned_one_is_taken_over(open_review):
    open_review()
    now = timezone.now()
    reminders_schedule(today=THREE_DAYS_BEFORE, now=now)
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=now - timedelta(minutes=1))
    assert not reminder_deliver(reminder_id=reminder.pk, now=now)
    assert not Notification.objects.exists()

    Reminder.objects.filter(pk=reminder.pk).update(claimed_at=now - timedelta(minutes=11))
    assert reminder_deliver(reminder_id=reminder.pk, now=now)
    assert not reminder_deliver(reminder_id=reminder.pk, now=now + timedelta(hours=1))
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_management_command_runs_one_sweep_for_the_given_day(open_review):
    open_review()
    out = StringIO()
    call_command("reminders_sweep", "--today", "2024-10-09", stdout=out)
    report = json.loads(out.getvalue())
    assert report["today"] == "2024-10-09" and report["created"] == 1
    assert report["delivered"] == 1
    with pytest.raises(CommandError):
        call_command("reminders_sweep", "--today", "09/10/2024")


def test_two_sweeps_at_once_send_each_reminder_once(committed, open_review, head):
    open_review()
    barrier = threading.Barrier(2)
    errors = []
    now = timezone.now()

    def run():
        try:
            barrier.wait()
            reminders_sweep(today=FIRST_DAY_OVERDUE, now=now)
        except Exception as error:  # surfaced below: a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Reminder.objects.count() == 2  # the reviewer and the head
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.org", "reviewer@example.org"]


@pytest.mark.django_db
def test_an_address_refused_for_good_does_not_hold_back_the_in_app_notification(
    open_review, settings, reviewer
):
    open_review()
    settings.EMAIL_BACKEND = "tests.workflows.clocks.mail_backends.RefusingServerBackend"
    assert sweep(THREE_DAYS_BEFORE).delivered == 1
    (reminder,) = reminders()
    assert reminder.sent_at is not None and "refused" in reminder.last_error
    assert Notification.objects.filter(recipient=reviewer).count() == 1
    assert sweep(THREE_DAYS_BEFORE).delivered == 0


@pytest.mark.django_db
def test_clocks_marked_overdue_together_each_get_their_event_and_the_chain_verifies(
    open_review, county, township, justice_bureau
):
    from workflows.record.verify import record_verify

    subjects = [county, township, justice_bureau]
    for subject in subjects:
        open_review(subject=subject)
    report = sweep(FIRST_DAY_OVERDUE)
    assert report.marked_overdue == 3
    for subject in subjects:
        (event,) = [e for e in events_for(subject) if e.action == "deadline.overdue"]
        assert event.payload["on"] == FIRST_DAY_OVERDUE.isoformat()
    assert record_verify().ok


@pytest.mark.django_db
def test_an_inactive_responsible_person_is_skipped_and_the_unit_head_reminded_instead(
    open_review, reviewer, head, make_person, county
):
    make_person("other_head", county, unit_head=[county])  # heads another unit: never told
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    open_review()
    sweep(THREE_DAYS_BEFORE)
    assert [r.recipient for r in reminders()] == [head]
    sweep(FIRST_DAY_OVERDUE)
    assert [r.recipient for r in reminders(kind="overdue")] == [head]


@pytest.mark.django_db
def test_an_inactive_unit_head_is_not_reminded(open_review, reviewer, head):
    head.is_active = False
    head.save(update_fields=["is_active"])
    open_review(responsible_people=[])
    sweep(THREE_DAYS_BEFORE)
    assert not Reminder.objects.exists()
    open_review(responsible_people=[reviewer], subject=reviewer)
    sweep(FIRST_DAY_OVERDUE)
    assert {r.recipient for r in reminders(kind="overdue")} == {reviewer}
