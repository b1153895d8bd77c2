"""Years after the holiday package: an administrator enters the State Council's notice.

domain.md §4: working days follow the State Council's yearly holiday notice with its make-up
working days (调休), regional overlays apply on top, and an unknown year is never guessed.

The 2027 notice below is MADE UP for these tests (plausible shape, not the real schedule):
元旦 on Friday 2027-01-01; 春节 from Saturday 2027-02-06 to Friday 2027-02-12, with the
Saturday after, 2027-02-13, a make-up working day.
"""

import pickle
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import (
    FIRST_YEAR,
    CalendarRangeError,
    NationalYear,
    WorkCalendar,
    add_calendar_days,
    add_working_days,
    count_working_days,
    is_working_day,
    package_last_year,
    package_years,
    working_days_before,
)
from workflows.clocks.models import (
    CalendarOverlay,
    CalendarYear,
    CalendarYearDay,
    Deadline,
    Reminder,
)
from workflows.clocks.selectors import calendar_for, jurisdiction_default
from workflows.clocks.services import calendar_year_enter, deadline_open, deadline_waive
from workflows.record.selectors import events_for

from .conftest import PUBLIC_COMMENT

# The package's last year in the suite's world (config.settings.test: 2026).
LAST_YEAR = package_last_year()


NEXT = LAST_YEAR + 1  # 2027: the suite's calendar ends with 2026 (config.settings.test)
SPRING = [date(2027, 2, 6) + timedelta(days=i) for i in range(7)]  # Sat 6 … Fri 12
MADE_UP_2027 = {
    "holidays": {date(2027, 1, 1): "元旦", **{d: "春节" for d in SPRING}},
    "working_days": {date(2027, 2, 13): "春节"},
}
TITLE = "国务院办公厅关于2027年部分节假日安排的通知"

ENTERED_2027 = WorkCalendar.build(
    national_years=[
        NationalYear(
            year=2027,
            holidays=frozenset(MADE_UP_2027["holidays"]),
            working_days=frozenset(MADE_UP_2027["working_days"]),
            source=TITLE,
        )
    ]
)


@pytest.fixture
def enter_2027(db, make_person, county):
    def enter(**kwargs):
        kwargs.setdefault("by", make_person("calendar_admin", county))
        kwargs.setdefault("complete", True)
        return calendar_year_enter(
            year=2027,
            title=TITLE,
            reference="国办发明电〔2026〕99号",
            published_on=date(2026, 11, 20),
            **MADE_UP_2027,
            **kwargs,
        )

    return enter


# --- the pure calendar --------------------------------------------------------------------


def test_counting_into_an_unknown_year_raises_an_error_that_says_what_to_do_when_not_entered():
    with pytest.raises(CalendarRangeError) as error:
        add_working_days(date(2026, 12, 28), 5, calendar=WorkCalendar())
    assert error.value.day == date(2027, 1, 1)
    with translation.override("en"):
        message = str(error.value)
    assert "2027-01-01" in message
    assert "2004-01-01 to 2026-12-31" in message
    assert "holiday notice for 2027" in message
    assert "National holiday notices" in message
    # The zh-hans page shows the same facts (translated by the catalogue).
    with translation.override("zh-hans"):
        assert "2027" in str(error.value)


def test_the_range_error_survives_pickling_when_sent_between_processes():
    error = CalendarRangeError(date(2029, 3, 1), package_years() | {2027})
    again = pickle.loads(pickle.dumps(error))
    assert (again.day, again.known_years) == (error.day, error.known_years)
    with translation.override("en"):
        assert "2004-01-01 to 2027-12-31" in str(again)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 1, 1), False),  # 元旦, a Friday: listed holiday
        (date(2027, 1, 2), False),  # ordinary Saturday: not listed, still not working
        (date(2027, 1, 4), True),  # Monday after
        (date(2027, 2, 8), False),  # Monday inside 春节
        (date(2027, 2, 13), True),  # the make-up Saturday (调休)
        (date(2027, 2, 14), False),  # ordinary Sunday after it
        (date(2027, 6, 15), True),  # an ordinary Tuesday
    ],
)
def test_an_entered_year_follows_its_notice_when_computing(day, working):
    assert is_working_day(day, calendar=ENTERED_2027) is working


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 12, 24), 7, date(2027, 1, 5)),  # over the year end and 元旦
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # the holiday Friday and the weekend
        (date(2027, 2, 5), 1, date(2027, 2, 13)),  # over 春节 to the make-up Saturday
        (date(2027, 2, 5), 2, date(2027, 2, 15)),
    ],
)
def test_working_days_cross_the_year_end_when_next_years_notice_is_entered(start, n, due):
    assert add_working_days(start, n, calendar=ENTERED_2027) == due
    assert working_days_before(due, n, calendar=ENTERED_2027) <= start


