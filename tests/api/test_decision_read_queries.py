"""A route of one decision (``GET /api/v1/decisions/{id}/`` and the actions under it) asks
whether the caller may see it of that decision alone (``decisions_visible_to(pk=…)``: the
person's grants, then one statement with the decision), not the person's own decisions and
units first as the list must (issue 22). Who sees what is the matrix of test_decisions_api;
here, what it costs, so that a regression fails."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# The token with the person (authentication), their staff profile and groups (permission),
# the grants and the decision (visibility), its latest legality review, its agenda items and
# its open tasks (the representation).
STATEMENTS = 8


def _statements(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [q["sql"] for q in queries]


@pytest.mark.parametrize("who", ["drafter", "legal_advisor"])
def test_one_decision_is_read_in_a_fixed_number_of_statements(api, people, drive, who):
    decision = drive.up_to_meeting()
    client = api(people[who])
    url = f"/api/v1/decisions/{decision.pk}/"
    client.get(url)
    status, statements = _statements(client, url)
    assert status == 200
    assert len(statements) <= STATEMENTS, "\n".join(statements)  # it was 10
    # Nothing of the list's way in: no read of the person's own decisions or units.


def test_a_decision_another_unit_may_not_see_costs_no_more_to_refuse(api, people, drive):
    decision = drive.initiate()
    client = api(people["outsider"])
    url = f"/api/v1/decisions/{decision.pk}/"
    client.get(url)
    status, statements = _statements(client, url)
    assert status == 404
    assert len(statements) <= STATEMENTS - 3, "\n".join(statements)
