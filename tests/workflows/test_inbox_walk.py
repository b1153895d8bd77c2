"""A large queue in due order, read from the clocks' side (issue 22, ``workflows.inbox.due``):
the running clocks walked in due order back to the tasks that meet them give the same list —
the same items, the same order (ties on a day broken by the clock started first, then age),
the same due dates — as reading each task's clock; and the grouped view's counts stop at ``COUNT_CAP`` ("more than N").

``FORWARD_LIMIT`` is set to 0 so that a handful of tasks is read from the clocks' side (at its
real size only a queue of hundreds is)."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from decisions.models import LegalityReview
from workflows import paging
from workflows.clocks.models import Deadline
from workflows.clocks.services import deadline_open, deadline_waive
from workflows.inbox import due, groups, task_offer
from workflows.inbox.items import NO_FILTER, InboxFilter, _filtered, _task_slice
from workflows.inbox.offers import role_grants_for, tasks_for_user

from . import test_inbox_grouped as grouped
from .test_inbox_due import _review_task, decisions_fixtures  # noqa: F401

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
# The grouped view's tests make the same decisions, review tasks and small limits.
drive, small_limits, _reviews = grouped.drive, grouped.small_limits, grouped._reviews
URL = "workbench:inbox:index"


@pytest.fixture(autouse=True)
def urls_loaded():
    """Flows' task pages are named once the URLconf is loaded (an item's ``url``)."""
    reverse(URL)


@pytest.fixture
def walk_always(monkeypatch):
    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)


def _clock_of(task) -> Deadline:
    review = LegalityReview.objects.filter(decision__process=task.process_id).latest("pk")
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(LegalityReview),
        object_id=str(review.pk),
        status__in=Deadline.RUNNING,
    )


@pytest.fixture
def mixed(drive, people, travel_to):
    """Five legality reviews (two due on the same day, 12-15; one 12-17; one 12-21; one whose
    clock was waived: no due date although its step meets a clock) and three tasks of a step
    without a clock, all offered to the legal advisor; today is 12-07."""
    late = _review_task(drive, people, travel_to, date(2026, 12, 1), working_days=14)
    same_a = _review_task(drive, people, travel_to, date(2026, 12, 4))
    waived = _review_task(drive, people, travel_to, date(2026, 12, 4))
    same_b = _review_task(drive, people, travel_to, date(2026, 12, 4))
    mid = _review_task(drive, people, travel_to, date(2026, 12, 1), working_days=12)
    deadline_waive(deadline=_clock_of(waived), by=people["legal_advisor"], reason="测试")
    travel_to(date(2026, 12, 7))
    undated = _reviews(people["bureau"], 3)
    return {
        "dated": [same_a, same_b, mid, late],
        "undated": [waived, *undated],
    }


def _both(user, flt=NO_FILTER, *, start=0, stop=None):
    """The slice read task by task, and read from the clocks' side."""
    grants = role_grants_for(user=user)
    tasks = _filtered(tasks_for_user(user=user, grants=grants), flt)
    who = due.Who(user.pk, grants, flt.process, flt.unit)
    return (
        _task_slice(tasks, grants, start, stop),
        _task_slice(tasks, grants, start, stop, who=who),
    )


def test_the_clocks_side_reads_the_same_list_as_each_tasks_clock(mixed, people, walk_always):
    advisor = people["legal_advisor"]
    assert due.walk_pays(due.Who(advisor.pk, role_grants_for(user=advisor)))

    forward, walked = _both(advisor, stop=50)

    # Ties on a due date (the two of 12-15, both submitted on 12-04) go the clock started first.
    same = sorted(mixed["dated"][:2], key=lambda t: _clock_of(t).pk)
    expected = [t.pk for t in (*same, *mixed["dated"][2:], *mixed["undated"])]
    assert [item.task_id for item in forward] == expected
    assert walked == forward and walked.total == forward.total == 8
    assert [item.due for item in walked] == [
        date(2026, 12, 15),
        date(2026, 12, 15),
        date(2026, 12, 17),
        date(2026, 12, 21),
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("start", "stop"), [(0, 1), (0, 2), (1, 3), (2, 5), (3, 4), (4, 6), (5, 8), (7, 9), (9, 12)]
)
def test_every_page_of_the_list_is_the_same_read_from_the_clocks_side(
    mixed, people, walk_always, start, stop
):
    """Pages cutting through the tie on 12-15, the dated and undated boundary, and past the
    end."""
    forward, walked = _both(people["legal_advisor"], start=start, stop=stop)
    assert walked == forward and walked.total == forward.total


def test_the_inbox_filters_narrow_the_clocks_side_as_they_narrow_the_list(
    mixed, people, walk_always
):
    advisor = people["legal_advisor"]
    county = people["county"]
    # One review also offered for the county: the unit filter keeps it alone.
    task_offer(task=mixed["dated"][2], role="legal_advisor", unit=county)
    filters = [
        InboxFilter(process="decisions"),
        InboxFilter(process="workflows"),
        InboxFilter(unit=county.pk),
        InboxFilter(unit=people["bureau"].pk),
    ]
    for flt in filters:
        forward, walked = _both(advisor, flt, stop=50)
        assert walked == forward, flt
    forward, _walked = _both(advisor, InboxFilter(unit=county.pk), stop=50)
    assert [item.task_id for item in forward] == [mixed["dated"][2].pk]


