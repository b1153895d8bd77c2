"""A payload's fields as the timeline shows them (``fields_html``): a definition list whose
nested fields are nested lists, every label and code escaped, names linked to their pages,
and a dash for an empty payload; the names a page shows are looked up before its fields are
built (``payloads_prefetch``), one query per model."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Decision
from workflows.record.labels import Resolver, fields_html, payload_fields, payloads_prefetch

pytestmark = pytest.mark.django_db


def _html(payload, resolver=None) -> str:
    return str(fields_html(payload_fields(payload, resolver or Resolver())))


def test_an_empty_payload_is_a_dash():
    assert _html({}) == "—\n"


def test_each_field_is_a_term_and_its_value_in_the_order_shown():
    html = _html({"opinion": "同意", "on": "2024-01-02"})
    assert html.startswith('<dl class="fz-record-fields">') and html.endswith("</dl>\n")
    assert html.index('data-key="on"') < html.index('data-key="opinion"')
    assert "<dd>同意</dd>" in html


def test_a_nested_payload_is_a_nested_list():
    html = _html({"levels": {"legal": "high", "social": {"note": "低"}}})
    assert html.count('<dl class="fz-record-fields">') == 3
    assert html.count("</dl>") == 3
    assert '<dt data-key="levels">' in html and '<dt data-key="note">' in html


def test_markup_in_a_value_a_key_or_a_label_is_escaped():
    html = _html({"opinion": "<script>x</script>", '<b key="1">': {"<i>": "&"}})
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b key" not in html and "&lt;b key=&quot;1&quot;&gt;" in html
    assert "<i>" not in html and "&amp;" in html


def test_a_decision_named_by_id_is_linked_to_its_page(county, drafter):
    decision = Decision.objects.create(
        title="关于<城区>供热价格的决定",
        government=county,
        lead_unit=county,
        created_by=drafter,
        out_of_catalogue_reason="临时事项",
    )
    html = _html({"decision": decision.pk, "reviewer": drafter.pk})
    page = reverse("decisions:register:detail", args=[decision.pk])
    assert f'<a href="{page}">关于&lt;城区&gt;供热价格的决定</a>' in html
    assert drafter.get_full_name() in html


def test_the_names_a_page_shows_are_looked_up_beforehand_one_query_per_model(
    county, drafter, justice_bureau
):
    payloads = [
        {"reviewer": drafter.pk, "levels": {"unit": county.pk, "present": [drafter.pk]}},
        {"attendees": [[drafter.pk], {"decision": 987654}], "government": justice_bureau.pk},
        [{"lead_unit": county.pk}, 5],
        {"opinion": True, "unit": False, "n": 7},
    ]
    resolver = Resolver()
    with CaptureQueriesContext(connection) as lookups:
        payloads_prefetch(payloads, resolver)
    assert len(lookups) == 2  # the people, the units (a dict in a list is shown as text)
    with CaptureQueriesContext(connection) as more:
        together = [fields_html(payload_fields(p, resolver)) for p in payloads]
    assert len(more) == 0
    assert together == [fields_html(payload_fields(p, Resolver())) for p in payloads]
