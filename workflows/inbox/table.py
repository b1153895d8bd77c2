"""The inbox page's table, written in Python rather than by a template include.

The grouped inbox shows up to three tables on one page, one include each, and every cell went
through the template engine's variable resolution: about a third of the legal advisor's page
(issue 22: the page's p95 at 100,000 decisions was over its 50 ms target). The markup is the
one the include wrote; every value a person or a unit wrote (title, subject, unit, stage,
legal source) is escaped by ``format_html`` / ``conditional_escape``, as the template did.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from ..links import reverse_by_pk
from ..templatetags.staff_tags import day, minute

# The tabs whose rows show the clock (to do, my unit) and the one that can urge (my unit):
# ``workflows.views`` names them.
_CLOCKED_TABS = ("todo", "unit")
_URGE_TAB = "unit"


def _day(value) -> str:
    """``value|day`` as the template wrote it: in the current time zone."""
    return day(template_localtime(value))


def _minute(value) -> str:
    """``value|minute`` as the template wrote it: in the current time zone."""
    return "" if value is None else minute(template_localtime(value))


def _head(tab: str) -> str:
    cells = [gettext("Task"), gettext("Subject"), gettext("Stage"), gettext("For")]
    if tab in _CLOCKED_TABS:
        cells += [gettext("Due"), gettext("Legal source"), gettext("Time left")]
        cells.append(gettext("Waiting since"))
    else:
        cells.append(gettext("Completed on"))
    if tab == _URGE_TAB:
        cells.append(gettext("Urge"))
    return "".join(f'<th scope="col">{conditional_escape(c)}</th>' for c in cells)


def inbox_table_html(
    rows: Iterable, *, tab: str, today: date, here: str = "", csrf_token: str = ""
) -> SafeString:
    """The table of ``rows`` (``workflows.views.InboxRow``: an item, its light, whether the
    reader may urge it) for ``tab``. ``here`` and ``csrf_token`` serve the urge forms of the
    unit tab (催办: a POST, protected like every form of the site)."""
    clocked = tab in _CLOCKED_TABS
    urge_url = reverse_by_pk("workbench:inbox:urge") if tab == _URGE_TAB else None
    urge_label = conditional_escape(gettext("Urge")) if urge_url else ""
    parts = [f'<table class="fz-table">\n  <thead><tr>{_head(tab)}</tr></thead>\n  <tbody>\n']
    for row in rows:
        item, light = row.item, row.light
        attrs = format_html(
            ' data-testid="inbox-item" data-kind="{}" data-key="{}"', item.kind, item.key
        )
        if item.due:
            attrs += format_html(' data-due="{}"', _day(item.due))
        if light:
            attrs += format_html(' data-light="{}"', light.colour)
        if item.url:
            task = format_html('<a href="{}">{}</a>', item.url, item.title)
        else:
            task = conditional_escape(item.title)
        cells = [
            task,
            conditional_escape(item.subject),
            format_html('<td data-testid="inbox-stage">{}</td>', item.stage),
            conditional_escape(item.unit),
        ]
        html = format_html("<td>{}</td><td>{}</td>", cells[0], cells[1]) + cells[2]
        html += format_html("<td>{}</td>", cells[3])
        if clocked:
            html += format_html("<td>{}</td>", _due_cell(item, today))
            html += format_html('<td data-testid="inbox-legal-source">{}</td>', item.legal_source)
            html += format_html("<td>{}</td>", _light_cell(light))
            html += format_html("<td>{}</td>", _minute(item.created))
        else:
            html += format_html("<td>{}</td>", _minute(item.done_at))
        if urge_url:
            form = ""
            if row.urgeable:
                form = format_html(
                    '<form method="post" action="{}" data-testid="inbox-urge">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<input type="hidden" name="next" value="{}">'
                    '<button type="submit" class="mdc-button mdc-button--outlined">{}</button>'
                    "</form>",
                    urge_url(item.task_id),
                    csrf_token,
                    here,
                    urge_label,
                )
            html += format_html("<td>{}</td>", form)
        parts.append(f"    <tr{attrs}>{html}</tr>\n")
    parts.append("  </tbody>\n</table>")
    return mark_safe("".join(parts))  # every part above was escaped where it was made


def _due_cell(item, today: date) -> str:
    if item.due:
        if item.due < today:
            return format_html(
                '<span class="fz-overdue" data-testid="inbox-overdue">{}</span>', _day(item.due)
            )
        return format_html("<span>{}</span>", _day(item.due))
    if item.awaiting:
        text = gettext("awaiting the holiday notice for %(year)s") % {"year": item.awaiting}
        return format_html(
            '<span class="fz-awaiting" data-testid="inbox-awaiting" data-year="{}">{}</span>',
            item.awaiting,
            text,
        )
    return ""


def _light_cell(light) -> str:
    if not light:
        return ""
    return format_html(
        '<span class="fz-light fz-light--{}" data-testid="inbox-light" data-light="{}">'
        '<span class="fz-light__dot" aria-hidden="true">●</span> {}</span>',
        light.colour,
        light.colour,
        light.label,
    )
