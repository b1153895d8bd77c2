"""Opening a consultation whose period is no period (issue 18): a closing day before the opening
day or on it, or an opening day in the past, is an error at its field with the input kept, on
the page and by API, never a server error; nothing is opened.

《重大行政决策程序暂行条例》第十五条: the period is counted in days (not less than 30 unless a
reason is published); its days are Asia/Shanghai days. ``consultation_open`` refuses the period
(``period_refusal``); the form shows that refusal at the field, and refuses a backdated opening.
The suite's clock stands at 2026-06-15 10:00 in Asia/Shanghai (tests/conftest.py SUITE_NOW).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from decisions.flows import DecisionFlow
from normdocs import services as normdoc_services
from tests.api import conftest as _api
from tests.decisions import conftest as _decisions
from tests.decisions.test_screens import Scenario, form, task_url
from tests.normdocs import conftest as _normdocs
from workflows.consultations import rules
from workflows.consultations.models import Consultation
from workflows.consultations.services import consultation_open

pytestmark = pytest.mark.django_db

api = _api.api
catalogue_item, drive, people = _decisions.catalogue_item, _decisions.drive, _decisions.people

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAME_DAY = "征求意见截止日须晚于开始日。"
BACKDATED = "征求意见开始日期不得早于今日（2026-06-15）。"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def open_task(drive, people, clock):
    scenario = Scenario(drive, people)
    scenario.up_to("open_consultation")
    task = scenario.process.task_set.get(flow_task=DecisionFlow.open_consultation)
    return scenario, task


def _post(client, people, task, **fields):
    client.force_login(people["drafter"])
    return client.post(task_url(task), form("open", **fields), HTTP_ACCEPT_LANGUAGE="zh-hans")


def _field_block(body: str, name: str) -> str:
    start = body.index(f'data-field="{name}"')
    end = body.find('data-field="', start + 1)
    return body[start : end if end != -1 else len(body)]


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "reason"),
    [
        ("2026-06-20T09:00", "2026-06-18T09:00", ""),  # closes before it opens
        ("2026-06-20T09:00", "2026-06-20T09:00", ""),  # closes the moment it opens
        ("2026-06-20T09:00", "2026-06-20T18:00", "情况紧急"),  # closes the day it opens
    ],
)
def test_a_closing_day_not_after_the_opening_day_is_an_error_at_its_field(
    client, people, open_task, opens_at, closes_at, reason
):
    _scenario, task = open_task
    response = _post(
        client, people, task, opens_at=opens_at, closes_at=closes_at, short_period_reason=reason
    )
    assert response.status_code == 200
    body = response.content.decode()
    block = _field_block(body, "closes_at")
    # At the field, directly under its input, which names it and says it is invalid.
    assert SAME_DAY in block
    assert block.index(SAME_DAY) > block.index('name="open-closes_at"')
    assert 'aria-invalid="true"' in block
    assert "id_open-closes_at_error" in block
    assert 'id="id_open-closes_at_error"' in block
    # Once on the page, not again at the top.
    assert body.count(SAME_DAY) == 1
    assert 'data-testid="form-errors"' not in body
    # The input is kept.
    assert f'value="{opens_at}"' in body and f'value="{closes_at}"' in body
    if reason:
        assert reason in _field_block(body, "short_period_reason")
    assert not Consultation.objects.exists()
    task.refresh_from_db()
    assert task.status == "NEW"


def test_a_backdated_opening_is_refused_at_its_field(client, people, open_task):
    _scenario, task = open_task
    response = _post(
        client, people, task, opens_at="2026-06-14T09:00", closes_at="2026-07-20T09:00"
    )
    assert response.status_code == 200
    body = response.content.decode()
    block = _field_block(body, "opens_at")
    assert BACKDATED in block
    assert 'aria-invalid="true"' in block
    assert 'value="2026-06-14T09:00"' in body and 'value="2026-07-20T09:00"' in body
    assert not Consultation.objects.exists()


def test_today_at_an_earlier_hour_is_not_backdated_and_opens(client, people, open_task):
    scenario, task = open_task
    response = _post(
        client, people, task, opens_at="2026-06-15T08:00", closes_at="2026-07-16T08:00"
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.opens_at == datetime(2026, 6, 15, 8, 0, tzinfo=SHANGHAI)
    scenario.d.refresh_from_db()


def test_the_page_states_the_limits_before_they_are_broken(client, people, open_task):
    _scenario, task = open_task
    client.force_login(people["drafter"])
    body = client.get(task_url(task), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    closes = _field_block(body, "closes_at")
    assert "征求意见期不少于30日" in closes and "第十五条" in closes
    assert 'aria-describedby="id_open-closes_at_helptext"' in closes
    assert "不得早于今日" in _field_block(body, "opens_at")


def test_by_api_the_same_refusals_name_their_fields(api, people, open_task):
    scenario, _task = open_task
    client = api(people["drafter"])
    url = f"/api/v1/decisions/{scenario.d.pk}/consultation-open/"
    same_day = client.post(
        url,
        {"opens_at": "2026-06-20T09:00", "closes_at": "2026-06-20T18:00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert same_day.status_code == 400, same_day.content
    assert list(same_day.json()["errors"]) == ["closes_at"]
    assert SAME_DAY in same_day.json()["errors"]["closes_at"][0]
    backdated = client.post(
        url,
        {"opens_at": "2026-06-01T09:00", "closes_at": "2026-07-20T09:00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert backdated.status_code == 400, backdated.content
    assert backdated.json()["errors"] == {"opens_at": [BACKDATED]}
    assert not Consultation.objects.exists()


def test_the_service_refuses_a_period_ending_the_day_it_starts(drafter, justice_bureau, clock):
    """The service is the authority: whoever calls it (a page, the API, normdocs, the demo)."""
    with pytest.raises(ValidationError) as refused:
        consultation_open(
            subject=justice_bureau,
            by=drafter,
            title="征求意见",
            draft_text="第一条……",
            opens_at=datetime(2026, 6, 20, 9, 0, tzinfo=SHANGHAI),
            closes_at=datetime(2026, 6, 20, 23, 0, tzinfo=SHANGHAI),
            short_period_reason="情况紧急",
        )
    assert refused.value.code == "closes_before_opening"
    assert not Consultation.objects.exists()


def test_the_days_are_counted_in_asia_shanghai():
    # 00:30 and 23:30 on 20 June in Shanghai are two UTC days, one Shanghai day: refused.
    assert (
        rules.period_problem(
            opens_at=datetime(2026, 6, 20, 0, 30, tzinfo=SHANGHAI),
            closes_at=datetime(2026, 6, 20, 23, 30, tzinfo=SHANGHAI),
            minimum_days=30,
            short_period_reason="情况紧急",
        )
        == "closes_before_opening"
    )
    # 23:00 on 20 June to 01:00 on 21 June in Shanghai is one UTC day, two Shanghai days: a
    # (short) period, accepted with its reason.
    assert (
        rules.period_problem(
            opens_at=datetime(2026, 6, 20, 23, 0, tzinfo=SHANGHAI),
            closes_at=datetime(2026, 6, 21, 1, 0, tzinfo=SHANGHAI),
            minimum_days=30,
            short_period_reason="情况紧急",
        )
        is None
    )


bureau_body, county_body = _normdocs.bureau_body, _normdocs.county_body


@pytest.mark.parametrize("closes_on", ["2026-06-15", "2026-06-10"])
def test_a_normative_documents_consultation_closing_today_or_before_is_a_field_error(
    client, drafter, bureau_body, clock, closes_on
):
    """A document's consultation opens when it is sent (today) and closes at the end of the day
    chosen: today or an earlier day is no period (the same rule, 令第218号 and 第十五条)."""
    document = normdoc_services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="规定", touches_public_interest=True
    )
    client.force_login(drafter)
    response = client.post(
        f"/normdocs/register/{document.pk}/",
        {
            "action": "open_consultation",
            "open_consultation-closes_on": closes_on,
            "open_consultation-short_period_reason": "情况紧急",
        },
        **{"HTTP_ACCEPT_LANGUAGE": "zh-hans"},
    )
    assert response.status_code == 200
    block = _field_block(response.content.decode(), "closes_on")
    assert SAME_DAY in block and 'aria-invalid="true"' in block
    assert f'value="{closes_on}"' in block
    assert not Consultation.objects.exists()
