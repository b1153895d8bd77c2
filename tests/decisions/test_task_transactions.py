"""A task action runs its services in the process lock's transaction without savepoints
(workflows.transactions), and a refusal still leaves nothing behind and a working connection
for the page that shows the form again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from decisions.models import LegalityReview, Stage
from workflows.record.models import Event
from workflows.tasking import StepRefused, task_complete

from .test_flow import open_task, posted

pytestmark = pytest.mark.django_db


def savepoints(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("SAVEPOINT", "RELEASE")]


def test_a_refused_review_leaves_nothing_and_the_page_can_show_the_form_again(
    at_legality_review,
    people,
):
    process, d = at_legality_review
    task = open_task(process, "legality_review")
    events = Event.objects.count()
    reviews = list(LegalityReview.objects.filter(decision=d).values_list("pk", "outcome"))
    with pytest.raises(StepRefused) as info:
        task_complete(
            task=task,
            user=people["legal_advisor"],
            action="review",
            data=posted("review", {"outcome": "lawful_with_amendments", "opinion": "需修改"}),
        )
    assert info.value.service_error.code == "amendments_required"
    # What the page does next: read again and render the bound form with the error.
    task.refresh_from_db()
    d.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner_id is None  # not even claimed
    assert d.stage == Stage.LEGALITY_REVIEW
    assert Event.objects.count() == events
    assert list(LegalityReview.objects.filter(decision=d).values_list("pk", "outcome")) == reviews
    assert info.value.form.non_field_errors()


def test_a_task_action_runs_its_services_without_savepoints(at_legality_review, people):
    process, d = at_legality_review
    with CaptureQueriesContext(connection) as queries:
        task_complete(
            task=open_task(process, "legality_review"),
            user=people["legal_advisor"],
            action="review",
            data=posted("review", {"outcome": "lawful", "opinion": "合法"}),
        )
        # The review office's head approves the opinion: the decision moves on.
        task_complete(
            task=open_task(process, "approve_legality"),
            user=people["review_head"],
            action="approve",
            data=posted("approve", {"confirm": "on"}),
        )
    # The lock's own savepoint (the test runs in a transaction) and viewflow's gate: no more.
    services = [sql for sql in savepoints(queries.captured_queries) if sql.startswith("SAVEPOINT")]
    assert len(services) <= 2, services
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE
