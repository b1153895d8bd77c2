"""My deadlines and my notifications by API; nobody else's, ever."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.clocks.models import Notification
from workflows.clocks.services import notification_create

pytestmark = pytest.mark.django_db


# --- deadlines ------------------------------------------------------------------------------

MATRIX = [
    # (person, whose deadline, GET detail)
    ("drafter", "responsible", 200),  # named responsible
    ("unit_head", "responsible", 200),  # head of the responsible unit
    ("legal_advisor", "responsible", 404),  # same unit, not responsible
    ("outsider", "responsible", 404),
    ("archivist", "responsible", 404),  # "mine" means mine, for everybody
]


@pytest.mark.parametrize("who, _, expected", MATRIX)
def test_the_deadline_permission_matrix(
    api, request, drafter, unit_head, justice_bureau, make_deadline, who, _, expected
):
    deadline = make_deadline(justice_bureau, [drafter])
    client = api(request.getfixturevalue(who))
    assert client.get(f"/api/v1/deadlines/{deadline.pk}/").status_code == expected
    listed = [row["id"] for row in client.get("/api/v1/deadlines/").json()["results"]]
    assert listed == ([deadline.pk] if expected == 200 else [])


def test_overdue_filters_running_clocks_past_their_due_date(
    api, drafter, justice_bureau, make_deadline
):
    today = datetime.date.today()
    late = make_deadline(justice_bureau, [drafter], due=today - datetime.timedelta(days=1))
    marked = make_deadline(justice_bureau, [drafter], status="overdue")
    on_time = make_deadline(justice_bureau, [drafter], due=today + datetime.timedelta(days=3))
    make_deadline(justice_bureau, [drafter], due=today - datetime.timedelta(days=2), status="met")
    client = api(drafter)
    overdue = client.get("/api/v1/deadlines/?overdue=true").json()["results"]
    assert {row["id"] for row in overdue} == {late.pk, marked.pk}
    assert all(row["is_overdue"] for row in overdue)
    not_overdue = client.get("/api/v1/deadlines/?overdue=false").json()["results"]
    assert on_time.pk in {row["id"] for row in not_overdue}
    assert not {late.pk, marked.pk} & {row["id"] for row in not_overdue}


def test_a_deadline_carries_its_rule_and_legal_source(api, drafter, justice_bureau, make_deadline):
    deadline = make_deadline(justice_bureau, [drafter])
    body = api(drafter).get(f"/api/v1/deadlines/{deadline.pk}/").json()
    assert body["legal_source"] == "《重大行政决策程序暂行条例》第十四条"
    assert body["subject"] == f"workflows.unit:{justice_bureau.pk}"
    assert body["due"] == deadline.due.isoformat()


def test_the_deadline_list_costs_the_same_queries_for_1_or_50(
    api, drafter, justice_bureau, township, make_deadline, django_assert_num_queries
):
    for n in range(12):
        make_deadline(justice_bureau if n % 2 else township, [drafter])
    client = api(drafter)
    client.get("/api/v1/deadlines/?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/deadlines/?page_size=1")
    with django_assert_num_queries(len(one)):
        assert len(client.get("/api/v1/deadlines/?page_size=50").json()["results"]) == 12


# --- notifications --------------------------------------------------------------------------


def test_i_list_only_my_notifications(api, drafter, outsider):
    mine = notification_create(recipient=drafter, title="Due soon")
    notification_create(recipient=outsider, title="Not yours")
    rows = api(drafter).get("/api/v1/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def test_marking_somebody_elses_notification_read_is_a_404(api, drafter, outsider):
    theirs = notification_create(recipient=outsider, title="Not yours")
    client = api(drafter)
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/mark-read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_my_notification_read_twice_is_harmless(api, drafter):
    mine = notification_create(recipient=drafter, title="Due soon")
    client = api(drafter)
    first = client.post(f"/api/v1/notifications/{mine.pk}/mark-read/")
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    second = client.post(f"/api/v1/notifications/{mine.pk}/mark-read/")
    assert second.status_code == 200
    assert second.json()["read_at"] == first.json()["read_at"]


def test_mark_all_read_touches_only_my_unread_notifications(api, drafter, outsider):
    for n in range(3):
        notification_create(recipient=drafter, title=f"n{n}")
    theirs = notification_create(recipient=outsider, title="Not yours")
    client = api(drafter)
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] != []
    assert client.post("/api/v1/notifications/mark-all-read/").json() == {"marked": 3}
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []
    assert client.post("/api/v1/notifications/mark-all-read/").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_notification_list_costs_the_same_queries_for_1_or_50(
    api, drafter, django_assert_num_queries
):
    for n in range(12):
        notification_create(recipient=drafter, title=f"n{n}")
    client = api(drafter)
    client.get("/api/v1/notifications/?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/notifications/?page_size=1")
    with django_assert_num_queries(len(one)):
        assert len(client.get("/api/v1/notifications/?page_size=50").json()["results"]) == 12
