from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.ArchiveIndexView.as_view(), name="index"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export"),
    path("exports/<int:pk>/status.json", login_required(views.export_status), name="status"),
    path("exports/<int:pk>/download/", login_required(views.export_download), name="download"),
    # The annual report moved to /reports/ (workflows.report_views); old links still arrive.
    path(
        "reports/",
        RedirectView.as_view(pattern_name="reports:index", query_string=True),
        name="report_index",
    ),
    path(
        "reports/<int:year>/",
        RedirectView.as_view(pattern_name="reports:annual", query_string=True),
        name="report",
    ),
]
