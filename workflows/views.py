from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import generic

from .models import Heartbeat
from .selectors import tasks_for_user


class InboxView(LoginRequiredMixin, generic.ListView):
    """Every open task of the signed-in person, across both processes."""

    template_name = "workflows/inbox.html"
    context_object_name = "tasks"
    paginate_by = 50

    def get_queryset(self):
        return tasks_for_user(user=self.request.user)


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
