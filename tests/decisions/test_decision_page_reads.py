"""The decision's page reads each thing once (issue 22): the flow's tasks and their offers once
for the stepper and the open steps, whether the reader may act on an open task once per task,
the legal clocks once, and none of the decision's records it does not have. What the page
shows is checked by test_pages, test_progress and test_screens; here, that it still shows it
from the one reading, and what it asks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Stage

from .test_screens import Scenario

pytestmark = pytest.mark.django_db


def detail(d):
    return reverse("decisions:register:detail", args=[d.pk])


def statements(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def reads_of(sqls: list[str], table: str) -> list[str]:
    """The statements that read rows of ``table`` (not those that only ask about them, nor the
    visibility rules' reads of a column of it)."""
    return [sql for sql in sqls if sql.startswith(f'SELECT "{table}"."id", ')]


def test_the_tasks_offers_and_clocks_are_read_once_and_the_offer_asked_once_per_open_task(
    drive, people, client
):
    scenario = Scenario(drive, people)
    client.force_login(people["drafter"])
    body, sqls = statements(client, detail(scenario.d))

    # Both the open steps and the stepper link the drafter's task, from the one answer.
    assert 'data-testid="task-link" data-task="draft"' in body
    assert body.count("/draft/") >= 2
    # One statement reads the tasks with their owners and offers (decisions.progress).
    assert len(reads_of(sqls, "viewflow_task")) == 0
    assert len(reads_of(sqls, "workflows_taskoffer")) == 0
    assert len([sql for sql in sqls if 't."flow_task"' in sql]) == 1
    assert len([sql for sql in sqls if 'o."role"' in sql and 't."flow_task"' in sql]) == 1
    assert len([sql for sql in sqls if '"clocks_deadline"' in sql]) == 1
    may_act = [sql for sql in sqls if 'FROM "viewflow_task" t WHERE t.id' in sql]
    assert len(may_act) == 1


def test_records_the_decision_does_not_have_are_not_read(drive, people, client):
    scenario = Scenario(drive, people)
    client.force_login(people["drafter"])
    _, sqls = statements(client, detail(scenario.d))
    for table in (
        "decisions_hearing",
        "decisions_meeting",
        "decisions_partyreport",
        "decisions_publication",
        "decisions_executionreport",
        "decisions_postevaluation",
        "decisions_adjustment",
        "decisions_riskassessment",
        "decisions_agendaitem",
    ):
        assert reads_of(sqls, table) == [], table


def test_a_decision_being_archived_shows_its_meeting_report_and_publication_one_read_each(
    drive, people, client
):
    scenario = Scenario(drive, people)
    scenario.up_to("archive")
    d = scenario.d
    assert d.stage == Stage.ARCHIVING
    client.force_login(people["drafter"])
    body, sqls = statements(client, detail(d))

    assert d.party_report.reference and 'data-testid="meetings"' in body
    assert 'data-testid="publication"' in body
    assert 'data-testid="reviews"' in body
    assert d.party_report.reference in body
    for table in ("decisions_partyreport", "decisions_publication", "decisions_meeting"):
        assert len(reads_of(sqls, table)) == 1, table
