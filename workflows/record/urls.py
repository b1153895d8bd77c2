from django.urls import path

from . import views

app_name = "record"

urlpatterns = [
    # /record/decisions.decision/42/
    path(
        "<str:subject_type>/<str:object_id>/",
        views.SubjectTimelineView.as_view(),
        name="timeline",
    ),
]