def test_a_day_clock_ending_on_an_entered_holiday_moves_to_the_next_working_day():
    # 2026-12-03 + 30 = Saturday 2027-01-02 → Monday 2027-01-04.
    assert add_calendar_days(date(2026, 12, 3), 30, calendar=ENTERED_2027) == date(2027, 1, 4)
    # 2027-01-07 + 30 = 2027-02-06, first day of 春节 → the make-up Saturday.
    assert add_calendar_days(date(2027, 1, 7), 30, calendar=ENTERED_2027) == date(2027, 2, 13)


def test_an_entered_year_extends_the_known_span_only_for_that_year():
    assert ENTERED_2027.last_year == 2027
    with pytest.raises(CalendarRangeError) as error:
        add_working_days(date(2027, 12, 30), 5, calendar=ENTERED_2027)
    assert error.value.day.year == 2028
    with translation.override("en"):
        assert "2004-01-01 to 2027-12-31" in str(error.value)
        assert "holiday notice for 2028" in str(error.value)


@pytest.mark.parametrize("year", [FIRST_YEAR, 2025, LAST_YEAR])
def test_a_package_year_cannot_be_given_as_entered_data(year):
    with pytest.raises(ValueError, match="chinesecalendar"):
        NationalYear(year=year, holidays=frozenset({date(year, 3, 3)}))


def test_an_entered_year_refuses_dates_of_another_year_or_both_kinds():
    with pytest.raises(ValueError, match="2028-01-01"):
        NationalYear(year=2027, holidays=frozenset({date(2028, 1, 1)}))
    with pytest.raises(ValueError, match="2027-02-13"):
        NationalYear(
            year=2027,
            holidays=frozenset({date(2027, 2, 13)}),
            working_days=frozenset({date(2027, 2, 13)}),
        )


# Property: with an entered year (any entries) and any overlay, results are working days,
# exactly n of them, and strictly increasing in n.
days_2027 = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31))
entered_years = st.builds(
    lambda hol, work: NationalYear(year=2027, holidays=hol - work, working_days=work),
    st.frozensets(days_2027, max_size=25),
    st.frozensets(days_2027, max_size=6),
)
overlay_days = st.frozensets(
    st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 9, 30)), max_size=8
)
calendars = st.builds(
    lambda year, hol, work: WorkCalendar.build(
        holidays=hol - work, working_days=work, national_years=[year]
    ),
    entered_years,
    overlay_days,
    overlay_days,
)
starts = st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 8, 31))


@settings(max_examples=150, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=40), calendar=calendars)
def test_entered_year_results_are_working_days_and_monotonic_in_n(start, n, calendar):
    due = add_working_days(start, n, calendar=calendar)
    after = add_working_days(start, n + 1, calendar=calendar)
    assert start < due < after
    assert is_working_day(due, calendar=calendar)
    assert is_working_day(after, calendar=calendar)
    assert count_working_days(start, due, calendar=calendar) == n
    nominal = add_calendar_days(start, n, calendar=calendar)
    assert is_working_day(nominal, calendar=calendar) and nominal >= start + timedelta(days=n)


# --- entered in the database --------------------------------------------------------------


@pytest.mark.django_db
def test_a_deadline_into_next_year_waits_for_its_notice_when_none_was_entered(open_review):
    deadline = open_review(start=date(2026, 12, 24))
    assert (deadline.due, deadline.awaiting_year) == (None, 2027)
    with translation.override("en"):
        # Only a computation that needs the date itself is refused, naming the notice.
        with pytest.raises(CalendarRangeError) as error:
            add_working_days(date(2026, 12, 24), 7, calendar=calendar_for())
        assert "holiday notice for 2027" in str(error.value)


