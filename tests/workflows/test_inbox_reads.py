"""What the inbox reads once per request (issue 22): the person's grants and groups in one
statement that also answers ``has_role``, and the tasks of a page with everything shown of
them in one statement, however many they are. Nothing of it outlives the request: a role
granted or revoked counts at the next one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support import page_statements
from workflows.inbox import role_grants_for
from workflows.inbox.reads import _items_by_id, _task_url
from workflows.permissions import has_role, role_grant, role_revoke
from workflows.testing.flows import InboxTestFlow

pytestmark = pytest.mark.django_db

INBOX = "workbench:inbox:index"


def _start_review_for(unit):
    process = InboxTestFlow.start.run(unit_id=unit.pk)
    return process.task_set.get(flow_task=InboxTestFlow.review)


def _statements(client, url) -> tuple[list[str], str]:
    sent, response = page_statements(client, url)
    return sent, response.content.decode()


def test_has_role_asks_nothing_once_the_grants_were_read(legal_advisor, django_assert_num_queries):
    person = get_user_model().objects.get(pk=legal_advisor.pk)  # nothing read yet
    role_grants_for(user=person)
    with django_assert_num_queries(0):
        assert has_role(user=person, role="legal_advisor")
        assert not has_role(user=person, role="drafter")


def test_has_role_knows_every_group_the_grants_read_found(legal_advisor, django_assert_num_queries):
    from django.contrib.auth.models import Group

    legal_advisor.groups.add(Group.objects.create(name="not_a_role"))
    person = get_user_model().objects.get(pk=legal_advisor.pk)
    role_grants_for(user=person)
    with django_assert_num_queries(0):
        assert has_role(user=person, role="not_a_role")


def test_a_role_granted_or_revoked_counts_at_the_next_read(drafter, justice_bureau):
    person = get_user_model().objects.get(pk=drafter.pk)
    assert not has_role(user=person, role="legal_advisor")
    role_grant(user=person, role="legal_advisor", unit=justice_bureau)
    assert "legal_advisor" in role_grants_for(user=person).offered_roles()
    assert has_role(user=person, role="legal_advisor")
    role_revoke(user=person, role="legal_advisor", unit=justice_bureau)
    assert not has_role(user=person, role="legal_advisor")
    assert "legal_advisor" not in role_grants_for(user=person).groups
    assert not has_role(user=person, role="legal_advisor")


def test_a_role_granted_between_two_requests_shows_on_the_next_page(
    client, drafter, justice_bureau
):
    task = _start_review_for(justice_bureau)
    client.force_login(drafter)
    _sent, page = _statements(client, reverse(INBOX))
    assert f'data-key="task:{task.pk}"' not in page
    role_grant(user=drafter, role="legal_advisor", unit=justice_bureau)
    _sent, page = _statements(client, reverse(INBOX))
    assert f'data-key="task:{task.pk}"' in page
    role_revoke(user=drafter, role="legal_advisor", unit=justice_bureau)
    _sent, page = _statements(client, reverse(INBOX))
    assert f'data-key="task:{task.pk}"' not in page


def test_the_inbox_page_reads_the_persons_groups_once(client, legal_advisor, justice_bureau):
    _start_review_for(justice_bureau)
    client.force_login(legal_advisor)
    client.get(reverse(INBOX))  # warm caches (content types, session)
    sent, page = _statements(client, reverse(INBOX))
    assert 'data-kind="task"' in page
    # The grants' statement, and no other: ``has_role`` (the menu) finds what it read.
    assert len([sql for sql in sent if "auth_user_groups" in sql]) == 1


def test_the_inbox_page_sends_at_most_eleven_statements_however_many_tasks(
    client, legal_advisor, justice_bureau
):
    _start_review_for(justice_bureau)
    client.force_login(legal_advisor)
    client.get(reverse(INBOX))
    one, _page = _statements(client, reverse(INBOX))
    for _ in range(10):
        _start_review_for(justice_bureau)
    eleven, page = _statements(client, reverse(INBOX))
    assert page.count('data-kind="task"') == 11
    # Session, user, grants and groups, the queue's head, whether it is walked from the
    # clocks, the page of tasks with its count, the tasks with all they show, each source's
    # items, the unit filter's names, the unread notifications.
    assert len(eleven) == len(one) <= 11


@pytest.mark.parametrize("clocked", [True, False])
def test_the_tasks_of_a_page_are_read_in_one_statement_however_many(
    legal_advisor, justice_bureau, django_assert_num_queries, clocked
):
    grants = role_grants_for(user=legal_advisor)
    tasks = [_start_review_for(justice_bureau) for _ in range(4)]
    with django_assert_num_queries(1):
        (one,) = _items_by_id([tasks[0].pk], grants, clocked=clocked).values()
    with django_assert_num_queries(1):
        four = _items_by_id([t.pk for t in tasks], grants, clocked=clocked)
    assert sorted(four) == sorted(t.pk for t in tasks)
    assert four[tasks[0].pk] == one
    assert one.url == _task_url(tasks[0])  # the test flow has no pages: ""
    assert one.unit == str(justice_bureau)
    assert one.unit_ids == (justice_bureau.pk,)
