"""The grouped inbox's tasks without a due date, kept as rows (issue 22,
``workflows.inbox.undated``): after every change the real flows make — a review task created,
its clock opened with a date or awaiting the holiday notice, the notice entered, the clock
waived or met, the task done, the process cancelled — the rows are exactly the open tasks at
clocked steps whose clock (``task_clocks._task_clock``) gives no due date. And the grouped view read
from the clocks' side and these rows shows the same groups as reading each task's clock, in a
number of statements that does not grow with the queue."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from decisions import services as decision_services
from decisions.flows import DecisionFlow
from decisions.models import LegalityReview
from workflows.clocks.services import (
    calendar_year_enter,
    deadline_open,
    deadline_waive,
    deadlines_compute_awaiting,
    deadlines_open_many,
)
from workflows.inbox import due, groups, inbox_grouped, task_offer
from workflows.inbox.offers import role_grants_for
from workflows.inbox.undated import (
    _nodes_beyond_clocked_steps,
    undated_tasks_expected,
    undated_tasks_rebuild,
)
from workflows.models import UndatedTask
from workflows.testing.flows import InboxTestFlow

from . import test_inbox_grouped as grouped
from .test_inbox_due import decisions_fixtures, review_task
from .test_inbox_walk import _clock_of
from .test_inbox_walk import mixed as mixed  # a fixture

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
review_reaches_unknown_year = decisions_fixtures.review_reaches_unknown_year
drive, small_limits, _reviews = grouped.drive, grouped.small_limits, grouped._reviews


@pytest.fixture(autouse=True)
def urls_loaded():
    """Flows' task pages are named once the URLconf is loaded (an item's ``url``)."""
    reverse("workbench:inbox:index")


def _kept() -> set[int]:
    """The tasks with a row, having checked the rows (ids and ``created``) against each
    task's clock."""
    rows = set(UndatedTask.objects.values_list("task_id", "created"))
    assert rows == set(undated_tasks_expected())
    return {pk for pk, _created in rows}


def _decision_of(task):
    return task.process.decisionprocess.decision


def test_a_review_task_has_a_row_only_while_its_clock_gives_no_date(drive, people, travel_to):
    advisor, head = people["legal_advisor"], people["review_head"]
    travel_to(date(2026, 12, 4))
    # The clock opens with the submission, before the review task: the task is dated.
    dated = review_task(drive, people)
    assert _kept() == set()

    waived = review_task(drive, people)
    deadline_waive(deadline=_clock_of(waived), by=advisor, reason="测试")
    assert _kept() == {waived.pk}

    # Reviewed: the head's approval meets the same clock, still running (dated, no row); the
    # approval meets it and the task is done (no row).
    d = _decision_of(dated)
    review = d.legality_reviews.latest("pk")
    drive.step(
        d,
        "legality_review",
        advisor,
        lambda: decision_services.legality_review_complete(
            review=review, by=advisor, outcome="lawful", opinion="经审查……"
        ),
    )
    approve = drive.processes[d.pk].task_set.get(flow_task=DecisionFlow.approve_legality)
    assert approve.status == STATUS.NEW and _kept() == {waived.pk}
    drive.step(
        d,
        "approve_legality",
        head,
        lambda: decision_services.legality_review_approve(review=review, by=head),
    )
    assert _kept() == {waived.pk}

    # A process cancelled: its open review task leaves the rows.
    DecisionFlow.instance.cancel(drive.processes[_decision_of(waived).pk])
    waived.refresh_from_db()
    assert waived.status == STATUS.CANCELED and _kept() == set()


@pytest.mark.parametrize("many", [False, True])
def test_a_clock_opened_while_its_review_task_waits_dates_the_task(drive, people, travel_to, many):
    """Opening inserts without model signals (``clocks.signals.deadlines_opened``), one clock
    or many at once."""
    travel_to(date(2026, 12, 4))
    task = review_task(drive, people)
    clock = _clock_of(task)
    deadline_waive(deadline=clock, by=people["legal_advisor"], reason="测试")
    assert _kept() == {task.pk}

    review = LegalityReview.objects.get(pk=clock.object_id)
    if many:
        deadlines_open_many(
            rule_key=clock.rule_key,
            start=date(2026, 12, 4),
            subjects=[(review, clock.responsible_unit)],
        )
    else:
        deadline_open(
            subject=review,
            rule_key=clock.rule_key,
            start=date(2026, 12, 4),
            responsible_unit=clock.responsible_unit,
        )
    assert _clock_of(task).due is not None and _kept() == set()


def test_a_returned_submission_leaves_no_row_and_its_new_review_is_dated(drive, people, travel_to):
    """第二十六条: returning the submission waives its clock (the task still open: a row) and
    ends the task (none); submitted again, the new review's clock dates the new task."""
    advisor, drafter = people["legal_advisor"], people["drafter"]
    travel_to(date(2026, 12, 4))
    task = review_task(drive, people)
    d = _decision_of(task)
    review = d.legality_reviews.latest("pk")
    drive.step(
        d,
        "legality_review",
        advisor,
        lambda: decision_services.legality_review_return(
            review=review, by=advisor, missing=["draft"]
        ),
    )
    assert _kept() == set()
    drive.step(
        d,
        "submit_legality",
        drafter,
        lambda: decision_services.legality_review_submit(
            decision=d, by=drafter, procedures_account="已补充"
        ),
    )
    again = drive.processes[d.pk].task_set.get(
        flow_task=DecisionFlow.legality_review, status=STATUS.NEW
    )
    assert again.pk != task.pk and _kept() == set()


