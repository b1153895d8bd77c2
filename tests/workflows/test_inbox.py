"""The inbox offers a task to the holders of a role for one unit, and to nobody else."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from workflows.inbox import (
    InboxItem,
    inbox_items_for_user,
    may_act_on_task,
    register_inbox_source,
    tasks_for_user,
    unit_ids_for_role,
)
from workflows.inbox import items as inbox_items
from workflows.models import Unit
from workflows.testing.flows import InboxTestFlow

pytestmark = pytest.mark.django_db


def _start_review_for(unit):
    process = InboxTestFlow.start.run(unit_id=unit.pk)
    return process.task_set.get(flow_task=InboxTestFlow.review)


def test_a_task_is_offered_to_the_role_holders_of_its_unit(legal_advisor, justice_bureau):
    task = _start_review_for(justice_bureau)
    assert list(tasks_for_user(user=legal_advisor)) == [task]
    assert may_act_on_task(user=legal_advisor, task=task)


def test_a_task_is_not_offered_when_the_role_is_held_for_another_unit(
    make_person, township, justice_bureau
):
    advisor_elsewhere = make_person("township_advisor", township, legal_advisor=[township])
    task = _start_review_for(justice_bureau)
    assert not tasks_for_user(user=advisor_elsewhere).exists()
    assert not may_act_on_task(user=advisor_elsewhere, task=task)


def test_a_task_is_not_offered_to_another_role_of_the_same_unit(drafter, justice_bureau):
    _start_review_for(justice_bureau)
    assert not tasks_for_user(user=drafter).exists()


def test_an_assigned_task_leaves_the_other_holders_inboxes(
    legal_advisor, make_person, justice_bureau
):
    colleague = make_person("colleague", justice_bureau, legal_advisor=[justice_bureau])
    task = _start_review_for(justice_bureau)
    task.owner = colleague
    task.status = STATUS.ASSIGNED
    task.save()
    assert not tasks_for_user(user=legal_advisor).exists()
    assert list(tasks_for_user(user=colleague)) == [task]


def test_the_inbox_page_lists_offered_tasks_with_a_constant_number_of_queries(
    client, legal_advisor, justice_bureau, django_assert_max_num_queries
):
    client.force_login(legal_advisor)
    _start_review_for(justice_bureau)
    url = reverse("workbench:inbox:index")
    client.get(url)  # warm caches (content types, session)
    # 14: one of them asks whether the to-do list is large enough to open grouped, one whether
    # its tasks at steps with a clock are many enough to be read from the clocks' side (issue
    # 22, ``workflows.inbox.due``).
    with django_assert_max_num_queries(14) as one:
        response = client.get(url)
    for _ in range(10):
        _start_review_for(justice_bureau)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["items"]) == 11
    assert response.content.decode().count('data-kind="task"') == 11


# --- sources other than viewflow tasks -------------------------------------------------------


@pytest.fixture
def sources(monkeypatch):
    """Only the sources a test registers (the apps' own sources are set aside meanwhile)."""
    monkeypatch.setattr(inbox_items, "_sources", {})
    return inbox_items._sources


def _item(key, due=None, created_days_ago=0, kind="test.step"):
    return InboxItem(
        kind=kind,
        title=f"Step {key}",
        subject=f"Subject {key}",
        url=f"/somewhere/{key}/",
        due=due,
        unit="乌恰县司法局",
        stage="Stage",
        created=timezone.now() - timedelta(days=created_days_ago),
        key=key,
    )


def test_registered_sources_merge_with_tasks_earliest_due_first_then_oldest(
    sources, legal_advisor, justice_bureau
):
    task = _start_review_for(justice_bureau)
    register_inbox_source(
        "test",
        lambda user: [
            _item("late", due=date(2030, 1, 2)),
            _item("undated-old", created_days_ago=9),
            _item("soon", due=date(2030, 1, 1)),
        ],
    )
    keys = [i.key for i in inbox_items_for_user(user=legal_advisor)]
    # The task (created now, no due date) waits less long than the undated item of 9 days.
    assert keys == ["soon", "late", "undated-old", f"task:{task.pk}"]


def test_registering_a_source_twice_under_one_name_lists_its_items_once(sources, drafter):
    for _ in range(2):
        register_inbox_source("test", lambda user: [_item("once")])
    assert [i.key for i in inbox_items_for_user(user=drafter)] == ["once"]


def test_an_inactive_person_gets_an_empty_inbox_from_every_source(sources, drafter):
    register_inbox_source("test", lambda user: [_item("x")])
    drafter.is_active = False
    assert inbox_items_for_user(user=drafter) == []


def test_the_inbox_page_paginates_the_merged_items_and_marks_overdue_ones(
    sources, client, legal_advisor
):
    register_inbox_source(
        "test",
        lambda user: [_item(f"k{n}", due=date(2020, 1, 1) + timedelta(days=n)) for n in range(60)],
    )
    client.force_login(legal_advisor)
    url = reverse("workbench:inbox:index")
    first = client.get(url).content.decode()
    assert first.count('data-testid="inbox-item"') == 50
    assert 'data-key="k0"' in first and 'data-key="k59"' not in first
    assert 'data-testid="inbox-overdue"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('data-testid="inbox-item"') == 10
    assert 'data-key="k59"' in second


def test_unit_ids_for_role_is_one_subquery_of_the_granted_units_only(
    legal_advisor, county, justice_bureau, township, django_assert_num_queries
):
    ids = unit_ids_for_role(user=legal_advisor, role="legal_advisor")
    with django_assert_num_queries(1):
        granted = set(Unit.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert granted == {county.pk, justice_bureau.pk}
    assert not Unit.objects.filter(pk__in=unit_ids_for_role(user=legal_advisor, role="drafter"))
    both = unit_ids_for_role(user=legal_advisor, role=("drafter", "legal_advisor"))
    assert township.pk not in set(Unit.objects.filter(pk__in=both).values_list("pk", flat=True))


def test_a_task_item_links_to_its_page_and_names_its_unit(sources, legal_advisor, justice_bureau):
    task = _start_review_for(justice_bureau)
    (item,) = inbox_items_for_user(user=legal_advisor)
    assert (item.kind, item.key, item.unit) == ("task", f"task:{task.pk}", str(justice_bureau))
    assert item.due is None
    assert isinstance(item.created, datetime)
