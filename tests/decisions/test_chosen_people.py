"""The people chosen for a step receive it: an expert the lead unit chooses is told and finds the
opinion in their inbox until they give it or are withdrawn (第十九条至第二十一条); a risk
assessor the lead unit commissions is offered the risk assessment beside its drafters and does
it on the task page (第二十二条)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.inbox import decision_inbox_items
from decisions.models import Stage
from workflows.clocks.models import Notification
from workflows.inbox import inbox_items_for_user, task_offer, task_offer_many, tasks_for_user
from workflows.models import TaskOffer

from .conftest import RISK_OK

pytestmark = pytest.mark.django_db


def _act(process, node, user, action):
    """Take the open task ``node`` as ``user``, do the work, finish the task."""
    task = _open_task(process, node)
    with task.activation() as activation:
        activation.assign(user)
        activation.start(None)
        action()
        activation.execute()


def _open_task(process, node):
    return process.task_set.get(
        flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


@pytest.fixture
def assessing(drive, people):
    """A technical decision not to be disclosed (no consultation), past drafting: expert
    argumentation and the risk assessment are open side by side."""
    d = drive.initiate(
        not_disclosable=True,
        not_disclosable_reason="涉及国家秘密",
        expert_argumentation_needed=True,
    )
    _act(
        DecisionFlow.start.run(decision=d),
        "draft",
        people["drafter"],
        lambda: s.decision_draft_submit(decision=d, by=people["drafter"]),
    )
    d.refresh_from_db()
    assert d.stage == Stage.ASSESSMENT
    return d


@pytest.fixture
def pooled(people):
    expert = people["expert"]
    expert.email = "zhanghua@example.org"
    expert.save(update_fields=["email"])
    return s.expert_register(user=expert, fields=["价格"], by=people["legal_advisor"])


def _keys(user) -> list[str]:
    return [item.key for item in inbox_items_for_user(user=user)]


# --- experts ----------------------------------------------------------------------------------


def test_a_chosen_expert_is_notified_in_chinese_and_by_email_when_chosen(
    assessing, pooled, people, mailoutbox, django_capture_on_commit_callbacks
):
    expert = people["expert"]
    with django_capture_on_commit_callbacks(execute=True):
        s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])

    (notice,) = Notification.objects.filter(recipient=expert)
    assert notice.title == f"请就“{assessing.title}”提出专家论证意见"
    assert "专家库" in notice.body
    assert notice.url == reverse("decisions:register:opinion", kwargs={"pk": assessing.pk})
    (mail,) = mailoutbox
    assert mail.to == ["zhanghua@example.org"] and mail.subject == notice.title


def test_choosing_an_expert_again_tells_them_nothing_new(assessing, pooled, people):
    for _ in range(2):
        s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    assert Notification.objects.filter(recipient=people["expert"]).count() == 1


def test_a_refused_choice_tells_the_expert_nothing(assessing, pooled, people):
    s.expert_interest_declare(
        expert=pooled, description="其配偶在司法局任职", unit=people["bureau"]
    )
    with pytest.raises(ValidationError) as refused:
        s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    assert refused.value.code == "expert_conflict_of_interest"
    assert not Notification.objects.filter(recipient=people["expert"]).exists()


def test_a_chosen_expert_has_an_inbox_item_linking_to_the_opinion_page(
    assessing, pooled, people, client
):
    (selection,) = s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    expert = people["expert"]

    (item,) = [i for i in inbox_items_for_user(user=expert) if i.kind != "task"]
    assert item.key == f"expert_opinion:{selection.pk}"
    assert item.kind == "decisions.expert_opinion"
    assert item.url == reverse("decisions:register:opinion", kwargs={"pk": assessing.pk})
    assert item.subject == assessing.title and item.unit == str(people["bureau"])
    assert item.due is None  # no clock runs for an opinion

    client.force_login(expert)
    page = client.get(reverse("workbench:inbox:index")).content.decode()
    assert f'data-key="expert_opinion:{selection.pk}"' in page
    assert "提出专家论证意见" in page
    assert client.get(item.url).status_code == 200  # the link works for the expert


def test_an_expert_not_chosen_has_no_item(assessing, pooled, people, make_person):
    other = make_person("expert2", people["county"], expert=[people["county"]])
    s.expert_register(user=other, fields=["环境"], by=people["legal_advisor"])
    s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    assert decision_inbox_items(other) == []


def test_the_item_goes_once_the_expert_gives_the_opinion(assessing, pooled, people):
    (selection,) = s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    key = f"expert_opinion:{selection.pk}"
    assert key in _keys(people["expert"])

    s.expert_opinion_submit(decision=assessing, by=people["expert"], text="可行", signed=True)

    assert key not in _keys(people["expert"])


def test_withdrawing_the_selection_removes_the_item_and_tells_the_expert_why(
    assessing, pooled, people
):
    (selection,) = s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    key = f"expert_opinion:{selection.pk}"
    assert key in _keys(people["expert"])

    s.expert_selection_withdraw(selection=selection, by=people["drafter"], reason="因病不能参加")

    assert key not in _keys(people["expert"])
    notice = Notification.objects.filter(recipient=people["expert"]).first()  # newest first
    assert notice.title == f"不再需要您就“{assessing.title}”提出专家论证意见"
    assert "因病不能参加" in notice.body
    assert notice.url == reverse("decisions:register:detail", kwargs={"pk": assessing.pk})


def test_the_expert_items_cost_the_same_queries_for_one_decision_or_five(
    drive, people, pooled, make_person
):
    """The decisions' inbox source reads its items in a constant number of queries."""

    def choose_on_a_new_decision():
        d = drive.initiate(
            expert_argumentation_needed=True, not_disclosable=True, not_disclosable_reason="秘密"
        )
        s.decision_draft_submit(decision=d, by=people["drafter"])
        s.experts_choose(decision=d, by=people["drafter"], experts=[pooled])

    choose_on_a_new_decision()
    with CaptureQueriesContext(connection) as one:
        assert len(decision_inbox_items(people["expert"])) == 1
    for _ in range(4):
        choose_on_a_new_decision()
    with CaptureQueriesContext(connection) as five:
        assert len(decision_inbox_items(people["expert"])) == 5
    assert len(five) == len(one)


