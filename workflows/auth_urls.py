"""Login and logout. django-axes (AxesStandaloneBackend + middleware) locks an account and
address pair out after repeated failures; the form is viewflow's Material login. A wrong old
password when changing one's password counts as such a failure (``workflows.accounts``)."""

from django.contrib.auth import views as auth_views
from django.urls import path
from viewflow.contrib.auth import AuthenticationForm

from workflows.accounts import LockedOutPasswordChangeView

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=AuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        LockedOutPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
