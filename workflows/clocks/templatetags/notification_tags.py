from django import template

from ..selectors import notifications_unread_count

register = template.Library()


@register.inclusion_tag("clocks/includes/notification_bell.html", takes_context=True)
def notification_bell(context):
    """The toolbar bell: one COUNT of the signed-in person's unread notifications."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": notifications_unread_count(user)}
