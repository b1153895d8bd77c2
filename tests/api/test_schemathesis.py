"""schemathesis fuzzes every operation of the live schema in-process, as a drafter and as an
administrator: no input may produce a 5xx, and every response must match the schema (status
code, content type, headers, body).

The same run against a running server is `make schemathesis`.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded at collection, in-process: serving the schema touches no database. (Not through
# schemathesis.pytest.from_fixture: its lazy loader does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def requests_keep_the_test_connection(db):
    """Like Django's test client, requests must not close the database connection at their
    end: it holds the test's transaction and the rows the fixtures made."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    drafter,
    legal_advisor,
    administrator,
    justice_bureau,
    township,
    inbox_task,
    make_deadline,
    unit_records_visible_to_its_drafters,
):
    """Something to find for every endpoint, so responses carry real rows to validate."""
    from workflows.clocks.services import notification_create
    from workflows.record.services import record_append

    inbox_task(justice_bureau)
    make_deadline(justice_bureau, [drafter])
    notification_create(recipient=drafter, title="Due soon")
    notification_create(recipient=administrator, title="Due soon")
    record_append(actor=drafter, action="unit.renamed", subject=justice_bureau)


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@FUZZ
def test_the_api_conforms_to_its_schema_as_a_drafter(case, world, drafter):
    case.call_and_validate(headers={"Authorization": f"Token {_token(drafter)}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_the_api_conforms_to_its_schema_as_an_administrator(case, world, administrator):
    case.call_and_validate(
        headers={"Authorization": f"Token {_token(administrator)}"}, checks=CHECKS
    )
