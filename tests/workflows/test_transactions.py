"""Services cost no savepoint where nobody rolls back to one (workflows.transactions), and a
caller that catches a refusal and carries on still can."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from workflows.models import Unit
from workflows.transactions import all_or_nothing, is_all_or_nothing, service_atomic

pytestmark = pytest.mark.django_db


@service_atomic
def unit_open(*, name: str, refuse: bool = False) -> Unit:
    unit = Unit.objects.create(name=name, kind=Unit.Kind.DEPARTMENT)
    if refuse:
        raise ValidationError("refused", code="refused")
    return unit


@service_atomic
def units_open(*names: str) -> list[Unit]:
    return [unit_open(name=name) for name in names]


def savepoints(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split()[0] in ("SAVEPOINT", "RELEASE")]


def test_a_service_costs_no_savepoint_when_its_caller_is_all_or_nothing():
    with transaction.atomic(), all_or_nothing(), CaptureQueriesContext(connection) as queries:
        unit_open(name="财政局")
    assert savepoints(queries.captured_queries) == []
    assert Unit.objects.filter(name="财政局").exists()


def test_services_nested_in_a_service_cost_no_savepoint_of_their_own():
    # The test runs in a transaction: the outer service takes one savepoint, and only one.
    with CaptureQueriesContext(connection) as queries:
        units_open("财政局", "教育局", "民政局")
    assert len(savepoints(queries.captured_queries)) == 2  # SAVEPOINT and its RELEASE
    assert Unit.objects.filter(name__in=["财政局", "教育局", "民政局"]).count() == 3


def test_a_caller_may_carry_on_after_catching_a_refusal_when_it_declared_nothing():
    with transaction.atomic():
        with pytest.raises(ValidationError):
            unit_open(name="财政局", refuse=True)
        # The service's own savepoint rolled its half back; the connection still works.
        assert not Unit.objects.filter(name="财政局").exists()
        unit_open(name="教育局")
    assert Unit.objects.filter(name="教育局").exists()


def test_a_refusal_inside_an_all_or_nothing_block_is_undone_by_the_enclosing_savepoint():
    with transaction.atomic():
        with pytest.raises(ValidationError), transaction.atomic(), all_or_nothing():
            unit_open(name="财政局")
            unit_open(name="教育局", refuse=True)
        # Both halves are gone with the savepoint, and the connection is usable again.
        assert not Unit.objects.filter(name__in=["财政局", "教育局"]).exists()
        assert not is_all_or_nothing()


def test_a_caller_breaking_the_promise_fails_loudly_rather_than_keeping_half_a_service():
    with pytest.raises(TransactionManagementError), transaction.atomic(), all_or_nothing():
        try:
            unit_open(name="财政局", refuse=True)
        except ValidationError:
            pass  # caught inside the block, with no savepoint of its own: not allowed
        Unit.objects.count()
    assert not Unit.objects.filter(name="财政局").exists()
