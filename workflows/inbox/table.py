"""The inbox page's table, written in Python rather than by a template include.

The grouped inbox shows up to three tables on one page, one include each, and every cell went
through the template engine's variable resolution: about a third of the legal advisor's page
(issue 22: the page's p95 at 100,000 decisions was over its 50 ms target). The markup is the
one the include wrote; every value a person or a unit wrote (title, subject, unit, stage,
legal source) is escaped (``workflows.htmltext.esc``: what ``conditional_escape`` does), as
the template did.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

from ..htmltext import esc as _e
from ..htmltext import local
from ..links import reverse_by_pk
from ..templatetags.staff_tags import day, minute

# The tabs whose rows show the clock (to do, my unit) and the one that can urge (my unit):
# ``workflows.views`` names them.
_CLOCKED_TABS = ("todo", "unit")
_URGE_TAB = "unit"


def _minute(value, tz) -> str:
    """``value|minute`` as the template wrote it: in the current time zone ``tz``."""
    if value is None:
        return ""
    return _e(minute(local(value, tz)))


def _head(tab: str) -> str:
    cells = [gettext("Task"), gettext("Subject"), gettext("Stage"), gettext("For")]
    if tab in _CLOCKED_TABS:
        cells += [gettext("Due"), gettext("Legal source"), gettext("Time left")]
        cells.append(gettext("Waiting since"))
    else:
        cells.append(gettext("Completed on"))
    if tab == _URGE_TAB:
        cells.append(gettext("Urge"))
    return "".join(f'<th scope="col">{_e(c)}</th>' for c in cells)


def inbox_table_html(
    rows: Iterable, *, tab: str, today: date, here: str = "", csrf_token: str = ""
) -> SafeString:
    """The table of ``rows`` (``workflows.views.InboxRow``: an item, its light, whether the
    reader may urge it) for ``tab``. ``here`` and ``csrf_token`` serve the urge forms of the
    unit tab (催办: a POST, protected like every form of the site)."""
    clocked = tab in _CLOCKED_TABS
    urge_url = reverse_by_pk("workbench:inbox:urge") if tab == _URGE_TAB else None
    urge_label = _e(gettext("Urge")) if urge_url else ""
    tz = get_current_timezone()  # once for the table, not for each of its dates
    parts = [f'<table class="fz-table">\n  <thead><tr>{_head(tab)}</tr></thead>\n  <tbody>\n']
    for row in rows:
        item, light = row.item, row.light
        attrs = f' data-testid="inbox-item" data-kind="{_e(item.kind)}" data-key="{_e(item.key)}"'
        if item.due:
            attrs += f' data-due="{_e(day(item.due))}"'
        if light:
            attrs += f' data-light="{_e(light.colour)}"'
        if item.url:
            task = f'<a href="{_e(item.url)}">{_e(item.title)}</a>'
        else:
            task = _e(item.title)
        cells = (
            f"<td>{task}</td><td>{_e(item.subject)}</td>"
            f'<td data-testid="inbox-stage">{_e(item.stage)}</td><td>{_e(item.unit)}</td>'
        )
        if clocked:
            cells += f"<td>{_due_cell(item, today)}</td>"
            cells += f'<td data-testid="inbox-legal-source">{_e(item.legal_source)}</td>'
            cells += f"<td>{_light_cell(light)}</td>"
            cells += f"<td>{_minute(item.created, tz)}</td>"
        else:
            cells += f"<td>{_minute(item.done_at, tz)}</td>"
        if urge_url:
            form = ""
            if row.urgeable:
                form = (
                    f'<form method="post" action="{_e(urge_url(item.task_id))}" '
                    'data-testid="inbox-urge">'
                    '<input type="hidden" name="csrfmiddlewaretoken" '
                    f'value="{_e(csrf_token)}">'
                    f'<input type="hidden" name="next" value="{_e(here)}">'
                    '<button type="submit" class="mdc-button mdc-button--outlined">'
                    f"{urge_label}</button></form>"
                )
            cells += f"<td>{form}</td>"
        parts.append(f"    <tr{attrs}>{cells}</tr>\n")
    parts.append("  </tbody>\n</table>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above was escaped by _e


def _due_cell(item, today: date) -> str:
    if item.due:
        if item.due < today:
            return (
                f'<span class="fz-overdue" data-testid="inbox-overdue">{_e(day(item.due))}</span>'
            )
        return f"<span>{_e(day(item.due))}</span>"
    if item.awaiting:
        text = gettext("awaiting the holiday notice for %(year)s") % {"year": item.awaiting}
        return (
            '<span class="fz-awaiting" data-testid="inbox-awaiting" '
            f'data-year="{_e(item.awaiting)}">{_e(text)}</span>'
        )
    return ""


def _light_cell(light) -> str:
    if not light:
        return ""
    colour = _e(light.colour)
    return (
        f'<span class="fz-light fz-light--{colour}" data-testid="inbox-light" '
        f'data-light="{colour}"><span class="fz-light__dot" aria-hidden="true">●</span> '
        f"{_e(light.label)}</span>"
    )
