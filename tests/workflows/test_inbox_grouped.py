"""A large to-do list opens grouped by due date (issue 22: a meeting secretary is offered every
meeting task of the county, thousands): overdue, with a due date, without one, the first of
each; the full list is one click away. And the task API's cursor pages read the same inbox as
``tasks_for_user``, a page at a time over the offers of each (role, unit) held."""

from datetime import date

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from workflows.inbox import groups, task_offer, tasks_for_user
from workflows.inbox.queue import OpenTaskIds
from workflows.testing.flows import InboxTestFlow

from .test_inbox_due import _review_task, decisions_fixtures  # noqa: F401

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
URL = "workbench:inbox:index"


@pytest.fixture
def drive(people, catalogue_item):
    return decisions_fixtures.Driver(people, catalogue_item, flow=True)


@pytest.fixture
def small_limits(monkeypatch):
    """A queue of more than 3 tasks is large; each group shows 2."""
    monkeypatch.setattr(groups, "LARGE_QUEUE", 3)
    monkeypatch.setattr(groups, "GROUP_SIZE", 2)


def _reviews(unit, n):
    return [
        InboxTestFlow.start.run(unit_id=unit.pk).task_set.get(flow_task=InboxTestFlow.review)
        for _ in range(n)
    ]


def _page(client, **query):
    response = client.get(reverse(URL), query)
    assert response.status_code == 200
    return response


def _group_keys(response):
    return {g["key"]: [row.item.key for row in g["rows"]] for g in response.context["groups"]}


def test_a_large_queue_opens_grouped_with_the_longest_waiting_first_when_it_has_no_due_dates(
    client, people, small_limits
):
    tasks = _reviews(people["bureau"], 4)
    client.force_login(people["legal_advisor"])

    response = _page(client)

    assert response.context["view"] == "grouped"
    assert _group_keys(response) == {"undated": [f"task:{t.pk}" for t in tasks[:2]]}
    (group,) = response.context["groups"]
    assert group["more"] and group["total"] is None
    html = response.content.decode()
    assert 'data-testid="inbox-groups"' in html and 'data-group="undated"' in html
    # The full list, one click away.
    assert 'href="?view=list"' in html and "查看全部待办" in html


def test_the_full_list_is_one_click_away_when_the_queue_is_grouped(client, people, small_limits):
    tasks = _reviews(people["bureau"], 4)
    client.force_login(people["legal_advisor"])

    response = _page(client, view="list")

    assert response.context["view"] == "list"
    assert [row.item.key for row in response.context["rows"]] == [f"task:{t.pk}" for t in tasks]


def test_a_queue_of_a_few_tasks_stays_a_list_when_it_is_not_large(client, people, small_limits):
    tasks = _reviews(people["bureau"], 3)
    client.force_login(people["legal_advisor"])

    response = _page(client)

    assert response.context["view"] == "list" and response.context["groups"] == []
    assert [row.item.key for row in response.context["rows"]] == [f"task:{t.pk}" for t in tasks]


def test_a_filter_or_a_page_number_shows_the_list_when_the_queue_is_large(
    client, people, small_limits
):
    _reviews(people["bureau"], 4)
    client.force_login(people["legal_advisor"])

    assert _page(client, process="workflows", page=1).context["view"] == "list"
    assert _page(client, unit=people["bureau"].pk).context["view"] == "list"
    assert _page(client, page=1).context["view"] == "list"
    assert _page(client, tab="done").context["view"] == "list"


def test_a_dated_task_leads_the_grouped_view_and_turns_overdue_when_its_date_passes(
    client, drive, people, travel_to, small_limits
):
    undated = _reviews(people["bureau"], 3)
    dated = _review_task(drive, people, travel_to, date(2026, 12, 4))  # due 12-15
    client.force_login(people["legal_advisor"])

    response = _page(client)

    assert _group_keys(response) == {
        "dated": [f"task:{dated.pk}"],
        "undated": [f"task:{t.pk}" for t in undated[:2]],
    }
    (row,) = response.context["groups"][0]["rows"]
    assert row.item.due == date(2026, 12, 15) and row.light.colour == "green"

    travel_to(date(2026, 12, 16))
    response = _page(client)

    assert _group_keys(response)["overdue"] == [f"task:{dated.pk}"]
    assert response.context["groups"][0]["total"] == 1
    assert response.context["groups"][0]["rows"][0].light.colour == "red"


