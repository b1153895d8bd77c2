"""Real Chromium: the toolbar bell shows the unread count; reading a notification clears it."""

import pytest

from workflows.clocks.services import notification_create

pytestmark = pytest.mark.browser


def test_the_bell_counts_unread_notifications_and_reading_one_clears_it(
    committed, login, reviewer, head
):
    notification_create(recipient=reviewer, title="审查期限将至", body="吾合沙鲁乡")
    notification_create(recipient=head, title="not mine")
    page = login(reviewer)
    bell = page.get_by_test_id("notification-bell")
    assert bell.get_attribute("data-unread") == "1"

    bell.click()
    page.wait_for_url("**/notifications/")
    rows = page.get_by_test_id("notification")
    assert rows.count() == 1 and rows.first.get_attribute("data-read") == "0"
    page.get_by_test_id("notification-read").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("notification").first.get_attribute("data-read") == "1"
    assert page.get_by_test_id("notification-bell").get_attribute("data-unread") == "0"
