"""The register of decisions (``DecisionListView``): each row read in the view, in a number of
statements that does not grow with the rows (issue 22)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, Stage
from tests.support import page_statements

pytestmark = pytest.mark.django_db

REGISTER = "decisions:register:index"


def _statements(client, url) -> tuple[int, str]:
    sent, response = page_statements(client, url)
    return len(sent), response.content.decode()


def test_the_register_reads_as_many_statements_for_four_decisions_as_for_one(drive, people, client):
    drive.initiate()
    client.force_login(people["drafter"])
    one, _ = _statements(client, reverse(REGISTER))
    for _ in range(3):
        drive.initiate()
    four, html = _statements(client, reverse(REGISTER))
    assert html.count('data-testid="decision-row"') == 4
    assert four == one


def test_each_row_links_to_its_decision_and_shows_its_unit_stage_outcome_and_update(
    drive, people, client
):
    decisions = [drive.initiate(), drive.initiate()]
    Decision.objects.filter(pk=decisions[1].pk).update(outcome="adopt")
    client.force_login(people["drafter"])
    html = client.get(reverse(REGISTER)).content.decode()
    for d in Decision.objects.filter(pk__in=[d.pk for d in decisions]):
        updated = timezone.localtime(d.updated_at).strftime("%Y-%m-%d %H:%M")
        assert (
            f'<tr data-testid="decision-row" data-decision="{d.pk}" data-stage="{d.stage}">'
            f'<td><a href="{reverse("decisions:register:detail", args=[d.pk])}">{d.title}</a></td>'
            f"<td>{d.lead_unit.name}</td><td>{d.get_stage_display()}</td>"
            f"<td>{d.get_outcome_display()}</td><td>{updated}</td></tr>"
        ) in html


def test_the_stage_asked_for_is_the_one_selected(drive, people, client):
    drive.initiate()
    client.force_login(people["drafter"])
    html = client.get(reverse(REGISTER), {"stage": Stage.DRAFTING}).content.decode()
    assert f'<option value="{Stage.DRAFTING}" selected>' in html
    assert html.count(" selected>") == 1
    html = client.get(reverse(REGISTER)).content.decode()
    assert " selected>" not in html


# The rows as the template wrote them before ``register_rows_html`` wrote them in Python.
_TEMPLATE_ROWS = (
    "{% load staff_tags %}{% for d in rows %}\n"
    '      <tr data-testid="decision-row" data-decision="{{ d.pk }}" data-stage="{{ d.stage }}">'
    '<td><a href="{{ d.url }}">{{ d.title }}</a></td><td>{{ d.lead_unit }}</td>'
    "<td>{{ d.stage_label }}</td><td>{{ d.outcome_label }}</td>"
    "<td>{{ d.updated_at|minute }}</td></tr>\n    {% endfor %}"
)


def test_the_rows_written_in_python_are_the_templates_and_escape_what_people_wrote(
    drive, people, client
):
    from django.template import engines
    from django.utils import translation

    from decisions.views.pages import register_rows_html

    hostile = drive.initiate()
    Decision.objects.filter(pk=hostile.pk).update(title="<script>alert(\"x\")</script> & 'q'")
    drive.initiate()
    client.force_login(people["drafter"])
    for language in ("zh-hans", "en"):
        with translation.override(language):
            response = client.get(reverse(REGISTER), HTTP_ACCEPT_LANGUAGE=language)
            rows = response.context["rows"]
            template = engines["django"].from_string(_TEMPLATE_ROWS)
            assert str(register_rows_html(rows)) == template.render({"rows": rows})
            html = response.content.decode()
            assert "<script>alert" not in html
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;" in html
            # Dates in Asia/Shanghai, as the template wrote them.
            d = Decision.objects.get(pk=hostile.pk)
            assert timezone.localtime(d.updated_at).strftime("%Y-%m-%d %H:%M") in html