# --- the risk assessor ----------------------------------------------------------------------------


def _task_url(task) -> str:
    get_resolver().url_patterns  # noqa: B018 - builds the site, which names the flow's nodes
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def _risk_post() -> dict:
    data = {"overall_level": "low", "contingency_plan": "预案", "third_party": "某评估机构"}
    for name in RISK_OK:
        data.update(
            {f"{name}_level": "low", f"{name}_risk_points": "点", f"{name}_mitigations": "措施"}
        )
    return {"action": "assess", **{f"assess-{k}": v for k, v in data.items()}}


def test_a_risk_assessor_of_the_lead_unit_gets_the_risk_assessment_and_does_it_on_its_page(
    assessing, people, make_person, client
):
    assessor = make_person("third_party", people["county"], risk_assessor=[people["bureau"]])
    task = _open_task(assessing.process, "risk_assessment")

    (item,) = [i for i in inbox_items_for_user(user=assessor) if i.key == f"task:{task.pk}"]
    assert item.unit == str(people["bureau"])
    client.force_login(assessor)
    page = client.get(reverse("workbench:inbox:index")).content.decode()
    assert f'data-key="task:{task.pk}"' in page

    url = _task_url(task)
    assert client.get(url).status_code == 200
    response = client.post(url, _risk_post())
    assert response.status_code == 302, response.content.decode()[-2000:]

    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.DONE, assessor)
    assessment = assessing.risk_assessments.get()
    assert assessment.assessor == assessor and assessment.third_party == "某评估机构"
    # The drafter's copy of the offer went with the task: nothing left in their inbox for it.
    assert not tasks_for_user(user=people["drafter"]).filter(pk=task.pk).exists()


def test_the_lead_units_drafter_is_still_offered_the_risk_assessment(assessing, people):
    task = _open_task(assessing.process, "risk_assessment")
    assert {(o.role, o.unit_id) for o in task.offers.all()} == {
        ("drafter", people["bureau"].pk),
        ("risk_assessor", people["bureau"].pk),
    }
    assert f"task:{task.pk}" in _keys(people["drafter"])


def test_a_risk_assessor_of_another_unit_is_refused_the_risk_assessment(
    assessing, people, make_person, township, client
):
    task = _open_task(assessing.process, "risk_assessment")
    url = _task_url(task)
    # Serves the county government as a third party, but this one's lead unit did not
    # commission them: a third party sees only what it assessed (decisions.selectors).
    county_wide = make_person("county_assessor", people["county"], risk_assessor=[people["county"]])
    # Serves a township: does not even see the decision.
    elsewhere = make_person("township_assessor", township, risk_assessor=[township])

    assert f"task:{task.pk}" not in _keys(county_wide)
    assert f"task:{task.pk}" not in _keys(elsewhere)
    client.force_login(county_wide)
    assert client.get(url).status_code == 404
    assert client.post(url, _risk_post()).status_code == 404
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404
    task.refresh_from_db()
    assert task.status == STATUS.NEW and not assessing.risk_assessments.exists()


def test_a_task_offered_to_two_pairs_one_person_holds_is_listed_once(
    assessing, people, make_person
):
    both = make_person(
        "drafter_and_assessor",
        people["bureau"],
        drafter=[people["bureau"]],
        risk_assessor=[people["bureau"]],
    )
    task = _open_task(assessing.process, "risk_assessment")
    assert list(tasks_for_user(user=both).filter(pk=task.pk)) == [task]
    assert _keys(both).count(f"task:{task.pk}") == 1


def test_the_tasks_api_lists_every_offer_of_a_task(assessing, people, make_person):
    assessor = make_person("third_party", people["county"], risk_assessor=[people["bureau"]])
    task = _open_task(assessing.process, "risk_assessment")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=assessor).key}")

    (row,) = [r for r in client.get("/api/v1/tasks/").json()["results"] if r["id"] == task.pk]

    bureau = {"id": people["bureau"].pk, "name": people["bureau"].name}
    assert row["offers"] == [
        {"role": "drafter", "unit": bureau},
        {"role": "risk_assessor", "unit": bureau},
    ]
    assert row["offered_to"] == {"role": "drafter", "unit": bureau}  # the step's own


# --- offering a task to several (role, unit) pairs --------------------------------------------


def test_offers_add_up_and_offering_a_pair_again_changes_nothing(assessing, people):
    task = _open_task(assessing.process, "expert_argumentation")
    county, bureau = people["county"], people["bureau"]
    task_offer(task=task, role="unit_head", unit=bureau)  # beside the flow's drafter offer
    task_offer(task=task, role="unit_head", unit=bureau)
    task_offer_many(task=task, offers=[("drafter", bureau), ("unit_head", bureau)])
    task_offer_many(task=task, offers=[("unit_head", bureau), ("principal", county)])

    assert list(TaskOffer.objects.filter(task=task).order_by("pk").values_list("role", "unit")) == [
        ("drafter", bureau.pk),
        ("unit_head", bureau.pk),
        ("principal", county.pk),
    ]
    with pytest.raises(ValueError):
        task_offer_many(task=task, offers=[("nobody", bureau)])
    with pytest.raises(ValueError):
        task_offer(task=task, role="nobody", unit=bureau)
