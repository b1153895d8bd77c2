"""The acting person's role over each (role, unit) a task is offered to, read with the task
(``permissions.offered_role_checks``), answers what ``has_role_in_unit`` answers; the offer
check read with it (``tasking._offer_check``) answers what ``inbox.may_act_on_task`` does."""

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.token import Token

from decisions.flows import DecisionFlow
from workflows import tasking, taskreread
from workflows.inbox import may_act_on_task
from workflows.models import TaskOffer
from workflows.permissions import (
    has_role_in_unit,
    offered_role_checks,
    role_checks_memoised,
    role_checks_remember,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(justice_bureau, county):
    """An open task of the draft step, offered to 司法局's drafters and the county's archivists."""
    process = Process.objects.create(flow_class=DecisionFlow)
    task = Task.objects.create(
        process=process,
        flow_task=DecisionFlow.draft,
        flow_task_type="HUMAN",
        status=STATUS.NEW,
        token=Token("start"),
    )
    TaskOffer.objects.create(task=task, role="drafter", unit=justice_bureau)
    TaskOffer.objects.create(task=task, role="archivist", unit=county)
    return task


@pytest.fixture
def people(make_person, justice_bureau, county, township):
    group_member = make_person("clerk", justice_bureau)
    group = Group.objects.create(name="司法局起草组")
    group_member.groups.add(group)
    assign_perm("workflows.act_as_drafter", group, justice_bureau)  # a grant to the group
    return {
        "direct": make_person("direct", justice_bureau, drafter=[justice_bureau]),
        "group": group_member,
        "none": make_person("nobody", justice_bureau),
        "elsewhere": make_person("elsewhere", township, drafter=[township], archivist=[township]),
        "both": make_person("both", county, drafter=[justice_bureau], archivist=[county]),
    }


def _read_checks(user, task):
    column = offered_role_checks(user=user, task_id_column=taskreread._task_id_column())
    if column is None:
        return None
    return Task.objects.annotate(checks=column).get(pk=task.pk).checks


@pytest.mark.parametrize("who", ["direct", "group", "none", "elsewhere", "both"])
def test_each_offered_pair_is_answered_as_has_role_in_unit_answers(people, task, who):
    user = people[who]
    with role_checks_memoised():
        answers = _read_checks(user, task)
    assert answers is not None
    offers = {(o.role, o.unit_id): o.unit for o in TaskOffer.objects.filter(task=task)}
    assert {(role, unit_id) for role, unit_id, _ in answers} == set(offers)
    for role, unit_id, held in answers:
        assert held == has_role_in_unit(user=user, role=role, unit=offers[(role, unit_id)])


def test_the_answers_read_are_remembered_within_the_block(
    people, task, justice_bureau, county, django_assert_num_queries
):
    user = people["direct"]
    with role_checks_memoised():
        role_checks_remember(user=user, answers=_read_checks(user, task))
        with django_assert_num_queries(0):
            assert has_role_in_unit(user=user, role="drafter", unit=justice_bureau)
            assert not has_role_in_unit(user=user, role="archivist", unit=county)


def test_a_task_offered_to_nobody_reads_no_answer(people, task):
    TaskOffer.objects.filter(task=task).delete()
    with role_checks_memoised():
        assert _read_checks(people["direct"], task) == []


def test_an_inactive_person_or_a_superuser_gets_none(people, task):
    inactive, superuser = people["direct"], people["both"]
    inactive.is_active = False
    superuser.is_superuser = True
    with role_checks_memoised():
        assert _read_checks(inactive, task) is None
        assert _read_checks(superuser, task) is None
        role_checks_remember(user=superuser, answers=[["drafter", 1, False]])
        role_checks_remember(user=inactive, answers=[["drafter", 1, True]])


def test_outside_a_memoised_block_nothing_is_read(people, task):
    assert _read_checks(people["direct"], task) is None


# --- the offer check read with the task ---------------------------------------------------------


def _offer_check_read(user, task):
    column = tasking._offer_check(user, task)
    return Task.objects.annotate(offered=column).get(pk=task.pk).offered


@pytest.mark.parametrize("who", ["direct", "group", "none", "elsewhere", "both"])
@pytest.mark.parametrize("state", ["new", "taken_by_other", "assigned_unowned", "done"])
def test_the_offer_check_read_with_the_task_answers_as_may_act_on_task(
    people, task, who, state, make_person, township
):
    user = people[who]
    if state == "taken_by_other":
        task.owner = make_person("other", township)
        task.status = STATUS.ASSIGNED
    elif state == "assigned_unowned":
        task.status = STATUS.ASSIGNED
    elif state == "done":
        task.status = STATUS.DONE
    task.save()
    assert _offer_check_read(user, task) == may_act_on_task(user=user, task=task)


@pytest.mark.parametrize("who", ["direct", "group", "none", "elsewhere", "both"])
def test_may_take_answers_the_same_with_the_read_answer_as_through_can_assign(people, task, who):
    user = people[who]
    plain = Task.objects.get(pk=task.pk)
    read = Task.objects.annotate(offered_to_user=tasking._offer_check(user, task)).get(pk=task.pk)
    assert tasking._can_assign_by_offers(read.flow_task)
    assert tasking.may_take(user, read) == tasking.may_take(user, plain)
    assert tasking.may_take(user, plain) == DecisionFlow.draft.can_assign(user, plain)


def test_the_read_answer_is_used_only_by_a_node_whose_can_assign_is_the_offer_check(task):
    class Stricter(type(DecisionFlow.draft)):
        def can_assign(self, user, task):
            return False

    node = Stricter.__new__(Stricter)
    assert not tasking._can_assign_by_offers(node)
    assert tasking._can_assign_by_offers(DecisionFlow.draft)


def test_an_inactive_person_gets_no_offer_check_column(people, task):
    user = people["direct"]
    user.is_active = False
    assert tasking._offer_check(user, task) is None
    assert not may_act_on_task(user=user, task=task)
