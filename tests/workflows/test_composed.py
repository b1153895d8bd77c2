"""Reads composed once (``workflows.composed``) give what the ORM gives for the same queryset,
with each call's own arguments, and refuse what they cannot carry."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from workflows.composed import composed_first, composed_get, composed_rows
from workflows.models import Unit

pytestmark = pytest.mark.django_db


def _fields(unit: Unit) -> tuple:
    return tuple(getattr(unit, f.attname) for f in Unit._meta.concrete_fields)


@pytest.fixture
def units(county, justice_bureau):
    township = Unit.objects.create(
        name="吉根乡人民政府", kind=Unit.Kind.TOWNSHIP, parent=county, issuer_code="吉政"
    )
    return county, justice_bureau, township


def _children(parent_id, kind):
    return (
        Unit.objects.select_related("parent").filter(parent_id=parent_id, kind=kind).order_by("pk")
    )


def test_instances_with_their_relations_are_the_orms_for_each_calls_arguments(units):
    county, bureau, township = units
    for kind in (Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.GOVERNMENT):
        composed = composed_rows(("test children",), _children, county.pk, kind)
        expected = list(_children(county.pk, kind))
        assert [_fields(u) for u in composed] == [_fields(u) for u in expected]
        with CaptureQueriesContext(connection) as captured:
            assert [_fields(u.parent) for u in composed] == [_fields(county)] * len(expected)
        assert not captured.captured_queries  # the relation came with the row
        assert all(not u._state.adding and u._state.db == "default" for u in composed)
    assert [
        u.pk for u in composed_rows(("test children",), _children, county.pk, "department")
    ] == [bureau.pk]
    assert composed_rows(("test children",), _children, township.pk, "department") == []


def test_values_list_rows_flat_or_not_and_get_and_first(units):
    county, bureau, _township = units
    by_name = ("test by name",)

    def named(name):
        return Unit.objects.filter(name=name).values_list("pk", "issuer_code")

    assert composed_rows(by_name, named, bureau.name) == [(bureau.pk, bureau.issuer_code)]
    codes = ("test codes",)

    def code(pk):
        return Unit.objects.filter(pk=pk).values_list("issuer_code", flat=True)

    assert composed_get(codes, code, county.pk) == county.issuer_code
    with pytest.raises(Unit.DoesNotExist):
        composed_get(codes, code, -1)
    assert composed_first(codes, code, -1) is None
    with pytest.raises(Unit.MultipleObjectsReturned):
        composed_get(("test all",), lambda kind: Unit.objects.exclude(kind=kind), "none")


def test_a_locking_read_locks_as_the_orm_does(units):
    county, _bureau, _township = units
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        locked = composed_get(
            ("test lock",), lambda pk: Unit.objects.select_for_update().filter(pk=pk), county.pk
        )
    assert locked.pk == county.pk
    assert captured.captured_queries[-1]["sql"].rstrip().endswith("FOR UPDATE")


def test_an_argument_the_lookup_rewrites_is_refused():
    with pytest.raises(RuntimeError, match="cannot find the arguments"):
        composed_rows(
            ("test contains",), lambda name: Unit.objects.filter(name__contains=name), "县"
        )
    with pytest.raises(TypeError):
        composed_rows(("test float",), lambda x: Unit.objects.filter(pk=x), 1.5)


def test_a_values_list_of_expressions_reads_in_its_order_and_a_reordered_one_is_refused(units):
    from django.db.models import Exists, OuterRef

    county, bureau, _township = units

    def facts(pk):
        children = Unit.objects.filter(parent=OuterRef("pk"))
        return Unit.objects.filter(pk=pk).values_list(Exists(children), "name")

    with pytest.raises(TypeError, match="query order"):  # Django would move "name" first
        composed_rows(("test reordered",), facts, county.pk)

    def has_children(pk):
        return Unit.objects.filter(pk=pk).values_list(
            Exists(Unit.objects.filter(parent=OuterRef("pk")))
        )

    assert composed_rows(("test exists",), has_children, county.pk) == [(True,)]
    assert composed_rows(("test exists",), has_children, bureau.pk) == [(False,)]


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_outside_a_transaction_is_refused_as_django_refuses_it(county):
    from django.db.transaction import TransactionManagementError

    def locked(pk):
        return Unit.objects.select_for_update().filter(pk=pk)

    with transaction.atomic():  # composed inside one: the statement is kept
        assert composed_get(("test lock outside",), locked, county.pk).pk == county.pk
    with pytest.raises(TransactionManagementError):
        composed_get(("test lock outside",), locked, county.pk)
