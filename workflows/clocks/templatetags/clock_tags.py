"""How a legal clock's due date reads on a page: the date, or the notice it waits for."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext

from ..models import Deadline

register = template.Library()


def awaiting_text(deadline: Deadline) -> str:
    """ "Awaiting the holiday notice for 2027: 7 working days from 2026-12-28 under …".

    The rule, start and legal source it will be computed from are stated, so the reader knows
    what the date depends on (domain.md §4: the clock waits visibly).
    """
    return gettext(
        "Awaiting the State Council's holiday notice for %(year)s: %(amount)s %(unit)s from "
        "%(start)s (%(source)s), computed as soon as the notice is entered"
    ) % {
        "year": deadline.awaiting_year,
        "amount": deadline.amount,
        "unit": deadline.get_unit_display(),
        "start": formats.date_format(deadline.start, "Y-m-d"),
        "source": deadline.legal_source,
    }


@register.simple_tag
def deadline_due(deadline: Deadline):
    """The due date of ``deadline`` as HTML: a date, or what it awaits."""
    if deadline.due is not None:
        return format_html(
            '<time datetime="{}">{}</time>',
            deadline.due.isoformat(),
            formats.date_format(deadline.due, "Y-m-d"),
        )
    return format_html(
        '<span class="fz-awaiting" data-testid="awaiting-notice" data-year="{}">{}</span>',
        deadline.awaiting_year,
        awaiting_text(deadline),
    )


@register.filter
def due_or_awaiting(value):
    """A due date copied onto a domain row, or — while its clock waits for a holiday notice —
    words that say so (the clock itself, in the deadlines table, says which notice)."""
    if value is None or value == "":
        return gettext("awaiting the holiday notice")
    return formats.date_format(value, "Y-m-d")
