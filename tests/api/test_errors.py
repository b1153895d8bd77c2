"""Every error has the same body shape; bad input is a 400 naming the parameter, never a 500."""

import base64

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from workflows.api.exceptions import Conflict, api_exception_handler
from workflows.errors import StaleState

pytestmark = pytest.mark.django_db


def _shape(body):
    assert set(body) == {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    return body


def _cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=-3", "page_size"),
        ("page_size=ten", "page_size"),
        ("cursor=%%%", "cursor"),
        ("cursor=" + _cursor("abc"), "cursor"),
        ("cursor=" + _cursor("99999999999999999999999"), "cursor"),
        ("kind=castle", "kind"),
        ("parent=x", "parent"),
        ("parent=99999999999999999999999", "parent"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(api, drafter, query, parameter):
    response = api(drafter).get(f"/api/v1/units/?{query}")
    assert response.status_code == 400
    body = _shape(response.json())
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    assert all(isinstance(message, str) for message in body["errors"][parameter])


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/deadlines/?overdue=perhaps",
        "/api/v1/deadlines/?status=late",
        "/api/v1/notifications/?unread=2",
        "/api/v1/people/?role=king",
        "/api/v1/record/",
        "/api/v1/record/?subject=nonsense",
    ],
)
def test_bad_filters_of_every_list_are_400(api, drafter, url):
    response = api(drafter).get(url)
    assert response.status_code == 400
    assert _shape(response.json())["errors"]


def test_a_page_size_within_bounds_is_honoured(api, drafter, county, justice_bureau, township):
    response = api(drafter).get("/api/v1/units/?page_size=2")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    following = api(drafter).get(response.json()["next"])
    assert [unit["id"] for unit in following.json()["results"]] == [township.pk]


@pytest.mark.parametrize(
    "url", ["/api/v1/units/999999/", "/api/v1/units/99999999999999999999999/", "/api/v1/nothing/"]
)
def test_an_unknown_object_or_path_is_a_404_in_the_error_shape(api, drafter, url):
    response = api(drafter).get(url)
    assert response.status_code == 404
    assert _shape(response.json())["code"] == "not_found"
    assert response.json()["errors"] == {}


def test_an_unsupported_method_is_a_405_in_the_error_shape(api, drafter):
    response = api(drafter).delete("/api/v1/units/")
    assert response.status_code == 405
    assert _shape(response.json())["code"] == "method_not_allowed"


def _handled(exc):
    request = APIRequestFactory().get("/")
    return api_exception_handler(exc, {"view": APIView(), "request": request})


@pytest.mark.parametrize(
    "exc, code",
    [
        (Conflict(), "conflict"),
        (StaleState("moved on", code="task_taken"), "task_taken"),
        (FlowLockFailed("busy"), "locked"),
        (TransitionNotAllowed("no"), "conflict"),
    ],
)
def test_a_state_that_moved_on_is_a_409(exc, code):
    response = _handled(exc)
    assert response.status_code == 409
    assert _shape(response.data)["code"] == code


def test_a_validation_error_from_a_service_is_a_400_with_field_errors():
    response = _handled(DjangoValidationError({"title": ["Required."], "due": ["Too early."]}))
    assert response.status_code == 400
    assert _shape(response.data)["errors"] == {"title": ["Required."], "due": ["Too early."]}


def test_a_validation_error_without_a_field_is_filed_under_non_field_errors():
    response = _handled(DjangoValidationError("Nope."))
    assert response.data["errors"] == {"non_field_errors": ["Nope."]}


def test_an_unexpected_error_is_not_disguised():
    assert _handled(RuntimeError("bug")) is None
