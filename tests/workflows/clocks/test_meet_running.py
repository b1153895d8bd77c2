"""Meeting a clock given by its id, and every running clock of an item in one read
(``deadline_meet``, ``deadlines_meet_running``)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.clocks.models import Deadline
from workflows.clocks.selectors import deadlines_for
from workflows.clocks.services import (
    DeadlineClosed,
    deadline_meet,
    deadline_open,
    deadline_waive,
    deadlines_meet_running,
)
from workflows.record.selectors import events_for

from .conftest import PUBLIC_COMMENT, START

pytestmark = pytest.mark.django_db

AT = datetime(2024, 10, 8, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_clock_given_by_its_id_is_met_as_the_clock_itself_would_be(open_review, township):
    deadline = open_review()
    met = deadline_meet(deadline=deadline.pk, at=AT)
    assert (met.pk, met.status, met.met_at) == (deadline.pk, Deadline.Status.MET, AT)
    assert deadline_meet(deadline=deadline.pk).met_at == AT  # met again: unchanged
    assert [e.action for e in events_for(township)].count("deadline.met") == 1


def test_a_waived_clock_given_by_its_id_cannot_be_met(open_review, head):
    deadline = open_review()
    deadline_waive(deadline=deadline, by=head, reason="撤回")
    with pytest.raises(DeadlineClosed):
        deadline_meet(deadline=deadline.pk)


def test_every_running_clock_of_an_item_is_met_and_a_closed_one_left_alone(
    open_review, township, justice_bureau, head
):
    review = open_review()
    comment = deadline_open(
        subject=township,
        rule_key=PUBLIC_COMMENT.key,
        start=START,
        responsible_unit=justice_bureau,
    )
    deadline_waive(deadline=comment, by=head, reason="不再需要")
    with CaptureQueriesContext(connection) as queries:
        met = deadlines_meet_running(deadlines=deadlines_for(township), at=AT)
    assert [d.pk for d in met] == [review.pk]
    assert sum("FOR UPDATE" in q["sql"] for q in queries) == 1  # read and locked once
    review.refresh_from_db()
    comment.refresh_from_db()
    assert (review.status, review.met_at) == (Deadline.Status.MET, AT)
    assert comment.status == Deadline.Status.WAIVED
    assert deadlines_meet_running(deadlines=deadlines_for(township), at=AT) == []
