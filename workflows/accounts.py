"""Changing one's password, under the log-in's lock-out.

The old password is a password guess like a log-in: each wrong one counts as a failed log-in
for django-axes (the same ``user_login_failed`` signal the log-in form sends, for the same
username and address), so after ``AXES_FAILURE_LIMIT`` wrong guesses the account is locked out
from this address on the log-in page and here alike, and the lock-out page is shown.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LockedOutPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            # AxesMiddleware answers with the lock-out page, as for a log-in.
            self.request.axes_locked_out = True
            self.request.axes_credentials = credentials
            raise ValidationError(
                _(
                    "Too many failed log-in attempts. Try again later or ask an administrator "
                    "to unlock the account."
                ),
                code="locked",
            )
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            raise


class LockedOutPasswordChangeView(auth_views.PasswordChangeView):
    form_class = LockedOutPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
