from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.AnnualReportView.as_view(), name="index"),
    path("<int:year>/", report_views.AnnualReportView.as_view(), name="annual"),
]
