"""The normative-documents application of the staff site."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import Icon
from viewflow.urls import Application, AppMenuMixin, Viewset

from . import views


class NormdocsViewset(AppMenuMixin, Viewset):
    title = _("Register")
    icon = Icon("library_books")
    app_name = "register"

    index_path = path("", views.RegisterView.as_view(), name="index")
    new_path = path("new/", views.DocumentCreateView.as_view(), name="new")
    detail_path = path("<int:pk>/", views.DocumentDetailView.as_view(), name="detail")
    cleanups_path = path("cleanups/", views.CleanupListView.as_view(), name="cleanups")
    cleanup_path = path("cleanups/<int:pk>/", views.CleanupDetailView.as_view(), name="cleanup")


class NormdocsApplication(Application):
    title = _("Normative documents")
    icon = Icon("description")
    app_name = "normdocs"
    base_template_name = "workflows/base_page.html"


def normdocs_application() -> Application:
    return NormdocsApplication(viewsets=[NormdocsViewset()])
