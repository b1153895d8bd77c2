"""Real Chromium: the legal advisor's inbox shows the legality review's due date, its legal
source and a light that turns from green to amber to red as the server's clock moves towards
and past the due date (《重大行政决策程序暂行条例》第二十六条: 7 working days; submitted on
Friday 2026-12-04, due on Tuesday 12-15). The light always says in words what its colour
means. The live server runs in this process: ``travel_to`` moves its clock too."""

from datetime import date

import pytest

from tests.decisions import conftest as decisions_fixtures
from tests.workflows.test_inbox_due import review_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item


@pytest.fixture
def drive(people, catalogue_item):
    return decisions_fixtures.Driver(people, catalogue_item, flow=True)


def test_the_inbox_light_turns_amber_then_red_as_the_clock_moves(
    login, page, live_server, drive, people, travel_to
):
    travel_to(date(2026, 12, 4))
    task = review_task(drive, people)
    login(people["legal_advisor"])
    row = page.locator(f'[data-testid="inbox-item"][data-key="task:{task.pk}"]')
    light = row.get_by_test_id("inbox-light")

    def look(day):
        travel_to(day)
        page.goto(f"{live_server.url}/workbench/inbox/")
        return light.get_attribute("data-light"), light.inner_text()

    colour, words = look(date(2026, 12, 4))
    assert colour == "green" and "7" in words and "工作日" in words
    assert row.get_attribute("data-due") == "2026-12-15"
    assert (
        "《重大行政决策程序暂行条例》第二十六条"
        in row.get_by_test_id("inbox-legal-source").inner_text()
    )
    assert row.get_by_test_id("inbox-stage").inner_text() == "合法性审查"

    colour, words = look(date(2026, 12, 10))
    assert colour == "amber" and "3" in words

    colour, words = look(date(2026, 12, 16))
    assert colour == "red" and "已逾期" in words
