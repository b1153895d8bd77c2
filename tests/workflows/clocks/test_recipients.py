"""Clocks belong to the people who can act (design.md, "Offices and people"): reminders reach
who acts on the step (the people named, else the holders of the step's role for its unit),
overdue notices climb to their unit head and, after FAZHI_ESCALATE_ABOVE_AFTER working days,
to the office above; the API lists each clock to the same people.

The decision's legality review (第二十六条, 7 working days) submitted at the suite's moment,
Monday 2026-06-15, is due on Thursday 2026-06-25 (端午节 closes 06-19 to 06-21): its 3-day
reminder is owed on Monday 06-22; it is overdue from Friday 06-26, the first working day after
it, and three working days overdue on Tuesday 06-30 (the weekend 06-27/28 does not count).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from decisions import services as decision_services
from decisions.flows import DecisionFlow
from normdocs import services as normdoc_services
from tests.decisions import conftest as decisions_fixtures
from tests.normdocs import conftest as normdocs_fixtures
from tests.workflows.test_inbox_due import review_task
from workflows.calendar import working_days_before
from workflows.clocks.models import Deadline, Notification, Reminder
from workflows.clocks.selectors import calendar_for
from workflows.clocks.services import deadline_open
from workflows.clocks.sweep import reminders_schedule, reminders_sweep
from workflows.models import TaskOffer, Unit

from .conftest import LEGALITY_REVIEW

pytestmark = pytest.mark.django_db

# The people, decisions and drafting bodies of the decisions and normative-document tests.
people, catalogue_item, drive = (
    decisions_fixtures.people,
    decisions_fixtures.catalogue_item,
    decisions_fixtures.drive,
)
county_body, bureau_body, officials = (
    normdocs_fixtures.county_body,
    normdocs_fixtures.bureau_body,
    normdocs_fixtures.officials,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
REVIEW_DUE = date(2026, 6, 25)
THREE_DAYS_BEFORE = date(2026, 6, 22)
FIRST_DAY_OVERDUE = date(2026, 6, 26)
ACTOR, UNIT_HEAD, OFFICE_ABOVE = (
    Reminder.Escalation.ACTOR,
    Reminder.Escalation.UNIT_HEAD,
    Reminder.Escalation.OFFICE_ABOVE,
)


def sweep(day: date):
    return reminders_sweep(
        today=day, now=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)
    )


def reached(deadline: Deadline, day: date) -> dict:
    """{person: tier} of the reminders about ``deadline`` meant for ``day``."""
    return {
        r.recipient: r.escalation
        for r in Reminder.objects.filter(deadline=deadline, occurrence=day).select_related(
            "recipient"
        )
    }


@pytest.fixture
def bystanders(make_person, county, justice_bureau, township):
    """People who must hear nothing of 司法局's legality review."""
    superuser = make_person("superuser", justice_bureau)
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    return {
        # A legal advisor, but for the township only.
        "township_advisor": make_person("township_advisor", township, legal_advisor=[township]),
        # Of the lead unit, in another role.
        "bureau_drafter": make_person("bureau_drafter", justice_bureau, drafter=[justice_bureau]),
        # May do anything, holds no grant: not a role holder for reminders.
        "superuser": superuser,
        "township_head": make_person("township_head", township, unit_head=[township]),
    }


@pytest.fixture
def county_head(make_person, county):
    """The head of the county government: the office above 司法局."""
    return make_person("county_head", county, unit_head=[county])


@pytest.fixture
def decision_review(drive, people, head, county_head, reviewer, bystanders):
    """A decision led by 司法局, submitted for legality review on Monday 2026-06-15: its
    clock, with the bureau's head, the county's head, a second legal advisor of the bureau
    (``reviewer``) and bystanders in place."""
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    decision_services.legality_review_submit(
        decision=d, by=people["drafter"], procedures_account="已公开征求意见、风险评估"
    )
    return Deadline.objects.get(rule_key="decision.legality_review")


def test_the_review_clock_belongs_to_the_role_and_unit_the_review_task_is_offered_to(
    catalogue_item, people
):
    task = review_task(decisions_fixtures.Driver(people, catalogue_item, flow=True), people)
    assert task.flow_task == DecisionFlow.legality_review
    clock = Deadline.objects.get(rule_key="decision.legality_review")
    offers = set(TaskOffer.objects.filter(task=task).values_list("role", "unit_id"))
    assert (clock.responsible_role, clock.responsible_unit_id) in offers
    # The review office reviews (第二十五条): the county names 司法局.
    assert (clock.responsible_role, clock.responsible_unit) == (
        "legal_advisor",
        task.process.decisionprocess.decision.government.review_office,
    )


