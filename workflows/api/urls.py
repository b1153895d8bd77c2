"""/api/v1/: the shared-machinery endpoints, then every app's (see ``routers``)."""

from django.urls import path
from django.utils.module_loading import autodiscover_modules

from . import views
from .routers import router

router.register("units", views.UnitViewSet, basename="unit")
router.register("people", views.PersonViewSet, basename="person")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("deadlines", views.DeadlineViewSet, basename="deadline")
router.register("notifications", views.NotificationViewSet, basename="notification")

# decisions.api, normdocs.api, …: each registers its viewsets on the router when imported.
autodiscover_modules("api")

app_name = "api"

urlpatterns = [
    path("record/", views.RecordView.as_view(), name="record"),
    path("health/", views.HealthView.as_view(), name="health"),
    *router.urls,
]
