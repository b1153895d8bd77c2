"""Real Chromium: a citizen comments anonymously on a draft and sees the confirmation; the
drafter sees the comment on the staff page; after its disposition it is in the published
adoption report. Assertions read data-testid attributes and data values, not labels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.decisions.conftest import catalogue_item, drive, people  # noqa: F401
from tests.portal.conftest import clear_portal_cache
from workflows.consultations.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_comment_reaches_the_drafter_and_the_published_adoption_report(
    page,
    login,
    live_server,
    drive,  # noqa: F811
    people,  # noqa: F811
):
    from decisions import services as s

    clear_portal_cache()
    decision = drive.initiate()
    s.decision_draft_submit(decision=decision, by=people["drafter"])
    consultation = s.decision_consultation_open(
        decision=decision,
        by=people["drafter"],
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=timezone.now() + timedelta(days=30),
    )

    # A citizen, not signed in, comments without a name.
    page.goto(f"{live_server.url}/public/consultations/{consultation.pk}/")
    assert page.get_by_test_id("consultation").get_attribute("data-accepting") == "true"
    page.fill("[name=text]", "建议分两年调整价格 <script>alert(1)</script>")
    page.fill("[name=paragraph_ref]", "第一条")
    page.fill("[name=contact]", "13800001111")
    with page.expect_navigation():
        page.get_by_test_id("submit-comment").click()
    page.get_by_test_id("comment-confirmation").wait_for()
    comment_pk = page.get_by_test_id("comment-receipt").get_attribute("data-comment")
    comment = Comment.objects.get(pk=comment_pk)
    assert comment.name == "" and comment.contact == "13800001111"

    # The public page shows it, escaped, and never the contact.
    page.get_by_test_id("back-to-consultation").click()
    public_comment = page.locator(f'[data-testid="public-comment"][data-comment="{comment_pk}"]')
    assert "<script>" in public_comment.get_by_test_id("comment-text").inner_text()
    assert "13800001111" not in page.content()

    # The drafter sees it, with the contact, on the staff page.
    login(people["drafter"])
    page.goto(f"{live_server.url}/public/staff/consultations/{consultation.pk}/")
    staff_comment = page.locator(f'[data-testid="staff-comment"][data-comment="{comment_pk}"]')
    assert staff_comment.get_attribute("data-hidden") == "false"
    assert staff_comment.get_by_test_id("staff-comment-contact").inner_text() == "13800001111"

    # The period ends; the drafter disposes of the comment and finishes the consultation.
    consultation.closes_at = timezone.now() - timedelta(seconds=1)
    consultation.save(update_fields=["closes_at"])
    s.decision_consultation_close(decision=decision)
    s.decision_comment_dispose(
        comment=comment, by=people["drafter"], outcome="partly_adopted", reason="分步实施"
    )
    s.decision_consultation_finish(decision=decision, by=people["drafter"])

    # The public, signed out, reads the adoption report.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/public/consultations/{consultation.pk}/")
    assert page.get_by_test_id("consultation").get_attribute("data-accepting") == "false"
    assert page.locator('[data-testid="comment-form"]').count() == 0
    with page.expect_navigation():
        page.get_by_test_id("report-link").click()
    row = page.locator(f'[data-testid="report-row"][data-comment="{comment_pk}"]')
    assert row.get_attribute("data-outcome") == "partly_adopted"
    assert row.get_by_test_id("report-reason").inner_text() == "分步实施"
    assert "13800001111" not in page.content()
