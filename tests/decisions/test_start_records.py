"""The government's decision to start (第十条) and the Party committee's consent to the yearly
catalogue (第三条) are on record: refused without, accepted with, shown where people read them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions import services as s
from decisions.models import CatalogueItem, Stage
from decisions.rules import start as rules

from .conftest import LEGAL_BASIS

pytestmark = pytest.mark.django_db


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value
    return info.value


def test_the_draft_is_not_submitted_without_the_governments_decision_to_start(
    people, catalogue_item, client
):
    drafter = people["drafter"]
    d = s.decision_initiate(
        by=drafter,
        lead_unit=people["bureau"],
        catalogue_item=catalogue_item,
        title="关于调整城区供热价格的决定",
        problem="供热成本上涨。",
        legal_basis=LEGAL_BASIS,
    )
    s.decision_draft_save(
        decision=d, by=drafter, draft_text="第一条 ……", drafting_explanation="起草说明"
    )
    error = refused("start_decision_required", s.decision_draft_submit, decision=d, by=drafter)
    assert set(error.missing) == {"start_decided_by", "start_decided_on", "start_reference"}
    # Recorded right after initiation, with the draft; a later save leaving them empty keeps it.
    s.decision_draft_save(
        decision=d,
        by=drafter,
        draft_text="第一条 ……",
        start_decided_by="县人民政府第12次常务会议",
        start_decided_on=date(2024, 2, 1),
        start_reference="县政府常务会议纪要〔2024〕12号",
    )
    s.decision_draft_save(decision=d, by=drafter, draft_text="第一条 …… 第二条 ……")
    d.refresh_from_db()
    assert d.start_reference == "县政府常务会议纪要〔2024〕12号"
    s.decision_draft_submit(decision=d, by=drafter)
    d.refresh_from_db()
    assert d.stage == Stage.CONSULTATION

    client.force_login(drafter)
    page = client.get(reverse("decisions:register:detail", args=[d.pk])).content.decode()
    assert "县人民政府第12次常务会议" in page
    assert "2024-02-01" in page
    assert "县政府常务会议纪要〔2024〕12号" in page


def test_the_start_decision_given_at_initiation_is_kept(drive):
    d = drive.initiate()
    assert d.start_decided_by == "乌恰县人民政府县长"
    assert d.start_decided_on == date(2024, 1, 15)
    assert d.start_reference == "县长批示〔2024〕第3号"


def test_the_catalogue_is_published_only_after_the_party_committees_consent(people, client):
    compiler, county = people["legal_advisor"], people["county"]
    item = s.catalogue_item_create(
        by=compiler,
        government=county,
        year=2025,
        title="城区停车收费标准",
        lead_unit=people["bureau"],
    )
    refused("party_consent_required", s.catalogue_item_publish, item=item, by=compiler)
    error = refused(
        "party_consent_incomplete",
        s.catalogue_party_consent_record,
        by=compiler,
        government=county,
        year=2025,
        consented_by="中共乌恰县委常委会",
        consented_on=None,
        reference="",
    )
    assert set(error.missing) == {"party_consent_on", "party_consent_reference"}
    assert (
        s.catalogue_party_consent_record(
            by=compiler,
            government=county,
            year=2025,
            consented_by="中共乌恰县委常委会",
            consented_on=date(2025, 1, 8),
            reference="县委常委会2025年第2次会议",
        )
        == 1
    )
    s.catalogue_item_publish(item=item, by=compiler)
    item.refresh_from_db()
    assert item.status == CatalogueItem.Status.PUBLISHED
    assert item.party_consent_recorded_by == compiler

    page = client.get(reverse("public:decision-catalogue", args=[2025])).content.decode()
    assert "城区停车收费标准" in page
    assert "中共乌恰县委常委会" in page
    assert "2025-01-08" in page
    assert "县委常委会2025年第2次会议" in page


def test_the_rules():
    assert rules.start_decision_missing(decided_by="", decided_on=None, reference=" ") == [
        "start_decided_by",
        "start_decided_on",
        "start_reference",
    ]
    assert not rules.start_decision_missing(
        decided_by="县长", decided_on=date(2024, 1, 1), reference="批示"
    )
    assert rules.party_consent_missing(consented_by="县委", consented_on=None, reference="x") == [
        "party_consent_on"
    ]
    assert not rules.party_consent_missing(
        consented_by="县委", consented_on=date(2024, 1, 1), reference="x"
    )
    assert rules.drafting_explanation_missing(explanation="  ")
    assert not rules.drafting_explanation_missing(explanation="说明")


def test_the_start_decision_is_given_on_the_start_page_and_by_the_api(
    people, catalogue_item, client
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from decisions.models import Decision

    drafter = people["drafter"]
    client.force_login(drafter)
    response = client.post(
        reverse("decisions:register:start"),
        {
            "catalogue_item": catalogue_item.pk,
            "lead_unit": people["bureau"].pk,
            "title": "页面启动的决策",
            "problem": "问题",
            "legal_basis": "《价格法》",
            "start_decided_by": "县长",
            "start_decided_on": "2024-03-01",
            "start_reference": "县长批示〔2024〕7号",
        },
    )
    assert response.status_code == 302
    d = Decision.objects.get(title="页面启动的决策")
    assert (d.start_decided_by, d.start_decided_on, d.start_reference) == (
        "县长",
        date(2024, 3, 1),
        "县长批示〔2024〕7号",
    )

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=drafter)[0].key}")
    response = api.post(
        "/api/v1/decisions/",
        {
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "接口启动的决策",
            "problem": "问题",
            "legal_basis": ["《价格法》"],
            "start_decided_by": "县政府第3次常务会议",
            "start_decided_on": "2024-03-02",
            "start_reference": "常务会议纪要〔2024〕3号",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["start_decided_by"] == "县政府第3次常务会议"
    assert body["start_decided_on"] == "2024-03-02"
    assert body["start_reference"] == "常务会议纪要〔2024〕3号"
