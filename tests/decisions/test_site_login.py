"""Anonymous visitors of the staff site are sent to log in whatever the URL: an existing and a
missing process look alike (no 403/404 oracle)."""

import pytest
from django.urls import reverse

from decisions.flows import DecisionFlow
from tests.decisions.test_screens import Scenario, task_url

pytestmark = pytest.mark.django_db

MISSING = 999_999


def _process_urls(process, task) -> dict[str, tuple[str, str]]:
    """Viewflow's own URLs of a process and its task, for the real ids and for missing ones."""
    base = "/decisions/decision"
    return {
        "process": (f"{base}/{process.pk}/", f"{base}/{MISSING}/"),
        "cancel": (f"{base}/{process.pk}/cancel/", f"{base}/{MISSING}/cancel/"),
        "task detail": (
            f"{base}/{process.pk}/draft/{task.pk}/detail/",
            f"{base}/{MISSING}/draft/{MISSING}/detail/",
        ),
        "task assign": (
            f"{base}/{process.pk}/draft/{task.pk}/assign/",
            f"{base}/{MISSING}/draft/{MISSING}/assign/",
        ),
        "task page": (task_url(task), f"{base}/{MISSING}/draft/{MISSING}/execute/"),
    }


def test_an_anonymous_visitor_is_sent_to_log_in_for_existing_and_missing_processes_alike(
    client, drive, people
):
    scenario = Scenario(drive, people)
    task = scenario.process.task_set.get(flow_task=DecisionFlow.draft)
    for name, (existing, missing) in _process_urls(scenario.process, task).items():
        for url in (existing, missing):
            response = client.get(url)
            assert response.status_code == 302, (name, url, response.status_code)
            assert response["Location"] == f"{reverse('login')}?next={url}", (name, url)


def test_pages_outside_the_staff_site_are_not_sent_to_log_in(client):
    assert client.get("/public/").status_code in (200, 503)
    assert client.get("/api/v1/decisions/").status_code == 401
    assert client.get(reverse("login")).status_code == 200


def test_a_logged_in_person_still_gets_the_sites_answers(client, drive, people):
    Scenario(drive, people)
    client.force_login(people["outsider"])
    assert client.get(f"/decisions/decision/{MISSING}/").status_code == 404
