"""催办: the head of the unit whose task it is urges an open task from the inbox's 本单位 tab;
its holder (or, while nobody holds it, everyone it is offered to) is notified and the urging
is written to the decision's record. Anyone else is refused with 403."""

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from tests.decisions import conftest as decisions_fixtures
from workflows.clocks.models import Notification
from workflows.record.models import Event

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
INBOX = "workbench:inbox:index"


@pytest.fixture
def drive(people, catalogue_item):
    return decisions_fixtures.Driver(people, catalogue_item, flow=True)


@pytest.fixture
def draft(drive, people):
    """A decision of 司法局 waiting for its drafters' draft, which nobody has taken yet."""
    d = drive.initiate()
    return d, drive.processes[d.pk].task_set.get(flow_task=DecisionFlow.draft, status=STATUS.NEW)


def _urge(client, task):
    return client.post(reverse("workbench:inbox:urge", args=[task.pk]))


def _urged_events(decision):
    return Event.objects.filter(action="task.urged", object_id=str(decision.pk))


def test_the_unit_head_sees_the_units_open_task_and_urges_its_drafters(
    client, draft, people, make_person
):
    d, task = draft
    head, drafter = people["review_head"], people["drafter"]
    colleague = make_person("drafter2", people["bureau"], drafter=[people["bureau"]])
    client.force_login(head)

    unit_tab = client.get(reverse(INBOX), {"tab": "unit"})
    rows = {row.item.key: row for row in unit_tab.context["rows"]}
    assert rows[f"task:{task.pk}"].urgeable
    assert 'data-testid="inbox-urge"' in unit_tab.content.decode()

    response = _urge(client, task)

    assert response.status_code == 302
    told = Notification.objects.filter(title__contains="催办")
    assert sorted(n.recipient_id for n in told) == sorted([drafter.pk, colleague.pk])
    assert all(d.title in n.body for n in told)
    (event,) = _urged_events(d)
    assert event.actor_label and event.payload["unit"] == people["bureau"].pk
    assert event.payload["title"] == rows[f"task:{task.pk}"].item.title
    assert set(event.payload["recipient"].split("、")) == {
        p.get_full_name() or p.get_username() for p in (drafter, colleague)
    }
    assert not Notification.objects.filter(recipient=head).exists()


def test_a_held_task_is_urged_on_its_holder_only(client, draft, people, make_person):
    d, task = draft
    make_person("drafter2", people["bureau"], drafter=[people["bureau"]])
    task.owner, task.status = people["drafter"], STATUS.ASSIGNED
    task.save()
    client.force_login(people["review_head"])

    assert _urge(client, task).status_code == 302

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        people["drafter"].pk
    ]
    assert _urged_events(d).count() == 1


@pytest.mark.parametrize("who", ["drafter", "legal_advisor", "housing_head", "outsider"])
def test_anyone_but_the_head_of_the_tasks_unit_is_refused(client, draft, people, who):
    d, task = draft
    client.force_login(people[who])

    assert _urge(client, task).status_code == 403

    assert not Notification.objects.exists()
    assert not _urged_events(d).exists()


def test_urging_asks_for_a_post(client, draft, people):
    _d, task = draft
    client.force_login(people["review_head"])
    assert client.get(reverse("workbench:inbox:urge", args=[task.pk])).status_code == 405


def test_a_task_no_longer_open_is_not_urged(client, draft, people):
    d, task = draft
    task.status = STATUS.DONE
    task.save()
    client.force_login(people["review_head"])

    response = _urge(client, task)

    assert response.status_code == 302
    assert not Notification.objects.exists() and not _urged_events(d).exists()


def test_another_units_head_has_no_unit_tab_row_for_it(client, draft, people):
    _d, task = draft
    client.force_login(people["housing_head"])
    response = client.get(reverse(INBOX), {"tab": "unit"})
    assert f"task:{task.pk}" not in [row.item.key for row in response.context["rows"]]
