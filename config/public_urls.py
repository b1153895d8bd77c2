"""The public portal under /public/: no login, Chinese by default, English available.

Each app's ``public`` module brings its pages (and registers its navigation section and who
moderates comments on its subjects); this module mounts them and serves the portal's home.
"""

from django.shortcuts import render
from django.urls import path

from decisions import public as decisions_public
from normdocs import public as normdocs_public
from workflows.consultations import public as consultations_public
from workflows.consultations.selectors import consultations_open_now
from workflows.public.ratelimit import rate_limited

app_name = "public"


@rate_limited("page_ip")
def home(request):
    return render(
        request,
        "public/home.html",
        {"open_consultations": consultations_open_now().order_by("closes_at", "pk")[:10]},
    )


urlpatterns = [
    path("", home, name="home"),
    *consultations_public.urlpatterns,
    *decisions_public.urlpatterns,
    *normdocs_public.urlpatterns,
]