def test_a_review_awaiting_the_holiday_notice_has_a_row_until_the_notice_is_entered(
    drive, people, review_reaches_unknown_year
):
    task = review_task(drive, people)
    assert _kept() == {task.pk}

    year = timezone.localdate().year + 1
    calendar_year_enter(
        year=year,
        title=f"国务院办公厅关于{year}年部分节假日安排的通知（为测试编写）",
        published_on=date(year - 1, 11, 20),
        by=None,
        holidays={date(year, 1, 1): "元旦"},
    )
    assert deadlines_compute_awaiting().computed
    assert _kept() == set()


def test_rebuilding_the_rows_writes_what_the_receivers_kept(mixed, people):
    kept = _kept()
    assert kept == {mixed["undated"][0].pk}  # the waived review (the others meet no clock)
    UndatedTask.objects.all().delete()
    undated_tasks_rebuild()
    assert _kept() == kept


# --- the grouped view read from the clocks' side and the rows --------------------------------


def _grouped(user, today, size):
    return inbox_grouped(user=user, grants=role_grants_for(user=user), today=today, size=size)


@pytest.fixture
def queue(mixed, drive, people, make_person):
    """``mixed`` (four dated reviews, a waived one and three tasks of a step without a clock,
    all offered to the legal advisor), of which the advisor claimed a dated review and a task
    of the step without a clock."""
    advisor = people["legal_advisor"]
    claimed, plain = mixed["dated"][2], mixed["undated"][1]
    for task in (claimed, plain):
        task.owner, task.status = advisor, STATUS.ASSIGNED
        task.save()
    return mixed


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_the_groups_read_from_the_clocks_side_are_those_read_task_by_task(
    queue, people, monkeypatch, size
):
    advisor = people["legal_advisor"]
    today = date(2026, 12, 16)  # one review overdue (12-15 is past), the others still dated
    who = due.Who(
        advisor.pk, groups._split(role_grants_for(user=advisor), groups._clocked_roles())[0]
    )
    assert not due.walk_pays(who)
    task_by_task = _grouped(advisor, today, size)

    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)
    assert due.walk_pays(who)
    walked = _grouped(advisor, today, size)

    assert walked == task_by_task
    assert [g.key for g in walked] == ["overdue", "dated", "undated"]
    assert sum(len(g.items) for g in walked) == min(size, 2) + min(size, 2) + min(size, 4)


def test_a_row_whose_task_has_a_date_after_all_is_left_out(queue, people, monkeypatch):
    """Belt and braces: the rows list the undated tasks, the item's clock dates them."""
    advisor = people["legal_advisor"]
    dated = queue["dated"][0]
    UndatedTask.objects.create(task=dated, created=dated.created)
    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)

    found = {g.key: g for g in _grouped(advisor, date(2026, 12, 7), 10)}

    assert dated.pk not in [item.task_id for item in found["undated"].items]
    assert dated.pk in [item.task_id for item in found["dated"].items]


def test_the_grouped_view_asks_as_many_statements_however_many_reviews_wait(
    drive, people, travel_to, monkeypatch
):
    advisor = people["legal_advisor"]
    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)

    def statements():
        with CaptureQueriesContext(connection) as queries:
            found = _grouped(advisor, date(2026, 12, 7), 2)
        return len(queries), found

    def add_reviews():
        travel_to(date(2026, 12, 4))
        review_task(drive, people)
        waived = review_task(drive, people)
        deadline_waive(deadline=_clock_of(waived), by=advisor, reason="测试")
        _reviews(people["bureau"], 1)

    add_reviews()
    few, found = statements()
    assert {g.key for g in found} == {"dated", "undated"}
    for _ in range(2):
        add_reviews()
    many, found = statements()
    assert many == few
    assert [g.total for g in found] == [3, None]


def test_the_steps_walked_beyond_the_clocked_ones_are_those_offered_under_the_roles(
    monkeypatch,
):
    """A legal advisor's amendments to confirm (a step without a clock) are walked, not the
    reviews; a step-less node making offers in code may offer under any role."""
    names = {node.name for node in _nodes_beyond_clocked_steps(["legal_advisor"])}
    assert names == {"confirm_amendments", "review"}  # review: InboxTestFlow's, in its onCreate
    monkeypatch.setattr(InboxTestFlow.review, "_on_create", None)
    assert {node.name for node in _nodes_beyond_clocked_steps(["legal_advisor"])} == {
        "confirm_amendments"
    }


def test_the_page_shows_the_grouped_view_from_the_rows(client, queue, people, monkeypatch):
    advisor = people["legal_advisor"]
    client.force_login(advisor)
    monkeypatch.setattr(groups, "LARGE_QUEUE", 3)
    monkeypatch.setattr(groups, "GROUP_SIZE", 2)

    def page():
        response = client.get(reverse("workbench:inbox:index"))
        assert response.status_code == 200 and response.context["view"] == "grouped"
        return {
            g["key"]: ([row.item.key for row in g["rows"]], g["total"])
            for g in response.context["groups"]
        }

    task_by_task = page()
    monkeypatch.setattr(due, "FORWARD_LIMIT", 0)
    assert page() == task_by_task
    task_offer(task=queue["undated"][2], role="legal_advisor", unit=people["county"])
    assert page() == task_by_task
