from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import generic
from django.views.decorators.cache import never_cache

from .health import health_report
from .inbox import inbox_for_user
from .paging import CappedPaginator


class InboxView(LoginRequiredMixin, generic.ListView):
    """Everything waiting for the signed-in person, across both processes: viewflow tasks and
    the items of every registered inbox source, earliest due first."""

    template_name = "workflows/inbox.html"
    context_object_name = "items"
    paginate_by = 50
    # The inbox counts at most COUNT_CAP items (a meeting secretary is offered thousands).
    paginator_class = CappedPaginator

    def get_queryset(self):
        return inbox_for_user(user=self.request.user, prefetch=self.paginate_by)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be what failed.
    return render(request, "500.html", status=500)


@never_cache
def health(request):
    """Every dependency, checked now (``workflows.health``): 200 when all are up, 503 naming
    those that are down. No login; no secrets in it."""
    up, report = health_report()
    response = JsonResponse(report, status=200 if up else 503)
    # A 503 here is the report, not a server error: workflows.health logs each dependency
    # going down once, where django.request would log every probe of the outage.
    response._has_been_logged = True
    return response


@never_cache
def live(request):
    """Liveness for load balancers and container health checks: this process serves requests.
    Unlike ``health``, it stays 200 while Redis, beat or the workers are down, so the portal
    is not taken out of service for what it can do without."""
    return JsonResponse({"status": "ok"})


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
