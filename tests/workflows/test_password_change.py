"""A wrong old password on the password-change form counts as a failed log-in (django-axes):
the same limit locks the account out there and on the log-in page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _change(client, old, new="Ein-neues-Passwort-2026"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_wrong_old_passwords_lock_the_account_out_after_the_login_limit(client, drafter, settings):
    client.force_login(drafter)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _change(client, "wrong")
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    # The limit-th wrong guess locks the account out, as on the log-in page.
    assert _change(client, "wrong").status_code == 429
    # Now even the right old password is refused, and the password is unchanged.
    response = _change(client, drafter.plain_password)
    assert response.status_code == 429
    drafter.refresh_from_db()
    assert drafter.check_password(drafter.plain_password)
    # The log-in page refuses the account from this address too.
    client.logout()
    login = client.post(
        reverse("login"), {"username": "drafter", "password": drafter.plain_password}
    )
    assert login.status_code == 429 and "_auth_user_id" not in client.session


def test_failed_log_ins_count_on_the_password_change_form_too(client, drafter, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "drafter", "password": "wrong"})
    client.force_login(drafter)
    assert _change(client, drafter.plain_password).status_code == 429
    drafter.refresh_from_db()
    assert drafter.check_password(drafter.plain_password)


def test_the_right_old_password_changes_it_below_the_limit(client, drafter):
    client.force_login(drafter)
    _change(client, "wrong")
    response = _change(client, drafter.plain_password)
    assert response.status_code == 302
    drafter.refresh_from_db()
    assert drafter.check_password("Ein-neues-Passwort-2026")