@pytest.mark.django_db
def test_deadlines_across_the_year_end_compute_when_the_notice_is_entered_without_restart(
    open_review, enter_2027, township, county, justice_bureau
):
    before = calendar_for()
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2026, 12, 24), 7, calendar=before)

    enter_2027()

    review = open_review(subject=township, start=date(2026, 12, 24))
    assert review.due == date(2027, 1, 5)  # weekend, 元旦 skipped
    comment = deadline_open(
        subject=county,
        rule_key=PUBLIC_COMMENT.key,
        start=date(2027, 1, 7),
        responsible_unit=justice_bureau,
    )
    assert comment.due == date(2027, 2, 13)  # ends in 春节 → the make-up Saturday
    assert calendar_for().last_year == 2027


@pytest.mark.django_db
def test_the_cached_calendar_follows_every_change_to_an_entered_notice(enter_2027):
    notice = enter_2027()
    assert add_working_days(date(2026, 12, 31), 1, calendar=calendar_for()) == date(2027, 1, 4)

    extra = CalendarYearDay.objects.create(
        calendar_year=notice, date=date(2027, 1, 4), kind="holiday", name="test"
    )
    assert add_working_days(date(2026, 12, 31), 1, calendar=calendar_for()) == date(2027, 1, 5)
    extra.delete()
    assert add_working_days(date(2026, 12, 31), 1, calendar=calendar_for()) == date(2027, 1, 4)

    notice.is_complete = False
    notice.save()
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2026, 12, 31), 1, calendar=calendar_for())
    notice.is_complete = True
    notice.save()
    assert calendar_for().last_year == 2027
    notice.delete()
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2026, 12, 31), 1, calendar=calendar_for())


@pytest.mark.django_db
def test_an_incomplete_notice_does_not_make_its_year_known(enter_2027):
    enter_2027(complete=False)
    with pytest.raises(CalendarRangeError):
        add_working_days(date(2026, 12, 31), 1, calendar=calendar_for())


@pytest.mark.django_db
def test_jurisdiction_overlays_apply_on_top_of_an_entered_notice(open_review, enter_2027):
    enter_2027()
    wuqia = jurisdiction_default()
    CalendarOverlay.objects.create(
        jurisdiction=wuqia, date=date(2027, 1, 5), kind="holiday", name="regional (test)"
    )
    CalendarOverlay.objects.create(
        jurisdiction=wuqia, date=date(2027, 2, 8), kind="working_day", name="correction (test)"
    )
    calendar = calendar_for(wuqia)
    assert open_review(start=date(2026, 12, 24)).due == date(2027, 1, 6)
    assert add_working_days(date(2027, 2, 5), 1, calendar=calendar) == date(2027, 2, 8)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2025, LAST_YEAR])
def test_a_notice_for_a_package_year_is_refused_when_entered(make_person, county, year):
    with pytest.raises(ValidationError) as error:
        calendar_year_enter(
            year=year,
            title="overwrite attempt",
            published_on=date(2024, 11, 12),
            by=make_person("someone", county),
            holidays={date(year, 3, 3): "made up"},
        )
    assert "year" in error.value.message_dict
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_a_package_year_row_slipped_in_past_validation_never_changes_the_schedule():
    # As after a package upgrade that now carries a year entered earlier: the package wins.
    notice = CalendarYear.objects.create(
        year=2025, title="stale", published_on=date(2024, 11, 12), is_complete=True
    )
    CalendarYearDay.objects.create(
        calendar_year=notice, date=date(2025, 3, 3), kind="holiday", name="made up"
    )
    assert is_working_day(date(2025, 3, 3), calendar=calendar_for())


@pytest.mark.django_db
def test_entering_a_notice_checks_its_days_and_is_recorded(enter_2027, make_person, county):
    with pytest.raises(ValidationError):
        calendar_year_enter(
            year=2027,
            title=TITLE,
            published_on=date(2026, 11, 20),
            by=make_person("a", county),
            holidays={date(2027, 1, 1): "元旦"},
            working_days={date(2027, 1, 6): "not a weekend"},  # a Wednesday
        )
    with pytest.raises(ValidationError):
        calendar_year_enter(
            year=2027,
            title=TITLE,
            published_on=date(2026, 11, 20),
            by=make_person("b", county),
            holidays={date(2028, 1, 1): "wrong year"},
        )
    assert not CalendarYear.objects.exists()

    notice = enter_2027()
    event = [e for e in events_for(notice) if e.action == "calendar.year_entered"][0]
    assert event.actor_user_id == notice.entered_by_id
    assert event.payload["year"] == 2027
    assert ["2027-02-13", "春节"] in event.payload["working_days"]
    assert len(event.payload["holidays"]) == 8


