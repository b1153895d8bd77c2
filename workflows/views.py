from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import generic

from .inbox import inbox_for_user
from .models import Heartbeat


class InboxView(LoginRequiredMixin, generic.ListView):
    """Everything waiting for the signed-in person, across both processes: viewflow tasks and
    the items of every registered inbox source, earliest due first."""

    template_name = "workflows/inbox.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self):
        return inbox_for_user(user=self.request.user, prefetch=self.paginate_by)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be what failed.
    return render(request, "500.html", status=500)


def health(request):
    """Liveness for load balancers and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    return JsonResponse({"status": "ok", "worker_last_seen": beat.isoformat() if beat else None})


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
