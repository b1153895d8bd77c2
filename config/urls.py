from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic.base import RedirectView
from django.views.i18n import JavaScriptCatalog

from config.site import site

handler404 = "workflows.views.page_not_found"
handler500 = "workflows.views.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says: send them to the site's icon.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("workflows/favicon.svg"), permanent=True),
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("workflows.auth_urls")),
    path("health/", include("workflows.health_urls")),
    path("api/", include("config.api")),
    path("record/", include("workflows.record.urls")),
    path("notifications/", include("workflows.clocks.urls")),
    path("archive/", include("workflows.archive.urls")),
    path("reports/", include("workflows.report_urls")),
    path("public/", include("config.public_urls")),
    path("", site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
