"""The task list's page is read in one plain statement (``workflows.api.selectors.tasks_by_ids``)
and each task written directly by ``TaskSerializer.to_representation`` (issue 22). Both must
give what the ORM and DRF's declared fields give: the same tasks in the page's order, with
their process, owner and offers in the order they were made; the same JSON, key for key."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from viewflow.workflow.models import Task

from workflows.api.selectors import tasks_by_ids
from workflows.api.serializers import TaskSerializer
from workflows.models import TaskOffer

pytestmark = pytest.mark.django_db


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def tasks(inbox_task, justice_bureau, county, township, legal_advisor):
    """Three review tasks: one offered twice (a second offer made after the step's own), one
    claimed by the legal advisor, one finished."""
    offered, claimed, finished = (inbox_task(u) for u in (justice_bureau, county, township))
    TaskOffer.objects.create(task=offered, role="drafter", unit=county)
    Task.objects.filter(pk=claimed.pk).update(owner=legal_advisor, status="ASSIGNED")
    Task.objects.filter(pk=finished.pk).update(status="DONE")
    return [offered, claimed, finished]


def test_the_page_s_tasks_are_those_the_orm_reads_in_the_page_s_order(tasks):
    ids = [tasks[2].pk, tasks[0].pk, 10**12, tasks[1].pk]  # a missing id is skipped
    with CaptureQueriesContext(connection) as captured:
        got, offers = tasks_by_ids(ids)
        processes = [t.process for t in got]
        owners = [t.owner for t in got]
        units = [[o.unit for o in offers[t.pk]] for t in got]
    assert len(captured) == 1

    expected = [
        Task.objects.select_related("process", "owner").get(pk=pk)
        for pk in (tasks[2].pk, tasks[0].pk, tasks[1].pk)
    ]
    assert [fields_of(t) for t in got] == [fields_of(t) for t in expected]
    assert [fields_of(p) for p in processes] == [fields_of(t.process) for t in expected]
    assert owners == [t.owner for t in expected]
    assert owners[2] is not None
    assert {pk: [fields_of(o) for o in offered] for pk, offered in offers.items()} == {
        t.pk: [fields_of(o) for o in t.offers.order_by("pk")] for t in expected
    }
    assert units == [[o.unit for o in t.offers.order_by("pk")] for t in expected]
    assert [o.role for o in offers[tasks[0].pk]] == ["legal_advisor", "drafter"]


def test_an_empty_page_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert tasks_by_ids([]) == ([], {})


def test_a_task_is_written_as_its_declared_fields_write_it(tasks):
    got, offers = tasks_by_ids([t.pk for t in tasks])
    for task in got:
        direct = TaskSerializer(task, context={"offers": offers}).data
        walked = serializers.Serializer.to_representation(
            TaskSerializer(context={"offers": offers}), task
        )
        assert list(direct.items()) == list(walked.items())
        # Without the page's offers, the prefetched or related ones give the same.
        assert TaskSerializer(Task.objects.get(pk=task.pk)).data == direct


def test_the_list_answers_what_each_task_s_own_page_answers(api, legal_advisor, tasks):
    client = api(legal_advisor)
    listed = client.get("/api/v1/tasks/").json()["results"]
    assert {row["id"] for row in listed} == {tasks[0].pk, tasks[1].pk}
    for row in listed:
        assert client.get(f"/api/v1/tasks/{row['id']}/").json() == row
    [offered] = [row for row in listed if row["id"] == tasks[0].pk]
    assert [o["role"] for o in offered["offers"]] == ["legal_advisor", "drafter"]
    assert offered["offered_to"] == offered["offers"][0]
    [claimed] = [row for row in listed if row["id"] == tasks[1].pk]
    assert claimed["owner"] == legal_advisor.get_username()
