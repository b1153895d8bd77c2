"""Real Chromium, keyboard only: a drafter logs in and completes one task — the check of the
submission package before the meeting (第二十九条) — with Tab, Shift+Tab, Enter and Space, never
a click; at every stop the focused element shows a visible focus indicator."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.decisions.conftest import Driver, catalogue_item, people  # noqa: F401
from tests.portal.conftest import clear_portal_cache

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120

FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return {
        tag: el.tagName, outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
        boxShadow: s.boxShadow,
    };
}"""


def focus_is_visible(page) -> bool:
    """The focused element draws an outline (or a focus ring as a box shadow)."""
    style = page.evaluate(FOCUS_STYLE)
    if style is None:
        return False
    outlined = style["outlineStyle"] != "none" and float(style["outlineWidth"].rstrip("px")) > 0
    return outlined or style["boxShadow"] not in ("", "none")


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus, checking
    the focus indicator on the way there."""
    key = "Shift+Tab" if backwards else "Tab"
    if page.evaluate("s => document.activeElement.matches(s)", selector):
        assert focus_is_visible(page), f"no visible focus indicator on {selector}"
        return  # already there (e.g. a dialog's first control takes the focus when it opens)
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            style = page.evaluate(FOCUS_STYLE)
            assert focus_is_visible(page), f"no visible focus indicator on {selector}: {style}"
            return
    pytest.fail(f"{selector} is not reachable with {key} in {MAX_TABS} presses on {page.url}")


def send_with_enter(page) -> None:
    """Press Enter on the focused button and follow the page it leads to; when the step first
    asks for a confirmation (an irreversible one), confirm it in its dialog, by keyboard too."""
    try:
        with page.expect_navigation(timeout=5_000):
            page.keyboard.press("Enter")
    except PlaywrightTimeout:
        assert page.locator("dialog[open]").count() == 1, "Enter neither sent nor confirmed"
        tab_to(page, "dialog[open] button[type=submit]:not([value=cancel])")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_a_drafter_completes_the_package_check_with_the_keyboard_alone(
    page,
    live_server,
    people,  # noqa: F811
    catalogue_item,  # noqa: F811
):
    from viewflow.workflow.status import STATUS

    from decisions.flows import DecisionFlow

    clear_portal_cache()
    drive = Driver(people, catalogue_item, flow=True)
    decision = drive.initiate()
    drive.consult(decision)
    drive.assess(decision)
    drive.review(decision)
    process = drive.processes[decision.pk]
    task = process.task_set.get(
        flow_task=DecisionFlow.package_check, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )

    # Log in: the fields and the button, in tab order.
    drafter = people["drafter"]
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(drafter.username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(drafter.plain_password)
    # Back to the user name and forward again: Shift+Tab works too.
    tab_to(page, "input[name=username]", backwards=True)
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url
    # The toolbar's link to the public portal is on the way, with its focus ring too.
    tab_to(page, '[data-testid="portal-link"]')

    # The decision's page (its address typed, as a keyboard user would), then the task link.
    page.goto(f"{live_server.url}/decisions/register/{decision.pk}/")
    tab_to(page, '[data-testid="task-link"][data-task="package_check"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("decision-task").get_attribute("data-task") == "package_check"

    # Confirm the package with Space (when the step asks for a tick), finish it with Enter:
    # with the step's finishing button when it has one, else with its only button.
    if page.locator("[name=check-confirm]").count():
        tab_to(page, "[name=check-confirm]")
        page.keyboard.press("Space")
        assert page.locator("[name=check-confirm]").is_checked()
    finish = '[data-testid="finish-check"]'
    tab_to(page, finish if page.locator(finish).count() else '[data-testid="submit-check"]')
    send_with_enter(page)

    task.refresh_from_db()
    assert task.status == STATUS.DONE
    decision.refresh_from_db()
    assert decision.stage == "meeting"
