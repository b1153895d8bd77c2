"""Real Chromium (issue 18): the drafter opens the public consultation with a closing date on the
opening day, then before it: each time the page answers (no server error) with the error at the
closing-date field, directly under it, and the input kept; a backdated opening is refused at its
field; a lawful period then opens the consultation. The suite's clock stands at 2026-06-15 10:00
in Asia/Shanghai (tests/conftest.py)."""

import pytest

from decisions.flows import DecisionFlow
from tests.browser.test_decision_journey import open_task
from tests.decisions.conftest import catalogue_item, drive, people  # noqa: F401
from tests.decisions.test_screens import Scenario
from workflows.consultations.models import Consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _send(page):
    with page.expect_navigation() as navigation:
        page.click('[data-testid="submit-open"]')
    return navigation.value


def _field(page, name):
    return page.locator(f'[data-testid="form-open"] [data-field="{name}"]')


def test_a_period_ending_on_or_before_its_first_day_is_a_field_error_in_the_browser(
    clock,
    page,
    login,
    live_server,
    drive,  # noqa: F811
    people,  # noqa: F811
):
    scenario = Scenario(drive, people)
    scenario.up_to("open_consultation")
    decision = scenario.d
    login(people["drafter"])
    open_task(page, live_server, decision, "open_consultation")
    # The limits are stated before they are broken.
    assert "征求意见期不少于30日" in _field(page, "closes_at").inner_text()

    for opens, closes in (
        ("2026-06-20T09:00", "2026-06-20T18:00"),
        ("2026-06-20T09:00", "2026-06-18T09:00"),
    ):
        page.fill("[name=open-opens_at]", opens)
        page.fill("[name=open-closes_at]", closes)
        page.fill("[name=open-short_period_reason]", "情况紧急，需尽快实施")
        response = _send(page)
        assert response.status == 200
        closes_field = _field(page, "closes_at")
        error = closes_field.locator(".fz-field__error")
        assert error.inner_text().strip() == "征求意见截止日须晚于开始日。"
        # Directly under the input, which names it and says it is invalid.
        box = closes_field.locator("input").bounding_box()
        assert error.bounding_box()["y"] >= box["y"] + box["height"]
        closes_input = page.locator("[name=open-closes_at]")
        assert closes_input.get_attribute("aria-invalid") == "true"
        assert "id_open-closes_at_error" in closes_input.get_attribute("aria-describedby")
        # The input is kept, and the error is not repeated at the top.
        assert page.input_value("[name=open-opens_at]") == opens
        assert closes_input.input_value() == closes
        assert page.input_value("[name=open-short_period_reason]") == "情况紧急，需尽快实施"
        assert page.locator('[data-testid="form-errors"]').count() == 0
        assert not Consultation.objects.exists()

    # A backdated opening is refused at its own field.
    page.fill("[name=open-opens_at]", "2026-06-10T09:00")
    page.fill("[name=open-closes_at]", "2026-07-20T09:00")
    page.fill("[name=open-short_period_reason]", "")
    assert _send(page).status == 200
    assert "不得早于今日" in _field(page, "opens_at").locator(".fz-field__error").inner_text()
    assert page.locator("[name=open-opens_at]").get_attribute("aria-invalid") == "true"
    assert not Consultation.objects.exists()

    # A lawful period opens the consultation.
    page.fill("[name=open-opens_at]", "2026-06-15T11:00")
    page.fill("[name=open-closes_at]", "2026-07-16T11:00")
    assert _send(page).status == 200
    assert Consultation.objects.get(subject_id=decision.pk).closes_at.date().isoformat() == (
        "2026-07-16"
    )
    task = scenario.process.task_set.get(flow_task=DecisionFlow.open_consultation)
    assert task.status == "DONE"
