"""Real Chromium (issue 17): a county-government document whose review asks for amendments is
revised (修改稿), reviewed again and found lawful with the content-limit checklist,
deliberated at the executive meeting, numbered and published with its issued text (印发稿)
in full on the portal, and filed with the two bodies outside the county — the prefecture
government and the county people's congress standing committee —, the submission and the
receipt of each recorded by the clerk. Every step by the person whose step it is, through the
staff UI; the stored state checked after each."""

from datetime import date

import pytest

# The normdocs people and bodies, shared with tests/normdocs; the signed-in pages.
from tests.browser.test_normdoc_journey import as_user  # noqa: F401
from tests.normdocs.conftest import county_body, county_drafter, officials  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_DRAFT = "第一条　为了加强城乡环境卫生管理，制定本规定。\n第二条　违反本规定的，处以罚款。"
REVISED = "第一条　为了加强城乡环境卫生管理，制定本规定。\n第二条　乡镇人民政府负责组织实施。"
NEEDED_BY = "2026-06-30"  # more than 5 working days after Monday 15 June 2026 (端午 19 June)
BODIES = ("克孜勒苏柯尔克孜自治州人民政府", "乌恰县人大常委会")


def _lf(text: str) -> str:
    """A browser sends a textarea's lines ended by CRLF (HTML form submission)."""
    return text.replace("\r\n", "\n")


def _status(page) -> str:
    return page.get_by_test_id("normdoc").get_attribute("data-status")


