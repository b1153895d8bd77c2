"""A task is due when the clock its step meets is: the legality review's task shows the due date
of the review's clock (《重大行政决策程序暂行条例》第二十六条, 7 working days unless the
jurisdiction sets more) to the legal advisors it is offered to, and the inbox lists it by that
date — earliest first, undated work last.

December 2026 has no public holiday: a review submitted on Friday 2026-12-04 is due on Tuesday
12-15 (7 working days); one submitted on Tuesday 12-01 under a local 12-day rule on Thursday
12-17.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from decisions import services as decision_services
from decisions.flows import DecisionFlow
from tests.decisions import conftest as decisions_fixtures
from workflows.clocks.models import CalendarOverlay, Deadline, DeadlineRuleOverride
from workflows.clocks.selectors import jurisdiction_default
from workflows.inbox import inbox_for_user, inbox_items_for_user
from workflows.paging import CappedPaginator
from workflows.testing.flows import InboxTestFlow

pytestmark = pytest.mark.django_db

people, catalogue_item = decisions_fixtures.people, decisions_fixtures.catalogue_item
review_reaches_unknown_year = decisions_fixtures.review_reaches_unknown_year


@pytest.fixture
def drive(people, catalogue_item):
    """Decisions in real DecisionFlow processes, each step done on its task."""
    return decisions_fixtures.Driver(people, catalogue_item, flow=True)


RULE = "decision.legality_review"


def review_task(drive, people):
    """A decision driven through its flow (``drive``: a ``Driver(flow=True)``) up to the
    legality review's task, submitted today."""
    drafter = people["drafter"]
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    drive.step(
        d,
        "submit_legality",
        drafter,
        lambda: decision_services.legality_review_submit(
            decision=d, by=drafter, procedures_account="已公开征求意见、风险评估"
        ),
    )
    return drive.processes[d.pk].task_set.get(
        flow_task=DecisionFlow.legality_review, status=STATUS.NEW
    )


def _review_task(drive, people, travel_to, day: date, *, working_days: int | None = None):
    override = None
    if working_days is not None:
        override = DeadlineRuleOverride.objects.create(
            jurisdiction=jurisdiction_default(),
            rule_key=RULE,
            unit="working",
            amount=working_days,
            legal_source="乌恰县人民政府规定(测试)",
        )
    travel_to(day)
    task = review_task(drive, people)
    if override is not None:
        override.delete()
    return task


def test_a_review_task_shows_its_clocks_due_date_and_comes_before_a_later_one_when_offered(
    drive, people, travel_to
):
    advisor = people["legal_advisor"]
    travel_to(date(2026, 11, 30))
    # Older than both reviews, offered to the same advisor, with no clock: listed last.
    undated = InboxTestFlow.start.run(unit_id=people["bureau"].pk).task_set.get(
        flow_task=InboxTestFlow.review
    )
    # Submitted first, due last.
    later = _review_task(drive, people, travel_to, date(2026, 12, 1), working_days=12)
    sooner = _review_task(drive, people, travel_to, date(2026, 12, 4))
    assert set(Deadline.objects.filter(rule_key=RULE).values_list("due", flat=True)) == {
        date(2026, 12, 15),
        date(2026, 12, 17),
    }

    tasks = [item for item in inbox_items_for_user(user=advisor) if item.kind == "task"]

    assert [(item.key, item.due) for item in tasks] == [
        (f"task:{sooner.pk}", date(2026, 12, 15)),
        (f"task:{later.pk}", date(2026, 12, 17)),
        (f"task:{undated.pk}", None),
    ]
    # The page reads the same order from SQL, a page at a time.
    first = inbox_for_user(user=advisor, prefetch=1)[0]
    assert (first.key, first.due) == (f"task:{sooner.pk}", date(2026, 12, 15))


def test_a_review_task_loses_its_due_date_when_its_clock_is_no_longer_running(
    drive, people, travel_to
):
    task = _review_task(drive, people, travel_to, date(2026, 12, 4))
    Deadline.objects.filter(rule_key=RULE).update(status=Deadline.Status.MET)

    (item,) = [i for i in inbox_items_for_user(user=people["legal_advisor"]) if i.kind == "task"]

    assert (item.key, item.due) == (f"task:{task.pk}", None)


