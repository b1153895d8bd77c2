"""The document page shows a refusal once: a legality review that cannot be concluded before
next year's holiday notice is entered says so in one place (domain.md §4)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from normdocs import services
from normdocs.models import LegalityReview

pytestmark = pytest.mark.django_db


def test_the_document_page_shows_the_calendar_refusal_once_when_the_notice_is_missing(
    bureau_body, drafter, officials, travel_to, client
):
    travel_to(date(2026, 12, 28))
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助办法"
    )
    review = services.legality_review_submit(document=document, by=drafter)
    travel_to(date(2026, 12, 31))
    client.force_login(officials["advisor"])

    with translation.override("en"):
        response = client.post(
            reverse("normdocs:register:detail", args=[document.pk]),
            {
                "action": "conclude_review",
                "conclude_review-outcome": "lawful",
                "conclude_review-opinion": "符合规定",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="errorlist nonfield"') == 1
    refusal = body.split('class="errorlist nonfield"', 1)[1].split("</ul>", 1)[0]
    assert "holiday notice for 2027" in refusal
    assert LegalityReview.objects.get(pk=review.pk).outcome == ""
