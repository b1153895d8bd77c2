"""The staff UI: visibility (404 for what one may not see), actions, CSRF."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from normdocs import selectors, services
from normdocs.models import CleanupCampaign, NormativeDocument, Status

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db
BASE = "/normdocs/register/"


def _client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律顾问工作规则"
    )


def test_a_drafter_of_another_unit_gets_404_for_a_draft(draft, outsider):
    assert _client(outsider).get(f"{BASE}{draft.pk}/").status_code == 404


def test_a_published_document_is_visible_to_every_member_of_staff(draft, drafter, drive, outsider):
    drive(draft, "published", drafter=drafter, immediate_reason="紧急")
    response = _client(outsider).get(f"{BASE}{draft.pk}/")
    assert response.status_code == 200
    assert draft.number in response.content.decode()


def test_the_register_lists_documents_in_force(county_body, officials, outsider):
    services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障实施办法",
        number="恰政规〔2022〕2号",
        published_on=date(2022, 5, 10),
    )
    page = _client(outsider).get(BASE).content.decode()
    assert 'data-number="恰政规〔2022〕2号"' in page


def test_a_drafter_creates_a_draft_and_submits_it_for_review_through_the_ui(bureau_body, drafter):
    client = _client(drafter)
    response = client.post(
        f"{BASE}new/",
        {"drafting_body": bureau_body.pk, "title": "新规定", "doc_type": "规", "text": "第一条"},
    )
    document = NormativeDocument.objects.get(title="新规定")
    assert response.status_code == 302 and response.url.endswith(f"/{document.pk}/")
    page = client.get(f"{BASE}{document.pk}/").content.decode()
    assert 'data-testid="form-submit_review"' in page and 'data-testid="form-publish"' not in page
    # An incomplete submission is refused naming what is missing (115号 二(三)).
    response = client.post(
        f"{BASE}{document.pk}/", {"action": "submit_review", "submit_review-legal_basis": "x"}
    )
    assert NormativeDocument.objects.get(pk=document.pk).status == Status.DRAFT
    client.post(
        f"{BASE}{document.pk}/",
        {
            "action": "submit_review",
            "submit_review-drafting_explanation": "起草说明",
            "submit_review-legal_basis": "《法律援助法》",
        },
    )
    assert NormativeDocument.objects.get(pk=document.pk).status == Status.LEGALITY_REVIEW


def test_an_action_not_offered_to_the_reader_is_a_404(draft, drafter):
    response = _client(drafter).post(
        f"{BASE}{draft.pk}/", {"action": "publish", "publish-published_on": "2026-01-01"}
    )
    assert response.status_code == 404
    assert NormativeDocument.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_refusal_is_shown_with_the_rule_that_forbids_it(draft, drafter, officials):
    submit_complete(document=draft, by=drafter)
    client = _client(officials["advisor"])
    response = client.post(
        f"{BASE}{draft.pk}/",
        {
            "action": "conclude_review",
            "conclude_review-outcome": "lawful",
            "conclude_review-opinion": "合法",
            **{f"conclude_review-check_{key}": "complies" for key in CHECKLIST},
            "conclude_review-check_no_penalty": "problem",
            "conclude_review-note_no_penalty": "第五条设定罚款",
        },
    )
    assert response.status_code == 200
    assert "国办发〔2018〕37号" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(draft, drafter):
    client = _client(drafter, enforce_csrf_checks=True)
    assert client.post(f"{BASE}{draft.pk}/", {"action": "submit_review"}).status_code == 403
    assert NormativeDocument.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_legal_affairs_officer_opens_a_special_cleanup_through_the_ui(
    county_body, officials, county, monkeypatch
):
    # A fixed clock inside the published holiday calendar, so the 60-day clock can be computed.
    monkeypatch.setattr("normdocs.services.cleanup.today", lambda: date(2026, 3, 2))
    services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城市管理行政处罚办法",
        number="恰政规〔2022〕1号",
        published_on=date(2022, 5, 10),
        cited_laws="《中华人民共和国行政处罚法》",
    )
    client = _client(officials["advisor"])
    response = client.post(
        f"{BASE}cleanups/",
        {"kind": "special", "title": "行政处罚法专项清理", "keyword": "行政处罚法"},
    )
    campaign = CleanupCampaign.objects.get()
    assert response.status_code == 302
    assert selectors.cleanup_documents(campaign).count() == 1
    assert 'data-items="1"' in client.get(f"{BASE}cleanups/{campaign.pk}/").content.decode()


def test_user_text_is_escaped(bureau_body, drafter):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="<script>alert(1)</script>"
    )
    page = _client(drafter).get(f"{BASE}{document.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_document_page_reads_the_filing_once_however_many_filing_steps_it_weighs(
    draft, drafter, drive, officials
):
    drive(draft, "published", drafter=drafter, immediate_reason="紧急")
    client = _client(officials["publisher"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{BASE}{draft.pk}/").content.decode()
    assert 'data-testid="form-filing_submit"' in page  # the filing steps were weighed
    filing_reads = [q for q in queries if 'FROM "normdocs_filing"' in q["sql"]]
    filing_joins = [q for q in queries if 'JOIN "normdocs_filing"' in q["sql"]]
    assert len(filing_reads) + len(filing_joins) == 1
