"""Where is the decision: its page says on which numbered session's agenda it is
(列入县政府第N次常务会议议题, 《重大行政决策程序暂行条例》第三十条) with a link to the session,
and the meeting step's page links to the session too (Django's client)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow

from .conftest import Driver

pytestmark = pytest.mark.django_db
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def detail(d) -> str:
    return reverse("decisions:register:detail", args=[d.pk])


def session_url(session) -> str:
    return reverse("decisions:sessions:detail", args=[session.pk])


def meeting_task_url(drive, d) -> str:
    task = drive.processes[d.pk].task_set.get(
        flow_task=DecisionFlow.meeting, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def test_the_decision_page_and_the_meeting_step_say_which_session_and_link_to_it(
    client, people, catalogue_item
):
    drive = Driver(people, catalogue_item, flow=True)
    d = drive.up_to_meeting()
    client.force_login(people["drafter"])
    assert 'data-testid="on-agenda"' not in body_of(client.get(detail(d)))
    client.force_login(people["secretary"])
    assert 'data-testid="meeting-session"' not in body_of(client.get(meeting_task_url(drive, d)))

    drive.plan_session(held_at=NINE_AM_SHANGHAI)  # 第1次, another item's
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)  # 第2次
    drive.schedule(d, session)

    client.force_login(people["drafter"])
    page = body_of(client.get(detail(d)))
    assert f'data-testid="on-agenda" data-session="{session.pk}" data-outcome=""' in page
    assert "列入乌恰县人民政府第2次常务会议议题" in page
    assert f'<a href="{session_url(session)}" data-testid="session-link">' in page
    assert "2026-06-15 09:00" in page and "尚未作出决定" in page
    assert body_of(client.get(session_url(session)))  # the drafter may open it

    client.force_login(people["secretary"])
    task_page = body_of(client.get(meeting_task_url(drive, d)))
    assert f'data-testid="meeting-session" data-session="{session.pk}"' in task_page
    assert f'<a href="{session_url(session)}" data-testid="session-link">' in task_page
    assert "列入乌恰县人民政府第2次常务会议议题" in task_page

    # Opened, the step still links to it while the head has not decided.
    drive.open_session(session)
    task_page = body_of(client.get(meeting_task_url(drive, d)))
    assert f'data-testid="meeting-session" data-session="{session.pk}"' in task_page
    assert 'data-testid="meeting"' in task_page

    # Decided: the decision page says what the session decided.
    meeting = d.agenda_items.get().deliberation
    drive.statements(meeting, ["support"] * 4)
    drive.step(
        d,
        "meeting",
        people["secretary"],
        lambda: s.meeting_decide(
            meeting=meeting, by=people["secretary"], head_decision="adopt", statement="通过。"
        ),
    )
    client.force_login(people["drafter"])
    page = body_of(client.get(detail(d)))
    assert f'data-testid="on-agenda" data-session="{session.pk}" data-outcome="adopt"' in page
    assert "尚未作出决定" not in page


def test_a_person_who_may_not_see_the_session_gets_its_name_without_a_link(
    client, people, catalogue_item
):
    from decisions.selectors import decisions_visible_to
    from decisions.session_selectors import sessions_visible_to

    drive = Driver(people, catalogue_item)
    d = drive.up_to_meeting()
    session = drive.adopt(d).item.session
    drive.publish(d)
    # The publisher sees the decision it published; the session pages are the government's.
    publisher = people["publisher"]
    assert decisions_visible_to(user=publisher).filter(pk=d.pk).exists()
    assert not sessions_visible_to(publisher).filter(pk=session.pk).exists()

    client.force_login(publisher)
    page = body_of(client.get(detail(d)))

    assert f'data-testid="on-agenda" data-session="{session.pk}" data-outcome="adopt"' in page
    assert "列入乌恰县人民政府第1次常务会议议题" in page
    assert session_url(session) not in page
