"""The project's URLs plus ``/bench/bare/``: the bare Django view the portal is compared with.
Mounted only by ``bench.settings``; the project's own URLconf never has it."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def bare(request):
    """The floor of a Django response on the same server: middleware and routing, nothing
    else."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *project_urlpatterns]