def test_a_review_due_in_3_working_days_reminds_the_legal_advisors_not_the_heads_when_nobody_is_named(
    decision_review, people, reviewer
):
    assert decision_review.due == REVIEW_DUE
    assert not decision_review.responsible_people.exists()
    sweep(date(2026, 6, 19))  # four working days before: nothing yet
    assert not Reminder.objects.exists()

    sweep(THREE_DAYS_BEFORE)

    # Both legal advisors of 司法局; not its head, not the county's, no bystander.
    assert reached(decision_review, THREE_DAYS_BEFORE) == {
        people["legal_advisor"]: ACTOR,
        reviewer: ACTOR,
    }
    notification = Notification.objects.get(recipient=people["legal_advisor"])
    assert "2026年6月25日" in notification.body


def test_an_overdue_review_reminds_the_legal_advisors_and_escalates_to_the_head_of_the_review_office(
    decision_review, people, reviewer, head, county_head
):
    sweep(REVIEW_DUE)  # the due day is still in time
    assert not Reminder.objects.filter(kind="overdue").exists()

    sweep(FIRST_DAY_OVERDUE)

    assert reached(decision_review, FIRST_DAY_OVERDUE) == {
        people["legal_advisor"]: ACTOR,
        reviewer: ACTOR,
        head: UNIT_HEAD,
        people["review_head"]: UNIT_HEAD,  # 司法局 is the review office: both its heads
    }
    to_head = Notification.objects.get(recipient=head, reminder__kind="overdue")
    assert to_head.title.startswith("逾期，已提请单位负责人督办")
    assert "乌恰县司法局" in to_head.body and "请督促办理" in to_head.body
    to_advisor = Notification.objects.get(recipient=reviewer, reminder__kind="overdue")
    assert to_advisor.title.startswith("逾期：")


def test_after_3_working_days_overdue_the_head_of_the_office_above_is_reminded_too(
    decision_review, people, reviewer, head, county_head
):
    # Sunday 06-28 is the third calendar day overdue, Monday 06-29 the second working day.
    for day in (FIRST_DAY_OVERDUE, date(2026, 6, 27), date(2026, 6, 28), date(2026, 6, 29)):
        sweep(day)
        assert county_head not in reached(decision_review, day), day

    sweep(date(2026, 6, 30))

    assert reached(decision_review, date(2026, 6, 30)) == {
        people["legal_advisor"]: ACTOR,
        reviewer: ACTOR,
        head: UNIT_HEAD,
        people["review_head"]: UNIT_HEAD,
        county_head: OFFICE_ABOVE,
    }
    to_county = Notification.objects.get(recipient=county_head)
    assert to_county.title.startswith("逾期，已提请上级单位督办")
    assert "乌恰县人民政府" in to_county.body and "乌恰县司法局" in to_county.body
    # Every day after, until it is met, the office above is reminded again, once a day.
    sweep(date(2026, 7, 1))
    sweep(date(2026, 7, 1))
    assert Reminder.objects.filter(recipient=county_head).count() == 2


def test_the_office_above_is_reached_after_the_working_days_the_setting_names(
    decision_review, county_head, settings
):
    settings.FAZHI_ESCALATE_ABOVE_AFTER = 1
    sweep(FIRST_DAY_OVERDUE)
    assert reached(decision_review, FIRST_DAY_OVERDUE)[county_head] == OFFICE_ABOVE


@pytest.fixture
def bureau_clock(township, justice_bureau):
    """open(due=…, **kwargs): a 7-working-day clock of 司法局's legal advisors due on ``due``."""

    def open_(*, due: date, **kwargs):
        kwargs.setdefault("responsible_role", "legal_advisor")
        clock = deadline_open(
            subject=township,
            rule_key=LEGALITY_REVIEW.key,
            start=working_days_before(due, 7, calendar=calendar_for()),
            responsible_unit=justice_bureau,
            **kwargs,
        )
        assert clock.due == due
        return clock

    return open_


def test_working_days_overdue_skip_national_day_and_count_its_make_up_saturday(
    bureau_clock, reviewer, head, county_head
):
    # Due Wednesday 2026-09-30; 国庆节 closes 10-01 to 10-07; Thursday 10-08 and Friday 10-09
    # are the first two working days after it, the make-up Saturday 10-10 the third. Counted in
    # calendar days it would be 10-03; in weekdays, Monday 10-05; without the make-up day, 10-12.
    clock = bureau_clock(due=date(2026, 9, 30))
    first_above = None
    for offset in range(1, 13):
        day = date(2026, 9, 30) + timedelta(days=offset)
        sweep(day)
        if first_above is None and county_head in reached(clock, day):
            first_above = day
    assert first_above == date(2026, 10, 10)
    # The actor and the unit head were reminded from the first day, every day.
    assert Reminder.objects.filter(deadline=clock, recipient=reviewer).count() == 12
    assert Reminder.objects.filter(deadline=clock, recipient=head).count() == 12


