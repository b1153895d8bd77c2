"""The inbox's order for a few tasks, composed once (issue 22, ``workflows.inbox.ordering``):
the statement composed once with the candidates' place marked reads the same rows, in the same
order, with the same due dates, as the ORM composing it at each call — for every page, with
the inbox's filters, and for people whose candidates differ."""

import pytest
from django.db import connection
from django.db.models import BigIntegerField, DateField

from workflows.inbox import ordering
from workflows.inbox.items import NO_FILTER, InboxFilter, _filtered, _task_clock
from workflows.inbox.offers import role_grants_for, tasks_for_user

from . import test_inbox_walk as walk
from .test_inbox_due import decisions_fixtures  # noqa: F401

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
drive, mixed, urls_loaded = walk.drive, walk.mixed, walk.urls_loaded


def _rows(user, flt=NO_FILTER, start=0, stop=None):
    grants = role_grants_for(user=user)
    candidates = _filtered(tasks_for_user(user=user, grants=grants), flt).select_related(None)
    due_date = _task_clock("due", DateField())
    clock = _task_clock("pk", BigIntegerField())
    return (
        ordering.ordered_rows(candidates, due_date, clock, start, stop),
        ordering._orm_rows(candidates, due_date, clock, start, stop),
    )


@pytest.mark.parametrize(
    ("start", "stop"), [(0, None), (0, 1), (0, 2), (1, 3), (2, 5), (3, 4), (5, 8), (7, 9), (9, 12)]
)
def test_the_composed_order_reads_what_the_orm_reads(mixed, people, start, stop):
    composed, orm = _rows(people["legal_advisor"], start=start, stop=stop)
    assert composed == orm
    if stop is None:
        # Something was compared: four dated (in due order) and four undated tasks.
        assert len(orm) == 8 and [due is None for _pk, due in orm] == [False] * 4 + [True] * 4
    if connection.vendor == "postgresql":
        # The composed statement was used, not the ORM's fallback.
        assert any(value is not None for value in ordering._composed.values())


def test_the_filters_and_other_people_read_the_same_through_the_composed_order(mixed, people):
    county = people["county"]
    filters = [
        InboxFilter(process="decisions"),
        InboxFilter(process="workflows"),
        InboxFilter(process="no_such_process"),  # no flow: none() of the tasks
        InboxFilter(unit=county.pk),
        InboxFilter(unit=people["bureau"].pk),
    ]
    for flt in filters:
        composed, orm = _rows(people["legal_advisor"], flt, stop=50)
        assert composed == orm, flt
    for name in ("drafter", "secretary", "archivist"):
        if name in people:
            composed, orm = _rows(people[name], stop=50)
            assert composed == orm, name
