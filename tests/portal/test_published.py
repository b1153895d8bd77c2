"""Published decisions, the decision catalogue, the register of normative documents, cleanup
result lists and the Atom feeds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.normdocs.conftest import CHECKLIST, submit_complete
from tests.portal.conftest import clear_portal_cache

pytestmark = pytest.mark.django_db


# --- decisions (第三条、第三十二条) ------------------------------------------------------------


@pytest.fixture
def published_decision(drive):
    d = drive.up_to_meeting()
    drive.adopt(d)
    return drive.publish(d)


def test_a_published_decision_shows_its_interpretation_and_adoption_report(
    client, published_decision
):
    listing = client.get("/public/decisions/").content.decode()
    assert f'data-decision="{published_decision.pk}"' in listing
    page = client.get(f"/public/decisions/{published_decision.pk}/").content.decode()
    assert 'data-testid="decision-interpretation"' in page and "政策解读" in page
    assert 'data-testid="report-link"' in page
    consultation_pk = page.split('data-testid="decision-report" data-consultation="')[1][:10]
    consultation_pk = consultation_pk.split('"')[0]
    report = client.get(f"/public/consultations/{consultation_pk}/report/").content.decode()
    assert 'data-outcome="partly_adopted"' in report and "分两年实施" in report


def test_a_decision_not_yet_published_does_not_exist_for_the_public(client, drive):
    decision = drive.up_to_meeting()
    assert client.get(f"/public/decisions/{decision.pk}/").status_code == 404
    assert f'data-decision="{decision.pk}"' not in client.get("/public/decisions/").content.decode()


def test_the_catalogue_of_a_year_lists_its_published_items_only(client, catalogue_item, people):
    from decisions import services as s

    draft = s.catalogue_item_create(
        by=people["legal_advisor"],
        government=people["county"],
        year=2024,
        title="未公布事项",
        lead_unit=people["bureau"],
    )
    assert client.get("/public/decisions/catalogue/").status_code == 302
    page = client.get("/public/decisions/catalogue/2024/").content.decode()
    assert f'data-item="{catalogue_item.pk}"' in page
    assert f'data-item="{draft.pk}"' not in page
    other_year = client.get("/public/decisions/catalogue/2023/").content.decode()
    assert 'data-testid="catalogue-empty"' in other_year


# --- normative documents ----------------------------------------------------------------------


@pytest.fixture
def documents(county_body, bureau_body, officials):
    from normdocs import services

    def make(body, title, number, published_on, index=""):
        return services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=body,
            title=title,
            number=number,
            published_on=published_on,
            index_number=index,
        )

    docs = [
        make(
            county_body,
            "乌恰县城市管理办法",
            "恰政规〔2022〕1号",
            date(2022, 5, 10),
            "24K458996/2022-00630",
        ),
        make(county_body, "乌恰县计划生育奖励办法", "恰政规〔2021〕2号", date(2021, 3, 1)),
        make(bureau_body, "乌恰县司法局法律援助办法", "恰司规〔2023〕1号", date(2023, 6, 1)),
    ]
    services.normdoc_repeal(
        document=docs[1], by=officials["publisher"], on=date(2024, 1, 1), reason="上位政策已调整"
    )
    return docs


def _rows(client, query=""):
    page = client.get(f"/public/documents/?{query}").content.decode()
    return page


def test_the_register_lists_documents_in_force_by_default(client, documents):
    page = _rows(client)
    assert f'data-document="{documents[0].pk}"' in page
    assert f'data-document="{documents[2].pk}"' in page
    assert f'data-document="{documents[1].pk}"' not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=repealed", [1]),
        ("number=恰司规", [2]),
        ("title=城市管理", [0]),
        ("issuer=司法局", [2]),
        ("issuer=恰政", [0]),
        ("year=2023", [2]),
        ("status=all&year=2021", [1]),
    ],
)
def test_the_register_is_searchable_by_number_title_issuer_year_and_validity(
    client, documents, query, expected
):
    page = _rows(client, query)
    shown = [i for i, d in enumerate(documents) if f'data-document="{d.pk}"' in page]
    assert shown == expected


def test_the_register_is_paginated(client, county_body, officials):
    from normdocs import services

    for i in range(1, 26):
        services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title=f"文件{i}",
            number=f"恰政规〔2022〕{i}号",
            published_on=date(2022, 1, 1),
        )
    first = _rows(client)
    assert 'data-count="25"' in first and 'data-pages="2"' in first
    assert first.count('data-testid="register-row"') == 20
    assert _rows(client, "page=2").count('data-testid="register-row"') == 5


def test_the_register_page_costs_the_same_queries_for_few_and_many_documents(
    client, county_body, officials
):
    from normdocs import services

    def make(i):
        services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title=f"文件{i}",
            number=f"恰政规〔2022〕{i}号",
            published_on=date(2022, 1, 1),
        )

    def count():
        clear_portal_cache()
        with CaptureQueriesContext(connection) as queries:
            client.get("/public/documents/")
        return len(queries)

    for i in range(1, 4):
        make(i)
    few = count()
    for i in range(4, 30):
        make(i)
    assert count() == few


def test_a_document_page_shows_number_index_dates_validity_history_and_filing(client, documents):
    page = client.get(f"/public/documents/{documents[0].pk}/").content.decode()
    assert "恰政规〔2022〕1号" in page and "24K458996/2022-00630" in page
    assert 'data-testid="normdoc-published-on">2022-05-10' in page
    assert f'data-testid="normdoc-valid-until">{documents[0].valid_until:%Y-%m-%d}' in page
    assert 'data-status="in_force"' in page
    assert 'data-action="normdoc.imported"' in page
    assert 'data-testid="normdoc-filing"' in page
    repealed = client.get(f"/public/documents/{documents[1].pk}/").content.decode()
    assert 'data-action="normdoc.repealed"' in repealed and "上位政策已调整" in repealed


def test_a_published_document_shows_its_filing_status(
    client, county_drafter, county_body, officials
):
    from datetime import timedelta

    from normdocs import services
    from normdocs.models import LegalityReview

    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="乌恰县物业管理办法", text="第一条"
    )
    submit_complete(document=document, by=county_drafter, on=date.today() - timedelta(days=40))
    services.legality_review_conclude(
        review=document.reviews.get(),
        by=officials["advisor"],
        outcome=LegalityReview.Outcome.LAWFUL,
        opinion="符合法律法规规定",
        checklist=CHECKLIST,
    )
    services.normdoc_send_to_deliberation(document=document, by=county_drafter)
    services.normdoc_deliberate(
        document=document,
        by=officials["secretary"],
        meeting_kind="executive_meeting",
        meeting_on=date.today(),
        adopted=True,
    )
    services.normdoc_register(document=document, by=officials["publisher"])
    services.normdoc_publish(document=document, by=officials["publisher"])
    page = client.get(f"/public/documents/{document.pk}/").content.decode()
    assert 'data-filing-status="due"' in page
    assert 'data-action="normdoc.published"' in page and 'data-action="normdoc.filing.due"' in page


def test_a_draft_document_does_not_exist_for_the_public(client, county_drafter, county_body):
    from normdocs import services

    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="草稿文件", text="第一条"
    )
    assert client.get(f"/public/documents/{document.pk}/").status_code == 404


def test_cleanup_results_show_the_continue_and_repeal_lists(
    client, documents, officials, county, county_drafter, drafter
):
    from normdocs import selectors, services

    campaign = services.cleanup_open(
        kind="regular",
        government=county,
        by=officials["advisor"],
        title="2026年常态化清理",
        on=date(2026, 3, 2),
        scope={},
    )
    assert client.get(f"/public/documents/cleanups/{campaign.pk}/").status_code == 404
    outcomes = {documents[0].pk: ("continue", "符合上位法"), documents[2].pk: ("repeal", "已过时")}
    for item in selectors.cleanup_entries(campaign):
        by = county_drafter if item.assignment.drafting_body.unit == county else drafter
        outcome, reason = outcomes[item.document_id]
        services.cleanup_item_decide(item=item, by=by, outcome=outcome, reason=reason)
    services.cleanup_close(
        campaign=campaign, by=officials["advisor"], published_on=date(2026, 5, 1)
    )
    listing = client.get("/public/documents/cleanups/").content.decode()
    assert f'data-campaign="{campaign.pk}"' in listing
    page = client.get(f"/public/documents/cleanups/{campaign.pk}/").content.decode()
    continue_list = page.split('data-outcome="continue"')[1].split("</section>")[0]
    repeal_list = page.split('data-outcome="repeal"')[1].split("</section>")[0]
    assert f'data-document="{documents[0].pk}"' in continue_list
    assert f'data-document="{documents[2].pk}"' in repeal_list and "已过时" in repeal_list


# --- feeds and the home page ------------------------------------------------------------------


def test_the_atom_feeds_list_new_consultations_documents_and_decisions(
    client, published_decision, documents
):
    consultations = client.get("/public/consultations/feed/")
    assert consultations["Content-Type"].startswith("application/atom+xml")
    assert published_decision.title in consultations.content.decode()
    decisions = client.get("/public/decisions/feed/").content.decode()
    assert "<feed" in decisions and published_decision.title in decisions
    normdocs = client.get("/public/documents/feed/").content.decode()
    assert "恰政规〔2022〕1号" in normdocs and "乌恰县城市管理办法" in normdocs


def test_the_portal_home_is_public_and_offers_both_languages(client, open_consultation):
    page = client.get("/public/").content.decode()
    assert f'data-consultation="{open_consultation.pk}"' in page
    assert 'name="language" value="en"' in page and 'lang="zh-hans"' in page
    english = client.get("/public/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
