"""Staff authenticate by token or by session (with CSRF); nobody else gets in."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

STAFF_ENDPOINTS = [
    "/api/v1/units/",
    "/api/v1/people/",
    "/api/v1/tasks/",
    "/api/v1/deadlines/",
    "/api/v1/notifications/",
    "/api/v1/record/?subject=workflows.unit:1",
]


@pytest.mark.parametrize("url", STAFF_ENDPOINTS)
def test_every_staff_endpoint_answers_401_when_no_credentials_are_given(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_token_is_refused_with_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_the_command_prints_a_token_that_authenticates_its_owner(drafter):
    out = io.StringIO()
    call_command("api_token", "drafter", stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=drafter).key == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 200
    # Asking again prints the same token rather than silently replacing it.
    again = io.StringIO()
    call_command("api_token", "drafter", stdout=again)
    assert again.getvalue().strip() == key


def test_a_revoked_token_stops_working_at_once(drafter):
    out = io.StringIO()
    call_command("api_token", "drafter", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get("/api/v1/units/").status_code == 200
    call_command("api_token", "drafter", "--revoke", stdout=io.StringIO())
    assert not Token.objects.filter(user=drafter).exists()
    assert client.get("/api/v1/units/").status_code == 401


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=io.StringIO())


def test_the_command_refuses_a_token_to_an_account_without_a_unit(django_user_model):
    django_user_model.objects.create_user("loner", password="x-very-long-password")
    with pytest.raises(CommandError):
        call_command("api_token", "loner", stdout=io.StringIO())


def test_a_token_of_a_deactivated_person_is_refused(api, drafter):
    client = api(drafter)
    drafter.is_active = False
    drafter.save()
    assert client.get("/api/v1/units/").status_code == 401


def test_an_account_that_is_not_staff_gets_403(api, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x-very-long-password")
    response = api(loner).get("/api/v1/units/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_browser_session_works_for_reading(drafter):
    client = APIClient()
    client.force_login(drafter)
    assert client.get("/api/v1/units/").status_code == 200


def test_a_browser_session_must_send_the_csrf_token_to_change_anything(drafter):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(drafter)
    refused = client.post("/api/v1/notifications/mark-all-read/")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # What the browser's JavaScript does: echo the csrftoken cookie in X-CSRFToken.
    token = "a" * 32
    client.cookies["csrftoken"] = token
    accepted = client.post("/api/v1/notifications/mark-all-read/", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200


def test_a_token_needs_no_csrf_token(api, drafter):
    client = api(drafter)
    client.enforce_csrf_checks = True
    assert client.post("/api/v1/notifications/mark-all-read/").status_code == 200