def _send(page, action: str) -> None:
    page.get_by_test_id(f"submit-{action}").click()
    page.wait_for_load_state("networkidle")
    errors = page.locator(f"[data-testid=form-{action}] .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def _submit_for_review(page) -> None:
    """The submission and its materials (国办发〔2018〕115号 二(三)) and the needed-by date."""
    page.fill("textarea[name=submit_review-drafting_explanation]", "依据上位法，结合本县实际起草。")
    page.fill("textarea[name=submit_review-legal_basis]", "《城市市容和环境卫生管理条例》")
    page.fill("textarea[name=submit_review-comment_account]", "已征求各乡镇意见，均已采纳。")
    page.fill("input[name=submit_review-opinion_needed_by]", NEEDED_BY)
    _send(page, "submit_review")


def _conclude(page, outcome: str, opinion: str, problems: dict[str, str]) -> None:
    from normdocs.rules import CONTENT_LIMITS

    page.select_option("select[name=conclude_review-outcome]", outcome)
    page.fill("textarea[name=conclude_review-opinion]", opinion)
    for key in CONTENT_LIMITS:  # every content limit answered
        answer = "problem" if key in problems else "complies"
        page.select_option(f"select[name=conclude_review-check_{key}]", answer)
        if key in problems:
            page.fill(f"input[name=conclude_review-note_{key}]", problems[key])
    _send(page, "conclude_review")


def test_a_revised_document_is_published_with_its_issued_text_and_filed_outside_the_county(
    as_user,  # noqa: F811
    live_server,
    request,
):
    from normdocs import services
    from normdocs.models import DocumentVersion, Filing, NormativeDocument
    from normdocs.rules import CONTENT_LIMITS
    from tests.portal.conftest import clear_portal_cache

    body = request.getfixturevalue("county_body")
    people = request.getfixturevalue("officials")
    drafter = request.getfixturevalue("county_drafter")
    penalty = next(key for key in CONTENT_LIMITS if "penalty" in key)

    # The draft, made by service to keep the journey short.
    document = services.normdoc_create(
        by=drafter, drafting_body=body, title="乌恰县城乡环境卫生管理规定", text=FIRST_DRAFT
    )
    page_url = f"{live_server.url}/normdocs/register/{document.pk}/"

    def stored():
        document.refresh_from_db()
        return document

    # 1. The drafter submits it for legality review with its materials.
    page = as_user(drafter)
    page.goto(page_url)
    _submit_for_review(page)
    assert _status(page) == "legality_review"
    first = stored().reviews.get()
    assert first.opinion_needed_by == date(2026, 6, 30)
    assert first.drafting_explanation and first.legal_basis and first.comment_account
    assert first.version.text == FIRST_DRAFT

    # 2. 司法局's advisor: needs amendment, the penalty clause exceeds the county's powers.
    advisor = as_user(people["advisor"])
    advisor.goto(page_url)
    _conclude(advisor, "needs_amendment", "第二条设定罚款，超越权限。", {penalty: "第二条设定罚款"})
    assert advisor.get_by_test_id("review").get_attribute("data-outcome") == "needs_amendment"
    first.refresh_from_db()
    assert first.outcome == "needs_amendment"
    assert first.content_checklist[penalty] == {"ok": False, "note": "第二条设定罚款"}

    # 3. The drafter revises the text: a new version, the 修改稿, and back to drafting.
    page.goto(page_url)
    page.fill("textarea[name=revise-text]", REVISED)
    page.fill("textarea[name=revise-note]", "删去第二条罚款规定")
    _send(page, "revise")
    assert _status(page) == "draft"
    revised = stored().versions.order_by("-number").first()
    assert (revised.kind, _lf(revised.text)) == (DocumentVersion.Kind.REVISED, REVISED)
    assert _lf(document.text) == REVISED
    assert page.locator(
        f'[data-testid=version][data-version="{revised.number}"][data-kind=revised]'
    ).is_visible()

    # 4. Submitted again: the new review names the revised version.
    _submit_for_review(page)
    assert _status(page) == "legality_review"
    second = stored().reviews.order_by("-id").first()
    assert second.pk != first.pk and second.version_id == revised.pk

    # 5. Lawful, with the content-limit checklist, every item complying.
    advisor.goto(page_url)
    _conclude(advisor, "lawful", "制定主体合法，内容合法，程序合法。", {})
    second.refresh_from_db()
    assert second.outcome == "lawful"
    assert all(item["ok"] for item in second.content_checklist.values())
    assert set(second.content_checklist) == set(CONTENT_LIMITS)

    # 6. To deliberation; the county government's executive meeting adopts it.
    page.goto(page_url)
    _send(page, "send_to_deliberation")
    assert _status(page) == "deliberation"
    secretary = as_user(people["secretary"])
    secretary.goto(page_url)
    secretary.select_option("select[name=deliberate-meeting_kind]", "executive_meeting")
    secretary.check("input[name=deliberate-adopted]")
    _send(secretary, "deliberate")
    deliberation = stored().deliberations.get()
    assert (deliberation.meeting_kind, deliberation.adopted) == ("executive_meeting", True)
    assert deliberation.version_id == revised.pk
    assert secretary.get_by_test_id("deliberation").get_attribute("data-meeting") == (
        "executive_meeting"
    )

    # 7. Registered, numbered and published.
    publisher = as_user(people["publisher"])
    publisher.goto(page_url)
    _send(publisher, "register")
    number = publisher.get_by_test_id("normdoc").get_attribute("data-number")
    assert number == "恰政规〔2026〕1号" == stored().number
    _send(publisher, "publish")
    assert _status(publisher) == stored().status == "published"
    issued = document.versions.get(kind=DocumentVersion.Kind.AS_ISSUED)
    assert _lf(issued.text) == REVISED

    # 8. The portal shows the text as issued, in full — the 印发稿, never the first draft.
    clear_portal_cache()
    portal = as_user(people["publisher"])
    portal.goto(f"{live_server.url}/public/documents/{document.pk}/")
    assert portal.get_by_test_id("normdoc-number").inner_text().strip() == number
    version = portal.get_by_test_id("normdoc-text-version")
    assert version.get_attribute("data-kind") == "as_issued"
    assert version.get_attribute("data-version") == str(issued.number)
    text = portal.get_by_test_id("normdoc-text").inner_text()
    assert "乡镇人民政府负责组织实施" in text and "处以罚款" not in text

    # 9. Filed outside the county: the clerk records each submission, then each receipt.
    filings = {f.receiving_body.name: f for f in document.filings.select_related("receiving_body")}
    assert set(filings) == set(BODIES)
    publisher.goto(page_url)
    for n, name in enumerate(BODIES, start=1):
        filing = filings[name]
        publisher.select_option(
            "select[name=filing_external_submit-receiving_body]", str(filing.receiving_body_id)
        )
        publisher.fill("input[name=filing_external_submit-submitted_on]", "2026-06-16")
        publisher.fill("input[name=filing_external_submit-reference]", f"恰政备〔2026〕{n}号")
        publisher.fill(
            "textarea[name=filing_external_submit-materials]",
            "备案报告、规范性文件正式文本、起草说明",
        )
        _send(publisher, "filing_external_submit")
        filing.refresh_from_db()
        assert filing.status == Filing.Status.SUBMITTED
        assert (filing.submitted_on, filing.reference) == (
            date(2026, 6, 16),
            f"恰政备〔2026〕{n}号",
        )
    for name in BODIES:
        filing = filings[name]
        publisher.select_option(
            "select[name=filing_external_receipt-receiving_body]", str(filing.receiving_body_id)
        )
        publisher.fill("input[name=filing_external_receipt-received_on]", "2026-06-17")
        _send(publisher, "filing_external_receipt")
        filing.refresh_from_db()
        assert (filing.status, filing.received_on) == (Filing.Status.RECEIVED, date(2026, 6, 17))
        assert filing.review_due_on is not None
        shown = publisher.locator(f'[data-testid=filing][data-receiver="{name}"]')
        assert shown.get_attribute("data-status") == "received"
        assert shown.get_attribute("data-received-on") == "2026-06-17"
    assert NormativeDocument.objects.get(pk=document.pk).status == "published"
