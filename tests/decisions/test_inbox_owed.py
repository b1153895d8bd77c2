"""A decision's inbox items beside its tasks (``decisions.inbox``): the post-evaluation
reports and expert opinions a person owes, read in one statement (issue 22: every staff
inbox asks it, and for most staff it finds nothing), and the decision's open tasks linked
to their pages."""

import pytest
from django.urls import reverse

from decisions import services as s
from decisions.inbox import decision_inbox_items
from decisions.models import PostEvaluation
from workflows.inbox import role_grants_for, tasks_for_user
from workflows.inbox.items import _items_by_id

from .test_chosen_people import assessing, pooled  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _evaluation(decision, evaluator, people, organisation=""):
    return PostEvaluation.objects.create(
        decision=decision,
        trigger=PostEvaluation.Trigger.GOVERNMENT_DECIDED,
        evaluator=evaluator,
        evaluator_organisation=organisation,
        started_by=people["principal"],
    )


def test_reports_then_opinions_owed_are_read_in_one_statement(
    assessing,  # noqa: F811
    pooled,  # noqa: F811
    people,
    django_assert_num_queries,
):
    expert = people["expert"]
    (selection,) = s.experts_choose(decision=assessing, by=people["drafter"], experts=[pooled])
    first = _evaluation(assessing, expert, people, organisation="某大学评估中心")
    second = _evaluation(assessing, expert, people)
    done = _evaluation(assessing, expert, people)
    PostEvaluation.objects.filter(pk=done.pk).update(completed_at=done.started_at)
    with django_assert_num_queries(1):
        items = decision_inbox_items(expert)
    assert [item.key for item in items] == [
        f"post_evaluation:{first.pk}",
        f"post_evaluation:{second.pk}",
        f"expert_opinion:{selection.pk}",
    ]
    report, unnamed, opinion = items
    assert report.unit == "某大学评估中心" and unnamed.unit == str(people["bureau"])
    assert report.url == reverse(
        "decisions:register:evaluation_report",
        kwargs={"pk": assessing.pk, "evaluation_pk": first.pk},
    )
    assert report.subject == assessing.title and report.unit_ids == (assessing.lead_unit_id,)
    assert report.created == first.started_at and report.due is None
    assert opinion.url == reverse("decisions:register:opinion", kwargs={"pk": assessing.pk})
    assert opinion.created == selection.chosen_at


def test_a_person_who_owes_nothing_costs_one_statement(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert decision_inbox_items(people["drafter"]) == []


def test_a_decisions_task_item_links_to_its_page_and_names_the_decision(
    assessing,  # noqa: F811
    people,
):
    drafter = people["drafter"]
    tasks = list(tasks_for_user(user=drafter))
    assert tasks
    items = _items_by_id([t.pk for t in tasks], role_grants_for(user=drafter), clocked=True)
    for task in tasks:
        item = items[task.pk]
        assert item.url == task.reverse("index")
        assert item.subject == assessing.title
        assert item.stage == assessing.get_stage_display()
        assert item.process == "decisions"
