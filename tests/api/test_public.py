"""Public endpoints need no login and are rate-limited; the schema is public, the docs are not."""

import random

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _stranger() -> APIClient:
    """A client from an address no earlier run has used: the counts live in shared Redis."""
    address = ".".join(str(random.randint(1, 254)) for _ in range(4))
    return APIClient(REMOTE_ADDR=address)


def test_the_health_endpoint_needs_no_login():
    response = _stranger().get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_public_endpoint_answers_429_with_retry_after_over_its_rate():
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "3/min"}}
    client = _stranger()
    with override_settings(REST_FRAMEWORK=rates):
        assert [client.get("/api/v1/health/").status_code for _ in range(3)] == [200] * 3
        refused = client.get("/api/v1/health/")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert refused.json()["code"] == "throttled"
        # Another address has its own allowance.
        assert _stranger().get("/api/v1/health/").status_code == 200


def test_the_schema_is_public_and_is_openapi_3():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tasks/{id}/claim/" in schema["paths"]


def test_the_swagger_ui_is_for_signed_in_staff(api, drafter):
    assert APIClient().get("/api/docs/").status_code == 401
    response = api(drafter).get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_its_error_responses():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        label = f"{method.upper()} {path}"
        public = "security" not in operation  # drf-spectacular omits it for `auth=[]`
        if public:
            assert "429" in codes, label  # every public operation is rate-limited
        else:
            assert {"401", "403"} <= codes, label
        if "{id}" in path:
            assert "404" in codes, label
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in codes, label
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, label
    health = schema["paths"]["/api/v1/health/"]["get"]["responses"]
    assert "Retry-After" in health["429"]["headers"]
    assert "409" in schema["paths"]["/api/v1/tasks/{id}/claim/"]["post"]["responses"]
