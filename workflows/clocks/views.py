"""The person's notifications: list them, mark one or all as read."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import generic
from django.views.decorators.http import require_POST

from .selectors import notifications_for
from .services import notification_mark_read, notifications_mark_all_read


class NotificationListView(LoginRequiredMixin, generic.ListView):
    template_name = "clocks/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return notifications_for(self.request.user)


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def notification_read(request, pk: int):
    # Somebody else's notification does not exist for this user: 404, not 403.
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notification)
    return redirect(_next_url(request, "notifications:list"))


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect(_next_url(request, "notifications:list"))