def test_the_list_page_shows_the_same_rows_read_from_either_side(
    client, mixed, people, monkeypatch
):
    client.force_login(people["legal_advisor"])

    def rows():
        response = client.get(reverse(URL), {"view": "list"})
        assert response.status_code == 200
        return [(row.item.key, row.item.due, row.light) for row in response.context["rows"]]

    forward = rows()
    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)
    assert rows() == forward and len(forward) == 8


def test_a_task_claimed_by_a_colleague_is_not_walked_to(mixed, people, make_person, walk_always):
    bureau = people["bureau"]
    colleague = make_person("colleague", bureau, legal_advisor=[bureau])
    claimed = mixed["dated"][0]
    claimed.owner, claimed.status = colleague, "ASSIGNED"
    claimed.save()

    forward, walked = _both(people["legal_advisor"], stop=50)
    assert walked == forward and claimed.pk not in [item.task_id for item in walked]
    # The colleague sees it among the others offered to the office, in its place by due date.
    mine_forward, mine_walked = _both(colleague, stop=50)
    assert mine_walked == mine_forward and len(mine_walked) == 8
    assert claimed.pk in [item.task_id for item in mine_walked[:2]]


def _groups(client):
    response = client.get(reverse(URL))
    assert response.status_code == 200 and response.context["view"] == "grouped"
    return response, {group["key"]: group for group in response.context["groups"]}


def test_the_grouped_counts_stop_at_the_cap_and_say_more_than_it(
    client, mixed, people, monkeypatch, small_limits
):
    client.force_login(people["legal_advisor"])

    response, found = _groups(client)
    assert found["dated"]["total"] == 4 and not found["dated"]["total"].capped
    first_two = {f"task:{t.pk}" for t in mixed["dated"][:2]}  # both due 12-15
    assert {row.item.key for row in found["dated"]["rows"]} == first_two
    assert "共4项" in response.content.decode()

    monkeypatch.setattr(groups, "GROUP_COUNT_CAP", 3)
    response, found = _groups(client)
    total = found["dated"]["total"]
    assert total.capped and total.cap == 3 and found["dated"]["more"]
    html = response.content.decode()
    assert "超过3项" in html and "共4项" not in html
    # The items shown do not change with the cap.
    assert {row.item.key for row in found["dated"]["rows"]} == first_two
    assert [row.item.key for row in found["undated"]["rows"]] == [
        f"task:{t.pk}" for t in mixed["undated"][:2]
    ]


def test_a_count_at_the_cap_is_exact():
    assert paging.capped(paging.COUNT_CAP) == paging.COUNT_CAP
    assert not paging.capped(paging.COUNT_CAP).capped
    assert paging.capped(10**6) == paging.COUNT_CAP + 1 and paging.capped(10**6).capped
    # The grouped view counts a group to its own, lower cap.
    assert paging.capped(101, 100).capped and paging.capped(101, 100).cap == 100
    assert paging.capped(10**6, 100) == 101 and not paging.capped(100, 100).capped


def test_a_clock_on_a_superseded_review_dates_no_task(drive, people, travel_to, walk_always):
    """The clock a review task meets is its decision's latest review's (第二十六条: a review
    submitted again is a new review with a new clock): a clock still running on an earlier
    review neither dates the task nor is walked to."""
    superseded = _review_task(drive, people, travel_to, date(2026, 12, 4))
    other = _review_task(drive, people, travel_to, date(2026, 12, 4))
    review = LegalityReview.objects.filter(decision__process=superseded.process_id).latest("pk")
    review.pk, review._state.adding = None, True
    review.save()  # a later review of the same decision, without a clock

    forward, walked = _both(people["legal_advisor"], stop=50)

    assert walked == forward
    assert [(item.task_id, item.due) for item in walked] == [
        (other.pk, date(2026, 12, 15)),
        (superseded.pk, None),
    ]


def test_among_tasks_due_the_same_day_the_clock_started_first_comes_first(
    drive, people, travel_to, walk_always
):
    """Issue 22's order within a due date: the clock started first, then the oldest task — on
    every path (the list read task by task, the walk from the clocks' side, the grouped view).
    Here the older task's clock is the younger: its first clock was waived and a new one
    opened for the same review, due the same day as the other's."""
    older = _review_task(drive, people, travel_to, date(2026, 12, 3), working_days=8)
    younger = _review_task(drive, people, travel_to, date(2026, 12, 4))
    first = _clock_of(older)
    deadline_waive(deadline=first, by=people["legal_advisor"], reason="重新计时(测试)")
    again = deadline_open(
        subject=first.subject,
        rule_key=first.rule_key,
        start=date(2026, 12, 4),
        responsible_unit=first.responsible_unit,
        responsible_role=first.responsible_role,
    )
    assert again.due == _clock_of(younger).due == date(2026, 12, 15)
    assert again.pk > _clock_of(younger).pk and older.created < younger.created
    travel_to(date(2026, 12, 7))

    advisor = people["legal_advisor"]
    forward, walked = _both(advisor, stop=50)
    assert [item.task_id for item in forward] == [younger.pk, older.pk]
    assert [item.task_id for item in walked] == [younger.pk, older.pk]

    heads = groups.inbox_grouped(
        user=advisor, grants=role_grants_for(user=advisor), today=date(2026, 12, 7)
    )
    dated = [g for g in heads if g.key == groups.DATED]
    assert [item.task_id for item in dated[0].items] == [younger.pk, older.pk]