def _ids_in_pages(user, *, descending: bool, size: int) -> list[int]:
    found, bound = [], None
    while True:
        queue = OpenTaskIds(user).order_by("-id" if descending else "id")
        if bound is not None:
            queue = queue.filter(**{"id__lt" if descending else "id__gt": bound})
        page = [row.pk for row in queue[0:size]]
        found += page
        if len(page) < size:
            return found
        bound = page[-1]


def test_the_task_queue_pages_over_offers_to_what_tasks_for_user_lists(
    people, make_person, small_limits
):
    """Two (role, unit) pairs held, a task offered to both (listed once), a task the person
    claimed, and one a colleague claimed (not listed)."""
    bureau, county = people["bureau"], people["county"]
    advisor = make_person("two_offices", bureau, legal_advisor=[bureau, county])
    colleague = make_person("colleague", bureau, legal_advisor=[bureau])
    tasks = _reviews(bureau, 3) + _reviews(county, 3)
    twice = tasks[0]
    task_offer(task=twice, role="legal_advisor", unit=county)
    mine, theirs = tasks[1], tasks[4]
    for task, owner in ((mine, advisor), (theirs, colleague)):
        task.owner, task.status = owner, STATUS.ASSIGNED
        task.save()

    expected = sorted(tasks_for_user(user=advisor).values_list("pk", flat=True))
    assert theirs.pk not in expected and mine.pk in expected and len(expected) == 5

    assert _ids_in_pages(advisor, descending=True, size=2) == expected[::-1]
    assert _ids_in_pages(advisor, descending=False, size=2) == expected
    assert OpenTaskIds(colleague).order_by("id").ids(0, 10) == sorted(
        tasks_for_user(user=colleague).values_list("pk", flat=True)
    )


def test_the_task_api_pages_the_inbox_newest_first(client, people):
    bureau = people["bureau"]
    tasks = _reviews(bureau, 5)
    client.force_login(people["legal_advisor"])

    seen, url = [], reverse("api:task-list") + "?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert seen == sorted((t.pk for t in tasks), reverse=True)


def test_a_task_the_person_claimed_is_listed_once_in_the_grouped_view(client, people, small_limits):
    """A secretary (no role of a step with a clock) is offered five tasks and has claimed one
    of them: it is listed once, among the longest waiting."""
    secretary, county = people["secretary"], people["county"]
    tasks = _reviews(people["bureau"], 5)
    for task in tasks:
        task_offer(task=task, role="meeting_secretary", unit=county)
    claimed = tasks[0]
    claimed.owner, claimed.status = secretary, STATUS.ASSIGNED
    claimed.save()
    client.force_login(secretary)

    response = _page(client)

    assert response.context["view"] == "grouped"
    assert _group_keys(response) == {"undated": [f"task:{t.pk}" for t in tasks[:2]]}


def test_the_grouped_view_shows_the_soonest_due_first_not_the_oldest(
    client, drive, people, travel_to, small_limits
):
    # Submitted first, due last; and so on: submitted last, due first. More dated tasks than
    # the group's first rows read (GROUP_SIZE + 1): ordered by age, the soonest is not read.
    last = _review_task(drive, people, travel_to, date(2026, 12, 1), working_days=20)
    third = _review_task(drive, people, travel_to, date(2026, 12, 1), working_days=16)
    second = _review_task(drive, people, travel_to, date(2026, 12, 2), working_days=12)
    first = _review_task(drive, people, travel_to, date(2026, 12, 4))
    undated = _reviews(people["bureau"], 2)
    client.force_login(people["legal_advisor"])

    response = _page(client)

    assert first.pk > second.pk > third.pk > last.pk
    assert _group_keys(response) == {
        "dated": [f"task:{first.pk}", f"task:{second.pk}"],
        "undated": [f"task:{t.pk}" for t in undated],
    }
    dated = response.context["groups"][0]
    assert dated["total"] == 4 and dated["more"]
    dues = [row.item.due for row in dated["rows"]]
    assert dues == sorted(dues) and dues[0] == date(2026, 12, 15)
    # The full list agrees: the same four, soonest first, then the undated, oldest first.
    listed = [row.item.key for row in _page(client, view="list").context["rows"]]
    assert listed == [f"task:{t.pk}" for t in (first, second, third, last, *undated)]
