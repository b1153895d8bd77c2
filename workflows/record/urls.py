from django.urls import path

from . import views

app_name = "record"

urlpatterns = [
    path("checkpoints.json", views.CheckpointsDownloadView.as_view(), name="checkpoints"),
    # /record/decisions.decision/42/
    path(
        "<str:subject_type>/<str:object_id>/",
        views.SubjectTimelineView.as_view(),
        name="timeline",
    ),
]
