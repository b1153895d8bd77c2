"""The inbox offers a task to the holders of a role for one unit, and to nobody else."""

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from workflows.inbox import may_act_on_task, tasks_for_user
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
    with django_assert_max_num_queries(12) as one:
        response = client.get(url)
    for _ in range(10):
        _start_review_for(justice_bureau)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["tasks"]) == 11
