"""The document page shows a refusal once: a review request whose date cannot be checked before
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
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助办法", text="第一条……"
    )
    client.force_login(drafter)

    with translation.override("en"):
        response = client.post(
            reverse("normdocs:register:detail", args=[document.pk]),
            {
                "action": "submit_review",
                "submit_review-drafting_explanation": "起草说明",
                "submit_review-legal_basis": "《法律援助法》",
                "submit_review-opinion_needed_by": "2027-01-05",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="errorlist nonfield"') == 1
    refusal = body.split('class="errorlist nonfield"', 1)[1].split("</ul>", 1)[0]
    assert "holiday notice for 2027" in refusal
    assert not LegalityReview.objects.filter(document=document).exists()
