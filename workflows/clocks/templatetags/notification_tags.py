from django import template
from django.utils import timezone

from workflows.permissions import has_role

from ..selectors import calendar_end_if_soon, notifications_unread_count

register = template.Library()


@register.inclusion_tag("clocks/includes/notification_bell.html", takes_context=True)
def notification_bell(context):
    """The toolbar bell: one COUNT of the signed-in person's unread notifications."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": notifications_unread_count(user)}


@register.inclusion_tag("clocks/includes/calendar_notice.html", takes_context=True)
def calendar_notice(context):
    """For the people who can act on it (administrators): the working-day calendar runs out
    within the warning period, so next year's State Council holiday notice must be entered
    (domain.md §4) before clocks reaching into that year are refused."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not (user.is_superuser or has_role(user=user, role="administrator")):
        return {"show": False}
    ends_on = calendar_end_if_soon(today=timezone.localdate())
    if ends_on is None:
        return {"show": False}
    return {"show": True, "ends_on": ends_on, "next_year": ends_on.year + 1}
