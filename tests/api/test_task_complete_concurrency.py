"""20 people completing the same task at once: exactly one succeeds, the rest get 409."""

import threading

import pytest
from django.db import connection
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from decisions.models import Stage
from decisions.services import decision_start
from tests.decisions.conftest import LEGAL_BASIS
from workflows.record.models import Event


@pytest.mark.django_db(transaction=True)
def test_of_20_simultaneous_completions_exactly_one_wins_and_the_rest_get_409(
    api, make_person, justice_bureau
):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (DATABASE_URL): row locks are the point.")
    drafters = [
        make_person(f"drafter{n}", justice_bureau, drafter=[justice_bureau]) for n in range(20)
    ]
    decision = decision_start(
        by=drafters[0],
        lead_unit=justice_bureau,
        out_of_catalogue_reason="上级临时交办",
        title="关于调整城区供热价格的决定",
        problem="供热成本上涨。",
        legal_basis=LEGAL_BASIS,
    )
    task = decision.process.task_set.get(flow_task=DecisionFlow.draft)
    body = {
        "action": "draft",
        "data": {
            "title": "关于调整城区供热价格的决定",
            "draft_text": "第一条 ……",
            "legal_basis": "《价格法》",
            "drafting_explanation": "起草说明",
            "start_decided_by": "县长",
            "start_decided_on": "2024-01-15",
            "start_reference": "县长批示〔2024〕3号",
            "submit": True,
        },
    }
    clients = [api(drafter) for drafter in drafters]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def complete(client):
        try:
            start.wait()
            response = client.post(f"/api/v1/tasks/{task.pk}/complete/", body, format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 19
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert task.owner in drafters
    decision.refresh_from_db()
    assert decision.stage == Stage.CONSULTATION
    submitted = Event.objects.filter(action="decision.draft_submitted")
    assert submitted.count() == 1
    assert submitted.get().actor_user_id == task.owner_id
    assert Event.objects.filter(action="decision.draft_saved").count() == 1
    assert decision.process.task_set.filter(flow_task=DecisionFlow.open_consultation).count() == 1
