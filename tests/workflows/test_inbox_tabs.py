"""The inbox's tabs as in government OA systems: 待办 (the open tasks offered to me or held by
me), 已办 (tasks I completed whose process still runs), 办结 (processes I took part in that have
ended); each task named by its step and the stage its subject stands at; narrowed by process
and by unit from the query string."""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from tests.decisions import conftest as decisions_fixtures
from workflows.inbox import (
    InboxFilter,
    done_tasks,
    ended_tasks,
    inbox_for_user,
    inbox_items_for_user,
    role_grants_for,
)

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
URL = "workbench:inbox:index"


@pytest.fixture
def drive(people, catalogue_item):
    return decisions_fixtures.Driver(people, catalogue_item, flow=True)


def _keys(rows):
    return [row.key for row in rows]


def _tab(client, tab, **query):
    response = client.get(reverse(URL), {"tab": tab, **query})
    assert response.status_code == 200
    return [row.item for row in response.context["rows"]]


def test_after_a_step_the_drafter_finds_it_under_done_and_the_next_one_to_do(client, drive, people):
    drafter = people["drafter"]
    d = drive.initiate()
    process = drive.processes[d.pk]
    drive.step(d, "draft", drafter, lambda: s.decision_draft_submit(decision=d, by=drafter))
    draft = process.task_set.get(flow_task=DecisionFlow.draft)
    following = process.task_set.get(flow_task=DecisionFlow.open_consultation)
    client.force_login(drafter)

    todo = _tab(client, "todo")
    done = _tab(client, "done")

    assert f"task:{following.pk}" in _keys(todo) and f"task:{draft.pk}" not in _keys(todo)
    assert _keys(done) == [f"task:{draft.pk}"]
    assert done[0].done_at == draft.finished
    assert _tab(client, "ended") == []
    # The stage is where the decision stands, not the process's name.
    (row,) = [i for i in todo if i.key == f"task:{following.pk}"]
    assert row.stage == str(d.__class__.objects.get(pk=d.pk).get_stage_display())
    assert row.stage != str(DecisionFlow.process_title)


def test_when_the_process_ends_the_drafter_finds_it_concluded_and_no_longer_done(
    client, drive, people
):
    p = people
    d = drive.up_to_meeting()
    process = drive.processes[d.pk]
    drive.adopt(d)
    drive.publish(d)
    drive.step(d, "archive", p["archivist"], lambda: s.decision_seal(decision=d, by=p["archivist"]))
    process.refresh_from_db()
    assert process.status == STATUS.DONE
    last = (
        Task.objects.filter(process=process, owner=p["drafter"], status=STATUS.DONE)
        .order_by("-finished")
        .first()
    )
    client.force_login(p["drafter"])

    assert _tab(client, "done") == []
    (ended,) = _tab(client, "ended")
    assert ended.key == f"task:{last.pk}" and ended.subject == d.title
    # The same lists, read through the selectors.
    grants = role_grants_for(user=p["drafter"])
    assert list(done_tasks(user=p["drafter"], grants=grants)) == []
    assert _keys(ended_tasks(user=p["drafter"], grants=grants)) == [f"task:{last.pk}"]
    page = client.get(reverse(URL), {"tab": "ended"}).content.decode()
    assert f'data-key="task:{last.pk}"' in page and 'aria-current="page"' in page


def test_the_process_filter_keeps_one_process_and_the_unit_filter_one_unit(client, drive, people):
    drafter = people["drafter"]
    d = drive.initiate()
    draft = drive.processes[d.pk].task_set.get(flow_task=DecisionFlow.draft)
    key = f"task:{draft.pk}"

    assert key in _keys(inbox_items_for_user(user=drafter))
    only_decisions = inbox_for_user(user=drafter, flt=InboxFilter(process="decisions"))
    assert key in _keys(only_decisions)
    assert key not in _keys(inbox_for_user(user=drafter, flt=InboxFilter(process="normdocs")))
    bureau, housing = people["bureau"], people["housing"]
    assert key in _keys(inbox_for_user(user=drafter, flt=InboxFilter(unit=bureau.pk)))
    assert key not in _keys(inbox_for_user(user=drafter, flt=InboxFilter(unit=housing.pk)))

    client.force_login(drafter)
    assert key in _keys(_tab(client, "todo", process="decisions", unit=bureau.pk))
    assert key not in _keys(_tab(client, "todo", process="normdocs"))
    # A unit the person holds no role for is not a filter they may set: ignored.
    assert key in _keys(_tab(client, "todo", unit=housing.pk))


def test_an_unknown_tab_shows_the_inbox(client, drive, people):
    d = drive.initiate()
    draft = drive.processes[d.pk].task_set.get(flow_task=DecisionFlow.draft)
    client.force_login(people["drafter"])
    response = client.get(reverse(URL), {"tab": "nonsense"})
    assert response.context["tab"] == "todo"
    assert f"task:{draft.pk}" in _keys(r.item for r in response.context["rows"])
    # Only a unit head has the 本单位 tab.
    assert "unit" not in [key for key, _name, _url in response.context["tabs"]]


def test_the_todo_row_of_a_decision_task_shows_its_step_name_in_chinese(client, drive, people):
    d = drive.initiate()
    draft = drive.processes[d.pk].task_set.get(flow_task=DecisionFlow.draft)
    client.force_login(people["drafter"])
    (item,) = [i for i in _tab(client, "todo") if i.key == f"task:{draft.pk}"]
    assert item.title and not item.title.isascii()
