"""Real Chromium: a drafter logs in, sees the inbox in Chinese, then switches to English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_drafter_sees_the_inbox_in_chinese_then_in_english(login, drafter):
    page = login(drafter)
    assert "/workbench/inbox/" in page.url
    inbox = page.get_by_test_id("inbox")
    assert "我的任务" in inbox.inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My tasks" in page.get_by_test_id("inbox").inner_text()
