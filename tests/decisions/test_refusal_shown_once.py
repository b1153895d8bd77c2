"""A refused action is shown once on the task page: in the form's error box, not a second time
among its fields."""

import pytest

from decisions.models import Meeting

from .test_screens import Scenario, meeting_posts, task_url

pytestmark = pytest.mark.django_db


def test_the_task_page_shows_a_refusal_once_when_the_head_decides_too_early(drive, people, client):
    scenario = Scenario(drive, people)
    task = scenario.up_to("meeting")
    url = task_url(task)
    client.force_login(people["secretary"])
    posts = meeting_posts(people)
    client.post(url, posts[0])  # open with attendance; nobody has spoken yet

    response = client.post(url, posts[-1], HTTP_ACCEPT_LANGUAGE="en")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="errorlist nonfield"') == 1
    assert body.count('data-testid="form-errors"') == 1
    assert Meeting.objects.get(decision=scenario.d).status == "open"
