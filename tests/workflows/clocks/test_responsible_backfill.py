"""Migration 0009: a running clock opened before clocks named the role acting on them gets the
role its step declares (workflows.clocks.responsible), so the legal advisors are reminded of a
legality review (《重大行政决策程序暂行条例》第二十六条) and see it in /api/v1/deadlines/, where
before only the unit's heads were reminded and the API listed it to nobody who acts."""

from datetime import date

import pytest
from django.apps import apps
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.workflows.clocks import test_recipients as recipients
from workflows.clocks.models import Deadline, Reminder
from workflows.clocks.responsible import (
    declared_roles_by_rule,
    responsible_roles_backfill,
    responsible_roles_fill,
)
from workflows.clocks.services import deadline_open

pytestmark = pytest.mark.django_db

people, catalogue_item, drive, bystanders, county_head, decision_review = (
    recipients.people,
    recipients.catalogue_item,
    recipients.drive,
    recipients.bystanders,
    recipients.county_head,
    recipients.decision_review,
)
THREE_DAYS_BEFORE = recipients.THREE_DAYS_BEFORE


@pytest.fixture
def old_review(decision_review):
    """The decision's running legality review clock, as a clock opened before 0008 stored it."""
    Deadline.objects.filter(pk=decision_review.pk).update(responsible_role="")
    return decision_review


def _backfill():
    responsible_roles_backfill(apps, None)


def test_the_roles_are_those_of_the_steps_that_meet_each_clock_else_open_it():
    roles = declared_roles_by_rule()
    assert roles["decision.legality_review"] == "legal_advisor"  # met by the review
    assert roles["consultation.comment_period"] == "drafter"  # opened by the drafters
    assert roles["normdocs.filing_review"] == "filing_reviewer"
    assert roles["normdocs.filing_correction"] == "drafter"  # the first step meeting it


def test_an_old_running_review_clock_gets_the_legal_advisor_role_when_migrated(old_review):
    _backfill()

    old_review.refresh_from_db()
    assert old_review.responsible_role == "legal_advisor"


def test_the_legal_advisors_are_reminded_of_an_old_clock_once_it_is_migrated(
    old_review, people, reviewer, head
):
    _backfill()

    recipients.sweep(THREE_DAYS_BEFORE)

    assert recipients.reached(old_review, THREE_DAYS_BEFORE) == {
        people["legal_advisor"]: Reminder.Escalation.ACTOR,
        reviewer: Reminder.Escalation.ACTOR,
    }


def test_the_api_lists_an_old_clock_to_the_legal_advisor_once_it_is_migrated(old_review, people):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people['legal_advisor'])}"
    )

    def listed():
        response = client.get("/api/v1/deadlines/")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert old_review.pk not in listed()
    _backfill()
    assert old_review.pk in listed()


def test_an_ended_clock_is_left_as_it_is(old_review):
    Deadline.objects.filter(pk=old_review.pk).update(status=Deadline.Status.MET)

    filled = responsible_roles_fill(
        deadline_model=Deadline, roles_by_rule={"decision.legality_review": "legal_advisor"}
    )

    assert filled == 0
    old_review.refresh_from_db()
    assert old_review.responsible_role == ""


def test_a_clock_naming_its_role_keeps_it(decision_review):
    filled = responsible_roles_fill(
        deadline_model=Deadline, roles_by_rule={"decision.legality_review": "drafter"}
    )

    assert filled == 0
    decision_review.refresh_from_db()
    assert decision_review.responsible_role == "legal_advisor"


def test_a_rule_no_step_declares_takes_the_one_role_its_newer_clocks_carry(
    township, justice_bureau
):
    rule = recipients.LEGALITY_REVIEW.key  # a test rule: no step declares it
    newer = deadline_open(
        subject=township,
        rule_key=rule,
        start=date(2026, 6, 15),
        responsible_unit=justice_bureau,
        responsible_role="legal_advisor",
    )
    old = deadline_open(
        subject=justice_bureau, rule_key=rule, start=date(2026, 6, 15), responsible_unit=township
    )
    assert (newer.responsible_role, old.responsible_role) == ("legal_advisor", "")

    _backfill()
    _backfill()  # twice: nothing more

    old.refresh_from_db()
    assert old.responsible_role == "legal_advisor"