def test_named_people_are_reminded_before_the_holders_of_the_role(
    bureau_clock, reviewer, legal_advisor, head
):
    clock = bureau_clock(due=REVIEW_DUE, responsible_people=[reviewer])
    sweep(THREE_DAYS_BEFORE)
    assert reached(clock, THREE_DAYS_BEFORE) == {reviewer: ACTOR}

    # Overdue: the named person as who acts, and the head; the other advisors stay out of it.
    sweep(FIRST_DAY_OVERDUE)
    assert reached(clock, FIRST_DAY_OVERDUE) == {reviewer: ACTOR, head: UNIT_HEAD}


def test_the_holders_of_the_role_are_reminded_when_the_named_person_left(
    bureau_clock, reviewer, legal_advisor, head
):
    clock = bureau_clock(due=REVIEW_DUE, responsible_people=[reviewer])
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    sweep(THREE_DAYS_BEFORE)
    assert reached(clock, THREE_DAYS_BEFORE) == {legal_advisor: ACTOR}


def test_the_unit_heads_are_reminded_when_nobody_holds_the_role(bureau_clock, reviewer, head):
    clock = bureau_clock(due=REVIEW_DUE, responsible_role="filing_reviewer")
    sweep(THREE_DAYS_BEFORE)
    assert reached(clock, THREE_DAYS_BEFORE) == {head: ACTOR}


def test_a_head_who_also_acts_is_reminded_once_as_who_acts(
    bureau_clock, make_person, justice_bureau, reviewer
):
    acting_head = make_person(
        "acting_head", justice_bureau, unit_head=[justice_bureau], legal_advisor=[justice_bureau]
    )
    clock = bureau_clock(due=REVIEW_DUE)
    sweep(FIRST_DAY_OVERDUE)
    assert reached(clock, FIRST_DAY_OVERDUE) == {reviewer: ACTOR, acting_head: ACTOR}


def test_an_unknown_role_is_refused_when_the_clock_opens(bureau_clock):
    with pytest.raises(ValueError, match="Unknown role"):
        bureau_clock(due=REVIEW_DUE, responsible_role="legal_adviser")
    assert not Deadline.objects.exists()


def test_scheduling_costs_the_same_statements_for_1_or_30_clocks_escalated_above(
    justice_bureau, reviewer, head, county_head
):
    start = working_days_before(REVIEW_DUE, 7, calendar=calendar_for())

    def open_clocks(names):
        for name in names:
            deadline_open(
                subject=Unit.objects.create(name=name, kind=Unit.Kind.OTHER),
                rule_key=LEGALITY_REVIEW.key,
                start=start,
                responsible_unit=justice_bureau,
                responsible_role="legal_advisor",
            )

    day = date(2026, 6, 30)
    now = datetime(2026, 6, 30, 9, tzinfo=SHANGHAI)
    open_clocks(["subject 0"])
    with CaptureQueriesContext(connection) as one:
        assert reminders_schedule(today=day, now=now) == (1, 3)
    open_clocks([f"subject {i}" for i in range(1, 30)])
    with CaptureQueriesContext(connection) as thirty:
        assert reminders_schedule(today=day, now=now) == (29, 29 * 3)
    assert len(thirty) == len(one)
    tiers = Reminder.objects.filter(occurrence=day).values_list("recipient", "escalation")
    assert sorted(set(tiers)) == sorted(
        {(reviewer.pk, ACTOR), (head.pk, UNIT_HEAD), (county_head.pk, OFFICE_ABOVE)}
    )


def _api(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _listed(user) -> set[int]:
    return {row["id"] for row in _api(user).get("/api/v1/deadlines/").json()["results"]}


def test_the_api_lists_the_review_clock_to_the_legal_advisors_and_the_head_of_the_lead_unit(
    decision_review, people, reviewer, head, county_head, bystanders
):
    clock = decision_review.pk
    assert clock in _listed(people["legal_advisor"])
    assert clock in _listed(reviewer)
    assert clock in _listed(head)
    assert _api(reviewer).get(f"/api/v1/deadlines/{clock}/").status_code == 200
    for person in (people["drafter"], people["outsider"], county_head, *bystanders.values()):
        assert clock not in _listed(person), person.username
        assert _api(person).get(f"/api/v1/deadlines/{clock}/").status_code == 404


def test_a_normative_document_review_clock_reaches_its_reviewers(
    bureau_body, officials, drafter, legal_advisor, bystanders
):
    document = normdoc_services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局行政执法公示办法"
    )
    normdocs_fixtures.submit_complete(document=document, by=drafter)
    clock = Deadline.objects.get(rule_key="normdocs.legality_review")
    assert (clock.responsible_role, clock.responsible_unit) == (
        "legal_advisor",
        bureau_body.unit,
    )
    day = working_days_before(clock.due, 3, calendar=calendar_for())

    sweep(day)

    # Whoever is_legality_reviewer_for the document: the legal advisors of 司法局. Not its
    # heads (the secretary and the head hold unit_head for it), nobody else.
    assert reached(clock, day) == {officials["advisor"]: ACTOR, legal_advisor: ACTOR}
    assert clock.pk in _listed(officials["advisor"])
    assert clock.pk not in _listed(bystanders["township_advisor"])
