"""A clock that would end in a year whose State Council holiday notice nobody has entered yet
(domain.md §4): the step is refused with the message that says what to do, nothing is half
done, and neither the page nor the API answers 500.

From late in a year, a 7-working-day legality review (第二十六条) reaches into the next one;
until its notice is in the admin (or chinesecalendar carries it) the due date cannot be known,
and guessing it would put a wrong date on the record.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from decisions.models import LegalityReview

from .test_screens import CASES, Scenario, snapshot, task_url

pytestmark = pytest.mark.django_db


def test_the_task_page_refuses_the_submission_and_says_to_enter_the_notice(
    drive, people, client, review_reaches_unknown_year
):
    scenario = Scenario(drive, people)
    task = scenario.up_to("submit_legality")
    client.force_login(people["drafter"])
    before = snapshot(scenario, task)

    response = client.post(
        task_url(task), CASES["submit_legality"][2](people)[0], HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "holiday notice" in response.content.decode()
    assert snapshot(scenario, task) == before
    assert not LegalityReview.objects.filter(decision=scenario.d).exists()


def test_the_api_answers_400_with_the_same_message_and_changes_nothing(
    drive, people, review_reaches_unknown_year
):
    scenario = Scenario(drive, people)
    task = scenario.up_to("submit_legality")
    token, _ = Token.objects.get_or_create(user=people["drafter"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    before = snapshot(scenario, task)

    response = api.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"action": "submit", "data": {"procedures_account": "已公开征求意见"}},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "holiday notice" in str(response.json())
    assert snapshot(scenario, task) == before
