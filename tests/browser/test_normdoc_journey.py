"""Real Chromium: a normative document from draft to in force, each step by the person whose
step it is, through the staff UI."""

import pytest

# The normdocs people and bodies, shared with tests/normdocs.
from tests.normdocs.conftest import bureau_body, county_body, officials  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(browser, live_server):
    """as_user(user) -> a signed-in page of its own browser context."""
    contexts = []

    def open_as(user):
        context = browser.new_context(locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", user.plain_password)
        page.click("button.vf-page-lockscreen__sidebar-content-action")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_document_goes_from_draft_to_in_force_through_the_ui(
    as_user, live_server, drafter, request
):
    body = request.getfixturevalue("bureau_body")
    people = request.getfixturevalue("officials")
    from normdocs.models import NormativeDocument
    from normdocs.rules import CONTENT_LIMITS

    register = f"{live_server.url}/normdocs/register/"
    page = as_user(drafter)
    page.goto(f"{register}new/")
    page.select_option("select[name=drafting_body]", str(body.pk))
    page.fill("input[name=title]", "乌恰县司法局公共法律服务办法")
    page.fill("textarea[name=text]", "第一条　为了规范公共法律服务，制定本办法。")
    page.get_by_test_id("submit-new-document").click()
    page.wait_for_load_state("networkidle")
    document = NormativeDocument.objects.get(title="乌恰县司法局公共法律服务办法")
    assert page.get_by_test_id("normdoc").get_attribute("data-status") == "draft"

    # The materials of the submission (国办发〔2018〕115号 二(三)).
    page.fill("textarea[name=submit_review-drafting_explanation]", "依据上位法起草")
    page.fill("textarea[name=submit_review-legal_basis]", "《公共法律服务体系建设规划》")
    page.get_by_test_id("submit-submit_review").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("normdoc").get_attribute("data-status") == "legality_review"

    advisor = as_user(people["advisor"])
    advisor.goto(f"{register}{document.pk}/")
    advisor.select_option("select[name=conclude_review-outcome]", "lawful")
    advisor.fill("textarea[name=conclude_review-opinion]", "制定主体合法，内容合法")
    for key in CONTENT_LIMITS:  # the content-limit checklist, every item answered
        advisor.select_option(f"select[name=conclude_review-check_{key}]", "complies")
    advisor.get_by_test_id("submit-conclude_review").click()
    advisor.wait_for_load_state("networkidle")
    assert advisor.get_by_test_id("review").get_attribute("data-outcome") == "lawful"

    page.goto(f"{register}{document.pk}/")
    page.get_by_test_id("submit-send_to_deliberation").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("normdoc").get_attribute("data-status") == "deliberation"

    secretary = as_user(people["secretary"])
    secretary.goto(f"{register}{document.pk}/")
    secretary.select_option("select[name=deliberate-meeting_kind]", "office_meeting")
    secretary.check("input[name=deliberate-adopted]")
    secretary.get_by_test_id("submit-deliberate").click()
    secretary.wait_for_load_state("networkidle")

    publisher = as_user(people["publisher"])
    publisher.goto(f"{register}{document.pk}/")
    publisher.fill("input[name=register-index_number]", "24K458996/2026-00001")
    publisher.get_by_test_id("submit-register").click()
    publisher.wait_for_load_state("networkidle")
    number = publisher.get_by_test_id("normdoc").get_attribute("data-number")
    assert number.startswith("恰司规〔") and number.endswith("〕1号")

    publisher.fill("textarea[name=publish-immediate_reason]", "配合公共法律服务平台上线")
    publisher.get_by_test_id("submit-publish").click()
    publisher.wait_for_load_state("networkidle")
    assert publisher.get_by_test_id("normdoc").get_attribute("data-status") == "in_force"

    # Everyone on the staff now finds it in the register of documents in force.
    page.goto(register)
    assert page.locator(f'[data-testid=register-row][data-number="{number}"]').count() == 1
