"""Decisions by API: the register, initiation, every stage action, and task completion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from decisions import taskapi
from decisions.api import PAGE_ROUTES, TASK_ROUTES
from decisions.flows import DecisionFlow
from decisions.models import Decision, Stage
from tests.decisions.conftest import LEGAL_BASIS, RISK_OK
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def _start(api, people, catalogue_item, **extra):
    body = {
        "lead_unit": people["bureau"].pk,
        "catalogue_item": catalogue_item.pk,
        "title": "关于调整城区供热价格的决定",
        "problem": "供热成本上涨。",
        "legal_basis": LEGAL_BASIS,
        **extra,
    }
    response = api(people["drafter"]).post("/api/v1/decisions/", body, format="json")
    assert response.status_code == 201, response.json()
    return Decision.objects.get(pk=response.json()["id"])


DRAFT = {
    "title": "关于调整城区供热价格的决定",
    "draft_text": "第一条 ……",
    "legal_basis": "《价格法》",
    # Required at submission: the drafting explanation (第十四条) and the government's
    # decision to start (第十条).
    "drafting_explanation": "起草说明",
    "start_decided_by": "县长",
    "start_decided_on": "2024-01-15",
    "start_reference": "县长批示〔2024〕3号",
}


def test_every_action_of_every_task_page_has_a_route():
    routed = {(node, action) for node, action in TASK_ROUTES.values()}
    pages = {(node, a) for node, actions in taskapi.node_actions().items() for a in actions}
    assert routed == pages
    assert all(action in view.actions for view, action in PAGE_ROUTES.values())


def test_a_drafter_starts_a_decision_and_its_drafting_task_opens(api, people, catalogue_item):
    decision = _start(api, people, catalogue_item)
    detail = api(people["drafter"]).get(f"/api/v1/decisions/{decision.pk}/").json()
    assert detail["stage"] == Stage.DRAFTING
    assert [t["node"] for t in detail["open_tasks"]] == ["draft"]
    assert Event.objects.filter(action="decision.initiated").count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"lead_unit": 10**9}, "lead_unit"),
        ({"lead_unit": "x"}, "lead_unit"),
        ({"catalogue_item": 10**9}, "catalogue_item"),
        ({"title": ""}, "title"),
        ({"legal_basis": "not a list"}, "legal_basis"),
    ],
)
def test_a_bad_proposal_is_a_400_naming_the_field(api, people, catalogue_item, body, field):
    base = {
        "lead_unit": people["bureau"].pk,
        "catalogue_item": catalogue_item.pk,
        "title": "T",
        "problem": "P",
        "legal_basis": LEGAL_BASIS,
    }
    response = api(people["drafter"]).post("/api/v1/decisions/", {**base, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_proposal_missing_its_legal_basis_is_refused_by_the_service(api, people, catalogue_item):
    response = api(people["drafter"]).post(
        "/api/v1/decisions/",
        {
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "T",
            "problem": "P",
            "legal_basis": [],
        },
        format="json",
    )
    assert response.status_code == 400
    assert Decision.objects.count() == 0


# who × (own unit / other unit) × action → status. The decision's lead unit is 司法局.
MATRIX = [
    # person, GET detail, POST draft (save), POST create for 司法局
    ("drafter", 200, 200, 201),
    ("outsider", 404, 404, 403),  # a township drafter: another unit's draft does not exist
    ("legal_advisor", 200, 403, 403),  # sees 司法局's decisions, does not draft them
    ("archivist", 200, 403, 403),  # reads everything, acts on nothing
    # The government's secretary: a unit's draft is the unit's own until it reaches the
    # government's agenda (issue 16, decisions.selectors), so it does not exist for them yet.
    ("secretary", 404, 404, 403),
]


@pytest.mark.parametrize("who, read, draft, create", MATRIX)
def test_the_decision_permission_matrix(api, people, catalogue_item, who, read, draft, create):
    decision = _start(api, people, catalogue_item)
    client = api(people[who])
    assert client.get(f"/api/v1/decisions/{decision.pk}/").status_code == read
    response = client.post(f"/api/v1/decisions/{decision.pk}/draft/", DRAFT, format="json")
    assert response.status_code == draft, response.json()
    created = client.post(
        "/api/v1/decisions/",
        {
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "T",
            "problem": "P",
            "legal_basis": LEGAL_BASIS,
        },
        format="json",
    )
    assert created.status_code == create


def test_another_units_decision_is_indistinguishable_from_a_missing_one(
    api, people, catalogue_item
):
    decision = _start(api, people, catalogue_item)
    client = api(people["outsider"])
    for suffix in ("", "draft/", "seal/", "hearing-schedule/"):
        method = client.get if not suffix else client.post
        hidden = method(f"/api/v1/decisions/{decision.pk}/{suffix}", {}, format="json")
        missing = method(f"/api/v1/decisions/{decision.pk + 999}/{suffix}", {}, format="json")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
    assert client.get("/api/v1/decisions/").json()["results"] == []


def test_a_step_that_is_not_open_is_a_409(api, people, catalogue_item):
    decision = _start(api, people, catalogue_item)
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{decision.pk}/risk-assessment/", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "step_not_open"


def test_bad_fields_of_a_stage_action_are_a_400_naming_them(api, people, catalogue_item):
    decision = _start(api, people, catalogue_item)
    client = api(people["drafter"])
    wrong_type = client.post(
        f"/api/v1/decisions/{decision.pk}/draft/", {**DRAFT, "title": ["x"]}, format="json"
    )
    assert wrong_type.status_code == 400
    assert "title" in wrong_type.json()["errors"]
    missing = client.post(f"/api/v1/decisions/{decision.pk}/draft/", {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) >= {"title", "draft_text", "legal_basis"}


def test_the_list_filters_by_stage_unit_and_year(api, people, catalogue_item):
    decision = _start(api, people, catalogue_item)
    client = api(people["drafter"])
    year = decision.created_at.year

    def ids(query):
        response = client.get(f"/api/v1/decisions/?{query}")
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("stage=drafting") == [decision.pk]
    assert ids("stage=meeting") == []
    assert ids(f"unit={people['bureau'].pk}") == [decision.pk]
    assert ids(f"unit={people['county'].pk}") == []
    assert ids(f"year={year}") == [decision.pk]
    assert ids(f"year={year - 1}") == []


@pytest.mark.parametrize(
    "query", ["stage=nowhere", "unit=x", "unit=0", "year=99", "year=abc", "page_size=0"]
)
def test_a_bad_list_filter_is_a_400(api, people, query):
    response = api(people["drafter"]).get(f"/api/v1/decisions/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_the_list_costs_the_same_queries_for_1_or_50_decisions(
    api, people, catalogue_item, django_assert_num_queries
):
    for _ in range(6):
        _start(api, people, catalogue_item)
    client = api(people["drafter"])
    client.get("/api/v1/decisions/?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/decisions/?page_size=1")
    with django_assert_num_queries(len(one)):
        body = client.get("/api/v1/decisions/?page_size=50").json()
    assert len(body["results"]) == 6


def _task(decision, node):
    return decision.process.task_set.get(flow_task=getattr(DecisionFlow, node), status=STATUS.NEW)


def test_completing_the_drafting_task_moves_the_decision_on_as_the_page_does(
    api, people, catalogue_item
):
    decision = _start(api, people, catalogue_item)
    task = _task(decision, "draft")
    client = api(people["drafter"])
    response = client.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"action": "draft", "data": {**DRAFT, "submit": True}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["done"] is True
    assert response.json()["task"]["status"] == STATUS.DONE
    assert response.json()["decision"]["stage"] == Stage.CONSULTATION
    task.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == people["drafter"]
    decision.refresh_from_db()
    assert decision.process.task_set.filter(
        flow_task=DecisionFlow.open_consultation, status=STATUS.NEW
    ).exists()
    again = client.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"action": "draft", "data": {**DRAFT, "submit": True}},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "task_done"


def test_saving_without_submitting_keeps_the_task_open_and_claims_it(api, people, catalogue_item):
    decision = _start(api, people, catalogue_item)
    task = _task(decision, "draft")
    response = api(people["drafter"]).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"action": "draft", "data": DRAFT}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["done"] is False
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == people["drafter"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "fly"}, "action"),
        ({"action": "seal", "data": {}}, "action"),  # an action of another step
        ({"action": "draft", "data": "text"}, "data"),
        ({"action": "draft", "data": {"title": ["x"]}}, "data.title"),
        ({"action": "draft", "data": {}}, "data.draft_text"),
    ],
)
def test_a_bad_task_completion_is_a_400(api, people, catalogue_item, body, field):
    decision = _start(api, people, catalogue_item)
    task = _task(decision, "draft")
    response = api(people["drafter"]).post(
        f"/api/v1/tasks/{task.pk}/complete/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "who, code", [("outsider", 404), ("legal_advisor", 404), ("archivist", 403)]
)
def test_the_task_completion_matrix(api, people, catalogue_item, who, code):
    decision = _start(api, people, catalogue_item)
    task = _task(decision, "draft")
    response = api(people[who]).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"action": "draft", "data": DRAFT}, format="json"
    )
    assert response.status_code == code


def test_a_decision_goes_from_drafting_to_the_meeting_by_api(api, people, catalogue_item):
    """Not disclosable (第十四条): no consultation; risk assessment, legality review, package."""
    decision = _start(api, people, catalogue_item)
    drafter, advisor = api(people["drafter"]), api(people["legal_advisor"])
    url = f"/api/v1/decisions/{decision.pk}"

    def ok(client, route, body):
        response = client.post(f"{url}/{route}/", body, format="json")
        assert response.status_code == 200, (route, response.json())
        return response.json()

    ok(
        drafter,
        "draft",
        {
            **DRAFT,
            "not_disclosable": True,
            "not_disclosable_reason": "涉及国家秘密",
            "submit": True,
        },
    )
    risk = {"overall_level": "low", "contingency_plan": "应急预案"}
    for name, values in RISK_OK.items():
        risk.update({f"{name}_{key}": value for key, value in values.items()})
    ok(drafter, "risk-assessment", risk)
    # 第二十六条: the review office is left its 7 working days (Monday 6月15日 → 6月25日).
    ok(
        drafter,
        "legality-submit",
        {"procedures_account": "已开展风险评估", "opinion_needed_by": "2026-06-25"},
    )
    review = {"outcome": "lawful", "opinion": "经审查，合法。"}
    assert drafter.post(f"{url}/legality-review/", review, format="json").status_code == 403
    ok(advisor, "legality-review", review)
    # The review office's head approves: the numbered opinion is issued (第二十八条).
    assert (
        advisor.post(f"{url}/legality-approve/", {"confirm": True}, format="json").status_code
        == 403
    )
    ok(api(people["review_head"]), "legality-approve", {"confirm": True})
    body = ok(drafter, "package-check", {"confirm": True})
    assert body["stage"] == Stage.MEETING
    assert [t["node"] for t in body["open_tasks"]] == ["meeting"]
