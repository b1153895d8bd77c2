"""Dates, offsets and numbers out of range are a 400 naming the field, on the page and by API
(workflows.validators), never a server error, and nothing is saved: a comment period closing in
the year 3845 (its clock's length overflowed a smallint), an offset of +16:57 (PostgreSQL
refuses it), a period longer than a year, a year or an id of thirty digits."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from decisions.flows import DecisionFlow
from decisions.models import CatalogueItem
from normdocs import services as normdoc_services
from normdocs.models import Filing
from tests.decisions.test_screens import Scenario, form, task_url
from tests.normdocs import conftest as _normdocs
from workflows.consultations.models import Consultation

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body

HUGE = 10**30
MESSAGES = {
    "year": "Enter a date between the years 1949 and 2100.",
    "offset": "Enter a time-zone offset between -14:00 and +14:00.",
    "period": "A comment period may last at most 365 days.",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


def _consultation_cases():
    now = _now()
    opens = now.strftime("%Y-%m-%dT%H:%M")
    return {
        # field → (opens_at, closes_at, message)
        "year": ("closes_at", opens, "3845-01-01T10:00", MESSAGES["year"]),
        "offset": (
            "opens_at",
            f"{opens}+16:57",
            (now + timedelta(days=31)).isoformat(),
            MESSAGES["offset"],
        ),
        "period": ("closes_at", opens, (now + timedelta(days=400)).isoformat(), MESSAGES["period"]),
    }


@pytest.fixture
def consultation_task(drive, people):
    scenario = Scenario(drive, people)
    scenario.up_to("open_consultation")
    return scenario, scenario.process.task_set.get(flow_task=DecisionFlow.open_consultation)


@pytest.mark.parametrize("case", ["year", "offset", "period"])
def test_a_comment_period_out_of_range_is_an_error_on_its_field_on_the_page(
    client, people, consultation_task, case
):
    scenario, task = consultation_task
    field, opens_at, closes_at, message = _consultation_cases()[case]
    client.force_login(people["drafter"])
    response = client.post(
        task_url(task),
        form("open", opens_at=opens_at, closes_at=closes_at),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # The message stands directly under its own field's input (form_fields.html).
    assert (
        body.index(message)
        > body.index(f'name="open-{field}"')
        > body.index(f'for="id_open-{field}"')
    )
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("case", ["year", "offset", "period"])
def test_a_comment_period_out_of_range_is_a_400_naming_its_field_by_api(
    api, people, consultation_task, case
):
    scenario, _task = consultation_task
    field, opens_at, closes_at, message = _consultation_cases()[case]
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{scenario.d.pk}/consultation-open/",
        {"opens_at": opens_at, "closes_at": closes_at},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {field: [message]}
    assert not Consultation.objects.exists()


def test_the_message_is_in_chinese_for_a_chinese_reader(api, people, consultation_task):
    scenario, _task = consultation_task
    _field, opens_at, closes_at, _message = _consultation_cases()["year"]
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{scenario.d.pk}/consultation-open/",
        {"opens_at": opens_at, "closes_at": closes_at},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["closes_at"] == ["请输入1949年至2100年之间的日期。"]


def test_a_year_long_period_is_still_accepted(api, people, consultation_task):
    scenario, _task = consultation_task
    now = _now()
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{scenario.d.pk}/consultation-open/",
        {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=365)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Consultation.objects.get().closes_at - Consultation.objects.get().opens_at == timedelta(
        days=365
    )


# --- normative documents: a date of the procedure ----------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [("3845-05-01", MESSAGES["year"]), ("1900-05-01", MESSAGES["year"])],
)
def test_a_date_out_of_range_is_a_400_naming_it_on_a_normative_document(
    api, drafter, bureau_body, value, message
):
    document = normdoc_services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="规定", touches_public_interest=True
    )
    response = api(drafter).post(
        f"/api/v1/normdocs/{document.pk}/open-consultation/",
        {"closes_on": value},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"closes_on": [message]}
    assert not Consultation.objects.exists()


def test_a_normative_documents_comment_period_of_more_than_a_year_is_refused_on_the_page(
    client, drafter, bureau_body
):
    document = normdoc_services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="规定", touches_public_interest=True
    )
    client.force_login(drafter)
    response = client.post(
        f"/normdocs/register/{document.pk}/",
        {
            "action": "open_consultation",
            "open_consultation-closes_on": str(date.today() + timedelta(days=800)),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert MESSAGES["period"] in response.content.decode()
    assert not Consultation.objects.exists()
    assert not Filing.objects.exists()


# --- numbers ----------------------------------------------------------------------------------


def test_a_year_of_thirty_digits_is_an_error_on_the_page_and_a_400_by_api(client, api, people):
    client.force_login(people["legal_advisor"])
    response = client.post(
        reverse("decisions:catalogue:create"),
        {"year": str(HUGE), "title": "目录", "lead_unit": people["bureau"].pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not CatalogueItem.objects.exists()
    response = api(people["drafter"]).get(f"/api/v1/decisions/?year={HUGE}")
    assert response.status_code == 400 and "year" in response.json()["errors"]


def test_a_number_of_thirty_digits_is_a_400_naming_its_field_by_api(api, people, consultation_task):
    scenario, _task = consultation_task
    client = api(people["drafter"])
    assert "unit" in client.get(f"/api/v1/decisions/?unit={HUGE}").json()["errors"]
    response = client.post(
        f"/api/v1/decisions/{scenario.d.pk}/consultation-open/",
        {"opens_at": HUGE, "closes_at": HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"opens_at", "closes_at"}
    assert not Consultation.objects.exists()
