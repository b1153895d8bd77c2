"""My inbox by API, and claiming a task: exactly one of simultaneous claims wins."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.record.models import Event
from workflows.record.selectors import events_for


@pytest.mark.django_db
def test_the_inbox_lists_the_tasks_offered_to_me(api, legal_advisor, justice_bureau, inbox_task):
    task = inbox_task(justice_bureau)
    body = api(legal_advisor).get("/api/v1/tasks/").json()
    assert [row["id"] for row in body["results"]] == [task.pk]
    row = body["results"][0]
    assert row["status"] == STATUS.NEW
    assert row["node"] == "review"
    assert row["offered_to"] == {
        "role": "legal_advisor",
        "unit": {"id": justice_bureau.pk, "name": justice_bureau.name},
    }


# The matrix: who × whose task × action → status code.
MATRIX = [
    # (person, task's unit, GET detail, POST claim)
    ("legal_advisor", "justice_bureau", 200, 200),  # offered to my role in my unit
    ("legal_advisor", "township", 404, 404),  # another unit's task does not exist for me
    ("drafter", "justice_bureau", 404, 404),  # my unit, but offered to another role
    ("outsider", "justice_bureau", 404, 404),
    ("archivist", "justice_bureau", 200, 403),  # reads everything, acts on nothing
    ("administrator", "township", 200, 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("who, unit, read, claim", MATRIX)
def test_the_task_permission_matrix(
    api, request, inbox_task, administrator, who, unit, read, claim
):
    task = inbox_task(request.getfixturevalue(unit))
    client = api(request.getfixturevalue(who))
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == read
    response = client.post(f"/api/v1/tasks/{task.pk}/claim/")
    assert response.status_code == claim
    assert set(response.json()) >= ({"id"} if claim == 200 else {"detail", "code", "errors"})


@pytest.mark.django_db
def test_a_404_for_another_units_task_is_indistinguishable_from_a_missing_one(
    api, legal_advisor, township, inbox_task
):
    hidden = inbox_task(township)
    client = api(legal_advisor)
    invisible = client.post(f"/api/v1/tasks/{hidden.pk}/claim/")
    missing = client.post(f"/api/v1/tasks/{hidden.pk + 1000}/claim/")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json()


@pytest.mark.django_db
def test_a_claimed_task_leaves_the_other_inboxes_and_a_second_claim_is_a_409(
    api, legal_advisor, make_person, justice_bureau, inbox_task
):
    colleague = make_person("colleague", justice_bureau, legal_advisor=[justice_bureau])
    task = inbox_task(justice_bureau)
    won = api(colleague).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert won.status_code == 200
    assert won.json()["owner"] == "colleague"
    assert won.json()["status"] == STATUS.ASSIGNED
    assert api(legal_advisor).get("/api/v1/tasks/").json()["results"] == []
    late = api(legal_advisor).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert late.status_code == 409
    assert late.json()["code"] == "task_taken"
    again = api(colleague).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert again.status_code == 409
    assert [e.action for e in events_for(task.process)] == ["task.claimed"]


@pytest.mark.django_db
def test_claiming_a_finished_task_is_a_409(api, legal_advisor, justice_bureau, inbox_task):
    task = inbox_task(justice_bureau)
    Task.objects.filter(pk=task.pk).update(status=STATUS.DONE)
    assert api(legal_advisor).post(f"/api/v1/tasks/{task.pk}/claim/").status_code == 409


@pytest.mark.django_db
def test_the_inbox_costs_the_same_queries_for_1_or_50_tasks(
    api, legal_advisor, justice_bureau, county, inbox_task, django_assert_num_queries
):
    for n in range(12):
        inbox_task(justice_bureau if n % 2 else county)
    client = api(legal_advisor)
    client.get("/api/v1/tasks/?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/tasks/?page_size=1")
    with django_assert_num_queries(len(one)):
        body = client.get("/api/v1/tasks/?page_size=50").json()
    assert len(body["results"]) == 12


@pytest.mark.django_db(transaction=True)
def test_of_20_simultaneous_claims_exactly_one_wins_and_the_rest_get_409(
    api, make_person, justice_bureau, inbox_task
):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (DATABASE_URL): row locks are the point.")
    advisors = [
        make_person(f"advisor{n}", justice_bureau, legal_advisor=[justice_bureau])
        for n in range(20)
    ]
    task = inbox_task(justice_bureau)
    clients = [api(advisor) for advisor in advisors]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def claim(client):
        try:
            start.wait()
            response = client.post(f"/api/v1/tasks/{task.pk}/claim/")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 19
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED
    assert task.owner in advisors
    claimed = Event.objects.filter(action="task.claimed")
    assert claimed.count() == 1
    assert claimed.get().actor_user_id == task.owner_id