def test_a_review_task_whose_clock_awaits_the_holiday_notice_says_for_which_year(
    drive, people, review_reaches_unknown_year
):
    task = review_task(drive, people)

    (item,) = [i for i in inbox_items_for_user(user=people["legal_advisor"]) if i.kind == "task"]

    assert (item.key, item.due, item.awaiting) == (f"task:{task.pk}", None, 2027)


def test_a_drafter_sees_no_review_task_however_due_it_is(drive, people, travel_to):
    _review_task(drive, people, travel_to, date(2026, 12, 4))

    items = inbox_items_for_user(user=people["drafter"])

    assert not [item for item in items if item.due == date(2026, 12, 15)]


# --- the page: due date, legal source and the light by working days left -----------------------


def _row(client, task):
    response = client.get(reverse("workbench:inbox:index"))
    (row,) = [r for r in response.context["rows"] if r.item.key == f"task:{task.pk}"]
    return row, response.content.decode()


def test_a_dated_task_older_ones_would_push_past_the_first_page_comes_first(
    client, drive, people, travel_to
):
    """The inbox merges its sources by (due, created): the tasks are read in due order in SQL,
    so a dated task created after a page's worth of undated ones still leads page one."""
    advisor = people["legal_advisor"]
    travel_to(date(2026, 11, 30))
    undated = [
        InboxTestFlow.start.run(unit_id=people["bureau"].pk).task_set.get(
            flow_task=InboxTestFlow.review
        )
        for _ in range(3)
    ]
    dated = _review_task(drive, people, travel_to, date(2026, 12, 4))

    pages = CappedPaginator(inbox_for_user(user=advisor, prefetch=2), 2)
    first, second = pages.page(1), pages.page(2)

    assert [i.key for i in first] == [f"task:{dated.pk}", f"task:{undated[0].pk}"]
    assert [i.key for i in second] == [f"task:{t.pk}" for t in undated[1:]]
    assert first[0].due == date(2026, 12, 15)


def test_the_row_shows_the_due_date_its_legal_source_and_the_stage(
    client, drive, people, travel_to
):
    task = _review_task(drive, people, travel_to, date(2026, 12, 4))
    client.force_login(people["legal_advisor"])

    row, html = _row(client, task)

    assert row.item.due == date(2026, 12, 15)
    assert row.item.legal_source == "《重大行政决策程序暂行条例》第二十六条"
    assert row.item.stage == "合法性审查"
    assert 'data-due="2026-12-15"' in html and "《重大行政决策程序暂行条例》第二十六条" in html


@pytest.mark.parametrize(
    ("today", "colour", "label"),
    [
        # (12-04, 12-15] holds 7 working days.
        (date(2026, 12, 4), "green", "剩余7个工作日"),
        (date(2026, 12, 9), "green", "剩余4个工作日"),
        (date(2026, 12, 10), "amber", "剩余3个工作日"),
        (date(2026, 12, 15), "amber", "剩余0个工作日"),
        (date(2026, 12, 16), "red", "已逾期"),
    ],
)
def test_the_light_turns_amber_then_red_as_the_working_days_run_out(
    client, drive, people, travel_to, today, colour, label
):
    task = _review_task(drive, people, travel_to, date(2026, 12, 4))
    client.force_login(people["legal_advisor"])
    travel_to(today)

    row, html = _row(client, task)

    assert (row.light.colour, row.light.label) == (colour, label)
    # Said in words beside the colour.
    assert f'data-light="{colour}"' in html and label in html


def test_a_regional_holiday_is_not_a_working_day_left(client, drive, people, travel_to):
    task = _review_task(drive, people, travel_to, date(2026, 12, 4))
    client.force_login(people["legal_advisor"])
    travel_to(date(2026, 12, 9))
    assert _row(client, task)[0].light.colour == "green"
    # The jurisdiction declares 12-10 a holiday (a correction of its overlay): 3 days left.
    CalendarOverlay.objects.create(
        jurisdiction=jurisdiction_default(),
        date=date(2026, 12, 10),
        kind=CalendarOverlay.Kind.HOLIDAY,
        name="测试",
    )

    row, _html = _row(client, task)

    assert (row.light.colour, row.light.days) == ("amber", 3)


def test_a_clock_awaiting_the_holiday_notice_shows_it_and_no_colour(
    client, drive, people, review_reaches_unknown_year
):
    task = review_task(drive, people)
    client.force_login(people["legal_advisor"])

    row, html = _row(client, task)

    assert row.light.colour == "awaiting" and str(timezone.localdate().year + 1) in row.light.label
    assert 'data-testid="inbox-awaiting"' in html
