"""The record as a reader reads it (issue 18): each action by its label, each payload as named
fields with coded values translated and ids resolved to names, in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from workflows.record.labels import ACTION_LABELS, action_label, payload_fields
from workflows.record.services import record_append

pytestmark = pytest.mark.django_db


def as_dict(fields):
    return {f.key: (f.value if f.children is None else as_dict(f.children)) for f in fields}


def test_an_action_has_a_chinese_and_an_english_label():
    with translation.override("zh-hans"):
        assert action_label("decision.initiated") == "决策启动"
        assert action_label("decision.new_thing_nobody_labelled") == "记录事项"
    with translation.override("en"):
        assert action_label("decision.initiated") == "Decision started"


def test_every_action_label_is_translated_into_chinese():
    with translation.override("zh-hans"):
        untranslated = [
            code
            for code, label in ACTION_LABELS.items()
            if not any("\u4e00" <= ch <= "\u9fff" for ch in str(label))
        ]
    assert untranslated == []


def test_a_payload_names_its_fields_translates_codes_and_resolves_ids(county, drafter):
    payload = {
        "on": "2026-06-15",
        "lead_unit": county.pk,
        "reviewer": drafter.pk,
        "outcome": "lawful",
        "majority": "for",
        "exploratory_reform": False,
        "levels": {"economy": "low"},
        "closes_at": "2026-07-15T02:00:00+00:00",
    }
    with translation.override("zh-hans"):
        fields = payload_fields(payload)
        labels = {f.key: f.label for f in fields}
        values = as_dict(fields)
    assert labels["lead_unit"] == "承办单位" and labels["on"] == "日期"
    assert values["lead_unit"] == "乌恰县人民政府"
    assert values["reviewer"] == "drafter"  # the person's full name (here their username)
    assert values["outcome"] == "合法"
    assert values["majority"] == "多数赞成"
    assert values["exploratory_reform"] == "否"
    assert values["levels"] == {"economy": "低"}
    assert values["closes_at"] == "2026-07-15 10:00"  # Asia/Shanghai


def test_a_linked_object_is_shown_by_name_with_a_link(county, drafter):
    from decisions.models import Decision

    decision = Decision.objects.create(
        title="关于城区供热价格的决定",
        government=county,
        lead_unit=county,
        created_by=drafter,
        out_of_catalogue_reason="临时事项",
    )
    with translation.override("zh-hans"):
        values = as_dict(payload_fields({"decision": decision.pk}))
    url = reverse("decisions:register:detail", args=[decision.pk])
    assert values["decision"] == f'<a href="{url}">{decision}</a>'


def test_the_timeline_shows_labels_not_codes_or_json(client, archivist, county):
    record_append(
        actor=archivist,
        action="decision_catalogue.item_created",
        subject=county,
        payload={"year": 2026, "title": "城区供热", "lead_unit": county.pk},
    )
    client.force_login(archivist)
    url = reverse(
        "record:timeline", kwargs={"subject_type": "workflows.unit", "object_id": county.pk}
    )
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "新增目录事项" in html and "承办单位" in html and "乌恰县人民政府" in html
    assert 'data-action="decision_catalogue.item_created"' in html
    assert "<code>decision_catalogue.item_created</code>" not in html
    assert '"lead_unit":' not in html  # no JSON
