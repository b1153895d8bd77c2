"""The timeline of a normative document on its page (issue 18): drafting, legality review,
deliberation, registration, publication, entry into force and filing as a stepper — done with
date and person, the current stage with the steps open and to whom they are offered, its due
date and the legal source of its clock, the stages still to come — and its full-process record
one click away."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from normdocs import services
from normdocs.progress import document_progress
from normdocs.views import _deadlines
from tests import stepper_template
from workflows.progress import CURRENT, DONE, NEXT

from .conftest import submit_complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stepper_equals_template(monkeypatch):
    """Every stepper rendered here is also the template's (tests/stepper_template.py)."""
    return stepper_template.check(monkeypatch)


BASE = "/normdocs/register/"


def progress_of(document):
    return document_progress(document=document, deadlines=_deadlines(document))


def states(progress) -> dict[str, str]:
    return {stage.key: stage.state for stage in progress.stages}


def page(user, document) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"{BASE}{document.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stage_html(body: str, key: str) -> str:
    start = body.index(f'data-testid="progress-stage" data-stage="{key}"')
    following = body.find('data-testid="progress-stage"', start + 1)
    return body[start : following if following != -1 else body.index("</ol>", start)]


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律顾问工作规则"
    )


def test_a_draft_is_at_drafting_offered_to_its_bodys_drafters(draft, drafter, officials):
    progress = progress_of(draft)
    assert states(progress) == {
        "draft": CURRENT,
        "legality_review": NEXT,
        "deliberation": NEXT,
        "registered": NEXT,
        "published": NEXT,
        "in_force": NEXT,
        "filing": NEXT,
    }
    drafting = progress.stage("draft")
    with translation.override("zh-hans"):
        works = [str(h.work) for h in drafting.holders]
        assert any("合法性审核" in work for work in works), works
        assert all(h.offered_to == ["乌恰县司法局 · 起草人"] for h in drafting.holders)
    assert drafting.clocks == []

    body = page(drafter, draft)
    current = stage_html(body, "draft")
    assert 'aria-current="step"' in current
    assert body.count('aria-current="step"') == 1
    assert 'data-testid="stage-no-clock"' in current
    assert "办理进度" in body and "当前环节" in body
    # No viewflow process: the timeline is the document's stepper, with no chart.
    assert 'data-testid="chart-link"' not in body


def test_under_review_the_draft_is_done_and_the_review_clock_is_shown(
    draft, drafter, officials, travel_to
):
    # Monday 00:30 in Beijing time is still Sunday in UTC: the page reads Beijing time.
    travel_to(datetime(2026, 6, 15, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    submit_complete(document=draft, by=drafter)
    draft.refresh_from_db()
    progress = progress_of(draft)
    assert states(progress)["draft"] == DONE
    assert states(progress)["legality_review"] == CURRENT
    drafting = progress.stage("draft")
    assert drafting.done_at == date(2026, 6, 15)
    assert drafting.done_by == (drafter.get_full_name() or drafter.username)

    review = progress.stage("legality_review")
    with translation.override("zh-hans"):
        assert [h.offered_to for h in review.holders] == [["乌恰县司法局 · 法律顾问"]]
    [clock] = review.clocks
    assert clock.legal_source == "国办发〔2018〕115号 三(二)：最长不超过15个工作日"
    # 15 working days from Monday 2026-06-15, past the Dragon Boat Festival (06-19).
    assert clock.due == date(2026, 7, 7)

    body = page(officials["advisor"], draft)
    current = stage_html(body, "legality_review")
    assert 'aria-current="step"' in current
    assert 'data-due="2026-07-07"' in current
    assert "国办发〔2018〕115号 三(二)" in current
    assert "乌恰县司法局 · 法律顾问" in current
    done = stage_html(body, "draft")
    assert "2026-06-15" in done and 'data-testid="stage-done-by"' in done


def test_once_published_the_entry_into_force_and_the_filing_are_current(
    draft, drafter, officials, drive
):
    drive(draft, "published", drafter=drafter)
    progress = progress_of(draft)
    assert states(progress) == {
        "draft": DONE,
        "legality_review": DONE,
        "deliberation": DONE,
        "registered": DONE,
        "published": DONE,
        "in_force": CURRENT,
        "filing": CURRENT,
    }
    assert progress.stage("registered").done_by == (
        officials["publisher"].get_full_name() or officials["publisher"].username
    )
    assert progress.stage("deliberation").done_at == date(2026, 6, 15)
    filing = progress.stage("filing")
    [clock] = [c for c in filing.clocks if c.deadline.rule_key == "normdocs.filing"]
    assert clock.legal_source.startswith("自治区人民政府令第218号")
    assert clock.due is not None
    # The filing's clock is the filing's, not the entry into force's.
    assert all(c.deadline.rule_key != "normdocs.filing" for c in progress.stage("in_force").clocks)

    body = page(drafter, draft)
    # Two stages run side by side; the screen reader's current step is the first.
    assert body.count('aria-current="step"') == 1
    assert 'aria-current="step"' in stage_html(body, "in_force")
    assert f"施行日期：{draft.effective_on.isoformat()}" in stage_html(body, "in_force")
    assert f'data-due="{clock.due.isoformat()}"' in stage_html(body, "filing")


def test_the_document_page_links_its_full_process_record(draft, drafter):
    body = page(drafter, draft)
    record = f"/record/normdocs.normativedocument/{draft.pk}/"
    assert f'href="{record}" data-testid="record-link"' in body
    client = Client()
    client.force_login(drafter)
    assert client.get(record).status_code == 200


def test_the_timeline_reads_in_english_in_the_english_ui(draft, drafter, settings):
    client = Client()
    client.force_login(drafter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(f"{BASE}{draft.pk}/").content.decode()
    current = stage_html(body, "draft")
    assert "current stage" in current and "Drafting" in current and "当前环节" not in body
