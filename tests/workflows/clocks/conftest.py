"""Fixtures for legal clocks: two registered rules, a unit head, and a deadline opener."""

from datetime import date

import pytest

from workflows.clocks.rules import CALENDAR, WORKING, DeadlineRule, register_rule, unregister_rule

# Throw-away rules of these tests, registered only while one of them runs (``clock_rules``):
# no other test (the crawl of the admin's rule-override form, for one) sees them.
LEGALITY_REVIEW = DeadlineRule(
    key="test.legality_review",
    unit=WORKING,
    amount=7,
    legal_source="《重大行政决策程序暂行条例》第二十六条",
    description="Legality review",
)
PUBLIC_COMMENT = DeadlineRule(
    key="test.public_comment",
    unit=CALENDAR,
    amount=30,
    legal_source="《重大行政决策程序暂行条例》第十四条",
    description="Public comment",
)


@pytest.fixture(autouse=True)
def clock_rules():
    """The test rules, registered for the test and removed after it."""
    for rule in (LEGALITY_REVIEW, PUBLIC_COMMENT):
        register_rule(rule)
    yield
    for rule in (LEGALITY_REVIEW, PUBLIC_COMMENT):
        unregister_rule(rule.key)


# Friday before National Day 2024: 7 working days later is the 调休 Saturday 2024-10-12.
START = date(2024, 9, 27)
DUE = date(2024, 10, 12)


@pytest.fixture
def head(make_person, justice_bureau):
    """The head of 司法局: the escalation target of its overdue clocks."""
    user = make_person("head", justice_bureau, unit_head=[justice_bureau])
    user.email = "head@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def reviewer(make_person, justice_bureau):
    user = make_person("reviewer", justice_bureau, legal_advisor=[justice_bureau])
    user.email = "reviewer@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def open_review(township, justice_bureau, reviewer):
    """open_review(subject=…) opens the 7-working-day legality review on 2024-09-27."""
    from workflows.clocks.services import deadline_open

    def open_(subject=None, **kwargs):
        kwargs.setdefault("start", START)
        kwargs.setdefault("responsible_unit", justice_bureau)
        kwargs.setdefault("responsible_people", [reviewer])
        return deadline_open(subject=subject or township, rule_key=LEGALITY_REVIEW.key, **kwargs)

    return open_


@pytest.fixture
def committed(transactional_db):
    """Rows are committed (a worker or another thread sees them).

    Transactional tests empty every table afterwards, which also removes the role groups the
    workflows data migration made; put them back for the people fixtures.
    """
    from django.contrib.auth.models import Group

    from workflows.roles import ROLES

    for role in ROLES:
        Group.objects.get_or_create(name=role)
