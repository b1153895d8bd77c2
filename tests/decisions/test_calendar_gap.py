"""A clock that would end in a year whose State Council holiday notice nobody has entered yet
(domain.md §4): the step goes ahead, the clock waits visibly for the notice, and neither the
page nor the API answers 500 or refuses.

From late in a year, a 7-working-day legality review (第二十六条) reaches into the next one;
until its notice is in the admin (or chinesecalendar carries it) the due date cannot be known:
guessing it would put a wrong date on the record, and refusing would stop the county's work.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from decisions.models import LegalityReview
from workflows.clocks.models import Deadline

from .test_screens import CASES, Scenario, task_url

pytestmark = pytest.mark.django_db


def test_the_task_page_submits_and_the_decision_page_shows_the_clock_waiting_for_the_notice(
    drive, people, client, review_reaches_unknown_year
):
    scenario = Scenario(drive, people)
    task = scenario.up_to("submit_legality")
    client.force_login(people["drafter"])

    response = client.post(
        task_url(task), CASES["submit_legality"][2](people)[0], HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    review = LegalityReview.objects.get(decision=scenario.d)
    assert review.due_on is None
    clock = Deadline.objects.get(rule_key="decision.legality_review")
    next_year = review.submitted_at.year + 1
    assert (clock.due, clock.awaiting_year) == (None, next_year)
    with translation.override("en"):
        page = client.get(
            reverse("decisions:register:detail", args=[scenario.d.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'data-testid="awaiting-notice"' in page
    assert f"holiday notice for {next_year}" in page
    assert "《重大行政决策程序暂行条例》第二十六条" in page


def test_the_api_submits_and_shows_the_clock_awaiting_its_notice(
    drive, people, review_reaches_unknown_year
):
    scenario = Scenario(drive, people)
    task = scenario.up_to("submit_legality")
    token, _ = Token.objects.get_or_create(user=people["drafter"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")

    response = api.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"action": "submit", "data": {"procedures_account": "已公开征求意见"}},
        format="json",
    )

    assert response.status_code in (200, 201), response.content
    clock = Deadline.objects.get(rule_key="decision.legality_review")
    clock.responsible_people.add(people["drafter"])
    listed = api.get("/api/v1/deadlines/").json()
    rows = listed.get("results", listed)
    (row,) = [r for r in rows if r["id"] == clock.pk]
    assert row["due"] is None
    assert row["awaiting_holiday_notice"] == clock.awaiting_year
    assert row["is_overdue"] is False
