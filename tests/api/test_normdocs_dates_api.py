"""Dates across a document's steps hold together, or the step is refused with a code the
caller can act on: published no earlier than registered (三统一, 国办发〔2018〕37号 二(六)), a
filing received no earlier than the publication (令第218号)."""

from datetime import date

import pytest

from normdocs import services
from normdocs.rules import RuleRefusal
from tests.normdocs import conftest as _normdocs

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body
officials = _normdocs.officials
drive = _normdocs.drive


@pytest.fixture
def registered(bureau_body, drafter, drive):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="关于规范行政执法的规定", text="第一条"
    )
    return drive(document, "registered", drafter=drafter)  # registered today, 2026-06-15


def test_a_publication_before_the_registration_is_refused_with_its_code(api, officials, registered):
    url = f"/api/v1/normdocs/{registered.pk}/publish/"
    client = api(officials["publisher"])
    response = client.post(
        url, {"published_on": "2026-06-14"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "published_before_registration"
    assert response.json()["errors"] == {
        "non_field_errors": [
            "The publication date cannot be before the registration date "
            "(registered on 2026-06-15)."
        ]
    }
    registered.refresh_from_db()
    assert registered.published_on is None
    same_day = client.post(url, {"published_on": "2026-06-15"}, format="json")
    assert same_day.status_code == 200, same_day.content


def test_a_filing_received_before_the_publication_is_refused_with_its_code(
    api, officials, registered
):
    publisher = api(officials["publisher"])
    url = f"/api/v1/normdocs/{registered.pk}"
    published = publisher.post(f"{url}/publish/", {"published_on": "2026-06-15"}, format="json")
    assert published.status_code == 200, published.content
    response = publisher.post(
        f"{url}/filing-submit/",
        {"received_on": "2026-06-10"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "received_before_publication"
    assert response.json()["errors"]["non_field_errors"] == [
        "备案接收日期不得早于文件公布日期（公布于2026-06-15）。"
    ]
    assert (
        publisher.post(
            f"{url}/filing-submit/", {"received_on": "2026-06-15"}, format="json"
        ).json()["filing_status"]
        == "received"
    )


def test_the_service_refuses_alike(officials, registered):
    with pytest.raises(RuleRefusal) as e:
        services.normdoc_publish(
            document=registered, by=officials["publisher"], published_on=date(2026, 1, 1)
        )
    assert e.value.code == "published_before_registration"
