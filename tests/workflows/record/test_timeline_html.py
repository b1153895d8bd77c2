"""The record's rows written in Python (``workflows.record.timeline_html``, issue 22) are the
rows the template wrote — the same markup, the same escaping, the same times in Asia/Shanghai —
for verified and broken events, a person's and the system's, in both languages."""

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from workflows.record.services import record_append
from workflows.record.timeline_html import timeline_rows_html

from .tampering import tamper

pytestmark = pytest.mark.django_db

# The template's loop, as it was before the rows were written in Python.
TEMPLATE_ROWS = """{% load i18n %}{% for row in rows %}
      <tr data-testid="record-event" data-seq="{{ row.event.seq }}" data-action="{{ row.event.action }}"
          data-verified="{{ row.check.ok|yesno:'true,false' }}">
        <td>{{ row.event.seq }}</td>
        <td><time datetime="{{ row.event.at|date:'c' }}">{{ row.event.at|date:"Y-m-d H:i:s" }}</time></td>
        <td>{% if row.event.actor_kind == 'person' %}{{ row.event.actor_label }}{% else %}{{ row.event.get_actor_kind_display }}{% endif %}</td>
        <td data-testid="record-action">{{ row.action_label }}</td>
        <td data-testid="record-payload">{{ row.details }}</td>
        <td class="fz-record-hash">
          <code title="SHA-256">SHA-256 {{ row.event.hash }}</code>
          {% if row.event.hash_sm3 %}<br><code title="SM3">SM3 {{ row.event.hash_sm3 }}</code>{% endif %}
        </td>
        <td data-testid="record-event-check">
          {% if row.check.ok %}
            <span class="fz-record-ok" title="{% translate 'Verified' %}">&#10004;</span>
          {% else %}
            <span class="fz-record-broken" title="{{ row.check.reason }}">&#10008; {{ row.check.reason }}</span>
          {% endif %}
        </td>
      </tr>
    {% endfor %}"""  # noqa: E501


def test_the_rows_are_the_templates_rows(client, archivist, make_unit, make_person, county):
    person = make_person("evil", county)
    person.first_name = '<b>坏人</b> & "引号"'
    person.save()
    unit = make_unit("教育局")
    record_append(actor="system", action="unit.created", subject=unit, payload={"name": "教育局"})
    record_append(
        actor=person,
        action="comment.received",
        subject=unit,
        payload={"comment": "<script>alert('x')</script>", "nested": {"a": "<i>b</i>"}},
    )
    record_append(actor="public", action="comment.received", subject=unit, payload={})
    tamper("""UPDATE record_event SET payload = '{"name": "<b>改过的</b>"}' WHERE seq = 1""")
    client.force_login(archivist)
    url = reverse("record:timeline", args=["workflows.unit", str(unit.pk)])
    template = engines["django"].from_string(TEMPLATE_ROWS)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            rows = response.context["rows"]
            assert [row["check"].ok for row in rows] == [False, True, True]
            written = str(timeline_rows_html(rows))
            assert written == template.render({"rows": rows})
            html = response.content.decode()
            assert written in html
            assert "<b>坏人</b>" not in html and "<script>alert" not in html
            assert "&lt;b&gt;坏人&lt;/b&gt; &amp; &quot;引号&quot;" in html
            # Times in Asia/Shanghai (UTC+8), as the date filter wrote them.
            assert "+08:00" in written
