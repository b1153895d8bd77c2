from django.contrib.auth.decorators import login_required
from django.urls import path

from . import report_views, views

app_name = "archive"

urlpatterns = [
    path("", views.ArchiveIndexView.as_view(), name="index"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export"),
    path("exports/<int:pk>/status.json", login_required(views.export_status), name="status"),
    path("exports/<int:pk>/download/", login_required(views.export_download), name="download"),
    path("reports/", report_views.AnnualReportView.as_view(), name="report_index"),
    path("reports/<int:year>/", report_views.AnnualReportView.as_view(), name="report"),
]
