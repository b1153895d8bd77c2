from django.urls import path

from . import views

urlpatterns = [
    path("", views.health, name="health"),
    path("live/", views.live, name="health-live"),
]