# --- the admin ----------------------------------------------------------------------------


def _admin_post(client, *, year, days, complete=True):
    data = {
        "year": year,
        "title": f"国务院办公厅关于{year}年部分节假日安排的通知",
        "reference": "",
        "url": "",
        "published_on": "2026-11-20",
        "note": "",
        "days-TOTAL_FORMS": len(days),
        "days-INITIAL_FORMS": 0,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    if complete:
        data["is_complete"] = "on"
    for i, (day, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": day, f"days-{i}-kind": kind, f"days-{i}-name": name}
    return client.post(reverse("admin:clocks_calendaryear_add"), data)


@pytest.mark.django_db
def test_the_admin_enters_a_notice_with_its_days_and_the_calendar_knows_the_year(admin_client):
    response = _admin_post(
        admin_client,
        year=2027,
        days=[
            ("2027-01-01", "holiday", "元旦"),
            ("2027-02-08", "holiday", "春节"),
            ("2027-02-13", "working_day", "春节"),
        ],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = CalendarYear.objects.get(year=2027)
    assert notice.entered_by.username == "admin"
    assert notice.days.count() == 3
    assert [e.action for e in events_for(notice)] == ["calendar.year_entered"]
    assert add_working_days(date(2027, 2, 5), 1, calendar=calendar_for()) == date(2027, 2, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "days", "field"),
    [
        (2027, [("2028-01-01", "holiday", "元旦")], "date"),  # not in the notice's year
        (2027, [("2027-01-01", "holiday", "元旦"), ("2027-01-06", "working_day", "x")], "kind"),
        (2027, [("2027-02-13", "working_day", "春节")], None),  # complete without a holiday
        (2026, [("2026-03-03", "holiday", "made up")], "year"),  # a package year
    ],
)
def test_the_admin_refuses_a_notice_when_its_entries_are_wrong(admin_client, year, days, field):
    response = _admin_post(admin_client, year=year, days=days)
    assert response.status_code == 200
    assert not CalendarYear.objects.exists()
    context = response.context
    if field == "year":
        assert "year" in context["adminform"].form.errors
    else:
        formset = context["inline_admin_formsets"][0].formset
        if field is None:
            assert formset.non_form_errors()
        else:
            assert any(field in form.errors for form in formset.forms)


# --- waiving by the system ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_system_waives_an_overdue_clock_and_cancels_its_reminders_when_a_document_expires(
    open_review, township, reviewer
):

    deadline = open_review()
    Deadline.objects.filter(pk=deadline.pk).update(status=Deadline.Status.OVERDUE)
    pending = Reminder.objects.create(
        deadline=deadline, kind="overdue", recipient=reviewer, occurrence=date(2024, 10, 14)
    )
    waived = deadline_waive(deadline=deadline, by="system", reason="document expired")
    assert (waived.status, waived.waived_by, waived.waived_reason) == (
        Deadline.Status.WAIVED,
        None,
        "document expired",
    )
    pending.refresh_from_db()
    assert pending.cancelled_at is not None
    event = [e for e in events_for(township) if e.action == "deadline.waived"][0]
    assert (event.actor_kind, event.actor_user_id) == ("system", None)
    assert event.payload["reason"] == "document expired"


@pytest.mark.django_db
@pytest.mark.parametrize("by", [None, "public", "nobody"])
def test_waiving_is_refused_when_the_actor_is_neither_a_person_nor_the_system(open_review, by):
    deadline = open_review()
    with pytest.raises(TypeError):
        deadline_waive(deadline=deadline, by=by, reason="why not")
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.OPEN


@pytest.mark.django_db
def test_the_admin_pages_for_notices_render_with_the_package_range(admin_client, enter_2027):
    notice = enter_2027()
    add = admin_client.get(reverse("admin:clocks_calendaryear_add"))
    assert add.status_code == 200
    html = add.content.decode()  # Chinese by default: 2004年至2026年
    assert str(FIRST_YEAR) in html and str(LAST_YEAR) in html
    assert admin_client.get(reverse("admin:clocks_calendaryear_changelist")).status_code == 200
    change = admin_client.get(reverse("admin:clocks_calendaryear_change", args=[notice.pk]))
    assert change.status_code == 200
    assert "2027-02-13" in change.content.decode()
