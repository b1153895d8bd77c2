from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from workflows.permissions import has_role

from ..regional_selectors import regional_years_unconfirmed
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
    (domain.md §4) before clocks reaching into that year are refused; and the regional holidays
    (肉孜节, 古尔邦节) of a jurisdiction that has them are not confirmed yet for a year."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not (user.is_superuser or has_role(user=user, role="administrator")):
        return {"show": False}
    today = timezone.localdate()
    ends_on = calendar_end_if_soon(today=today)
    national = (
        {"show": False}
        if ends_on is None
        else {
            "show": True,
            "ends_on": ends_on,
            "next_year": ends_on.year + 1,
        }
    )
    # Beside it, Xinjiang's regional holidays (肉孜节, 古尔邦节) of this year (and of the next
    # near its start) until an administrator confirms them from the autonomous region's notice.
    unconfirmed = regional_years_unconfirmed(today=today)
    several = len({item.jurisdiction.pk for item in unconfirmed}) > 1
    regional = [
        {
            "year": item.year,
            "jurisdiction": item.jurisdiction.name if several else "",
            "expected": gettext(", ").join(
                f"{day.date:%Y-%m-%d} {day.name}" for day in item.expected
            )
            or gettext("no expected dates for this year, enter them from the notice"),
            "url": reverse(
                "admin:clocks_regionalholidayyear_confirm", args=[item.jurisdiction.pk, item.year]
            ),
        }
        for item in unconfirmed
    ]
    return {**national, "regional": regional}
