"""Numbered sessions by API (第三十条): what a decision's ``meeting-schedule`` references, who
may take part in one (``members``), and who plans, opens and concludes them."""

from datetime import UTC, datetime

import pytest

from tests.decisions.conftest import Driver

pytestmark = pytest.mark.django_db
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


def _plan(client, people):
    return client.post(
        "/api/v1/sessions/",
        {
            "government": people["county"].pk,
            "kind": "executive",
            "held_at": "2026-06-15T09:00:00+08:00",
            "principal": people["principal"].pk,
        },
        format="json",
    )


def test_only_the_meeting_secretary_plans_a_session(api, people):
    assert _plan(api(people["drafter"]), people).status_code == 403
    response = _plan(api(people["secretary"]), people)
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "乌恰县人民政府第1次常务会议"
    assert response.json()["status"] == "planned"


def test_the_members_are_the_people_the_attendance_takes_the_chair_left_out(api, people):
    session = _plan(api(people["secretary"]), people).json()
    members = api(people["secretary"]).get(f"/api/v1/sessions/{session['id']}/members/").json()
    assert [m["id"] for m in members["results"]] == [p.pk for p in people["members"]]


def test_a_session_not_in_session_is_a_409_and_an_undecided_agenda_a_400(
    api, people, catalogue_item
):
    drive = Driver(people, catalogue_item)
    d = drive.up_to_meeting()
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    secretary = api(people["secretary"])
    url = f"/api/v1/sessions/{session.pk}"
    planned = secretary.post(f"{url}/conclude/", format="json")
    assert planned.status_code == 409 and planned.json()["code"] == "session_not_open"
    drive.schedule(d, session)
    opened = secretary.post(
        f"{url}/open/", {"present": [p.pk for p in people["members"]]}, format="json"
    )
    assert opened.status_code == 200, opened.content
    again = secretary.post(f"{url}/open/", {"present": []}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "session_open"
    undecided = secretary.post(f"{url}/conclude/", format="json")
    assert undecided.status_code == 400 and undecided.json()["code"] == "items_undecided"
