"""Xinjiang's regional holidays, 肉孜节 and 古尔邦节 (domain.md §4): the Umm al-Qura calendar
gives the expected dates, an administrator confirms the year from the autonomous region's
notice, and until then administrators are warned that clocks count those days as working days.

The notice used here is made up for the tests (its days and its reference): the point is what
the code does with a notice, not what a real one said.
"""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from workflows.calendar import add_working_days, is_working_day
from workflows.clocks.models import CalendarOverlay, Jurisdiction, RegionalHolidayYear
from workflows.clocks.regional import (
    EID_AL_ADHA,
    EID_AL_FITR,
    FIRST_YEAR,
    LAST_YEAR,
    RegionalRangeError,
    expected_days,
)
from workflows.clocks.regional_selectors import regional_years_unconfirmed
from workflows.clocks.regional_services import regional_year_confirm
from workflows.clocks.selectors import calendar_for, jurisdiction_default
from workflows.record.selectors import events_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAY = CalendarOverlay.Kind.HOLIDAY
WORKING_DAY = CalendarOverlay.Kind.WORKING_DAY
REFERENCE = "新疆维吾尔自治区人民政府办公厅关于2026年肉孜节、古尔邦节放假的通知（测试用）"

# 2026 as a made-up notice has it: 肉孜节 one day, 古尔邦节 three days and a make-up Saturday.
DAYS_2026 = [
    (date(2026, 3, 20), HOLIDAY, "肉孜节"),
    (date(2026, 5, 27), HOLIDAY, "古尔邦节"),
    (date(2026, 5, 28), HOLIDAY, "古尔邦节"),
    (date(2026, 5, 29), HOLIDAY, "古尔邦节"),
    (date(2026, 5, 30), WORKING_DAY, "古尔邦节调休"),
]


def travel(*args):
    """Today, in the jurisdiction's time zone, for a test that depends on it."""
    return time_machine.travel(datetime(*args, 10, tzinfo=SHANGHAI), tick=True)


@pytest.fixture
def xinjiang(db):
    """The installation's county, in Xinjiang, and the only jurisdiction with regional holidays."""
    Jurisdiction.objects.update(has_regional_holidays=False)
    jurisdiction = jurisdiction_default()
    jurisdiction.has_regional_holidays = True
    jurisdiction.save(update_fields=["has_regional_holidays"])
    return jurisdiction


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def administrator(make_person, county):
    return make_person("county_admin", county, administrator=[county])


def confirm_2026(jurisdiction, by, **changes):
    kwargs = {"days": DAYS_2026, "reference": REFERENCE} | changes
    return regional_year_confirm(jurisdiction=jurisdiction, year=2026, by=by, **kwargs)


def nothing_saved(jurisdiction):
    return not (
        RegionalHolidayYear.objects.filter(jurisdiction=jurisdiction).exists()
        or CalendarOverlay.objects.filter(jurisdiction=jurisdiction).exists()
    )


# --- expected dates (pure) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "fitr", "adha"),
    [
        (2024, date(2024, 4, 10), date(2024, 6, 16)),
        (2025, date(2025, 3, 30), date(2025, 6, 6)),
        (2026, date(2026, 3, 20), date(2026, 5, 27)),
        (2027, date(2027, 3, 9), date(2027, 5, 16)),
    ],
)
def test_the_expected_dates_are_the_umm_al_qura_ones_when_each_festival_falls_once(
    year, fitr, adha
):
    days = expected_days(year)
    assert [(d.festival, d.date) for d in days] == [(EID_AL_FITR, fitr), (EID_AL_ADHA, adha)]
    assert all(type(d.date) is date for d in days)


def test_every_occurrence_is_expected_when_a_festival_falls_twice_in_one_year():
    assert [(d.festival.key, d.date, d.hijri_year) for d in expected_days(2033)] == [
        ("eid_al_fitr", date(2033, 1, 2), 1454),
        ("eid_al_adha", date(2033, 3, 11), 1454),
        ("eid_al_fitr", date(2033, 12, 23), 1455),
    ]
    assert [(d.festival.key, d.date) for d in expected_days(2006)] == [
        ("eid_al_adha", date(2006, 1, 10)),
        ("eid_al_fitr", date(2006, 10, 23)),
        ("eid_al_adha", date(2006, 12, 31)),
    ]


def test_every_year_of_the_table_expects_each_festival_at_least_once():
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        festivals = [d.festival for d in expected_days(year)]
        assert EID_AL_FITR in festivals and EID_AL_ADHA in festivals, year


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1])
def test_no_date_is_guessed_when_the_year_is_outside_the_table(year):
    with pytest.raises(RegionalRangeError):
        expected_days(year)


# --- the data migration ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_gives_the_xinjiang_county_its_regional_holidays_and_no_one_else():
    migration = importlib.import_module("workflows.clocks.migrations.0005_regional_holidays")
    Jurisdiction.objects.all().delete()
    county = Jurisdiction.objects.create(name=migration.DEFAULT_NAME, is_default=True)
    other = Jurisdiction.objects.create(name="某省某县")
    migration.regional_holidays_on(apps, None)
    county.refresh_from_db()
    other.refresh_from_db()
    assert (county.has_regional_holidays, other.has_regional_holidays) == (True, False)
    migration.regional_holidays_off(apps, None)
    county.refresh_from_db()
    assert county.has_regional_holidays is False


# --- confirming a year ----------------------------------------------------------------------


def test_confirmed_days_change_the_working_day_calendar_when_a_year_is_confirmed(
    xinjiang, superuser
):
    before = calendar_for(xinjiang)
    assert is_working_day(date(2026, 3, 20), calendar=before)
    assert not is_working_day(date(2026, 5, 30), calendar=before)

    confirmation = confirm_2026(xinjiang, superuser)

    after = calendar_for(xinjiang)
    assert not is_working_day(date(2026, 3, 20), calendar=after)
    assert not is_working_day(date(2026, 5, 28), calendar=after)
    assert is_working_day(date(2026, 5, 30), calendar=after)  # the make-up Saturday
    # Tue 26 May + 2 working days: Wed–Fri are off, so Sat 30 (make-up) and Mon 1 June.
    assert add_working_days(date(2026, 5, 26), 2, calendar=after) == date(2026, 6, 1)
    assert (confirmation.year, confirmation.confirmed_by, confirmation.reference) == (
        2026,
        superuser,
        REFERENCE,
    )
    overlay = CalendarOverlay.objects.filter(jurisdiction=xinjiang)
    assert sorted(overlay.values_list("date", "kind", "name")) == sorted(DAYS_2026)
    assert set(overlay.values_list("note", flat=True)) == {REFERENCE}


def test_the_confirmation_is_recorded_with_its_days_and_the_expected_ones(xinjiang, superuser):
    confirmation = confirm_2026(xinjiang, superuser)
    [event] = events_for(confirmation)
    assert event.action == "calendar.regional_year_confirmed"
    assert event.actor_user_id == superuser.pk
    assert event.payload["year"] == 2026
    assert event.payload["reference"] == REFERENCE
    assert ["2026-03-20", "肉孜节"] in event.payload["holidays"]
    assert event.payload["working_days"] == [["2026-05-30", "古尔邦节调休"]]
    assert event.payload["expected_umm_al_qura"] == [
        ["2026-03-20", "eid_al_fitr"],
        ["2026-05-27", "eid_al_adha"],
    ]


def test_an_overlay_day_entered_by_hand_is_kept_when_the_confirmation_agrees_with_it(
    xinjiang, superuser
):
    CalendarOverlay.objects.create(
        jurisdiction=xinjiang, date=date(2026, 3, 20), kind=HOLIDAY, name="肉孜节", note="早录"
    )
    confirm_2026(xinjiang, superuser)
    assert CalendarOverlay.objects.get(date=date(2026, 3, 20)).note == "早录"
    assert CalendarOverlay.objects.filter(jurisdiction=xinjiang).count() == len(DAYS_2026)


def test_confirming_is_refused_when_the_year_is_confirmed_already(xinjiang, superuser):
    confirm_2026(xinjiang, superuser)
    with pytest.raises(ValidationError) as refused:
        confirm_2026(xinjiang, superuser, days=[(date(2026, 6, 2), HOLIDAY, "古尔邦节")])
    assert refused.value.code == "confirmed_already"
    assert RegionalHolidayYear.objects.filter(jurisdiction=xinjiang).count() == 1
    assert not CalendarOverlay.objects.filter(date=date(2026, 6, 2)).exists()


@pytest.mark.parametrize(
    ("days", "code"),
    [
        ([*DAYS_2026, (date(2027, 1, 1), HOLIDAY, "古尔邦节")], "outside_year"),
        ([*DAYS_2026, (date(2026, 3, 20), WORKING_DAY, "肉孜节")], "holiday_and_working_day"),
        ([*DAYS_2026, (date(2026, 3, 20), HOLIDAY, "肉孜节")], "listed_twice"),
        ([(date(2026, 5, 30), WORKING_DAY, "调休")], "no_holiday"),
    ],
)
def test_confirming_saves_nothing_when_a_day_is_wrong(xinjiang, superuser, days, code):
    with pytest.raises(ValidationError) as refused:
        confirm_2026(xinjiang, superuser, days=days)
    assert [e.code for e in refused.value.error_list] == [code]
    assert nothing_saved(xinjiang)
    assert is_working_day(date(2026, 5, 27), calendar=calendar_for(xinjiang))


def test_confirming_saves_nothing_when_the_overlay_already_says_the_opposite(xinjiang, superuser):
    CalendarOverlay.objects.create(
        jurisdiction=xinjiang, date=date(2026, 5, 28), kind=WORKING_DAY, name="更正"
    )
    with pytest.raises(ValidationError) as refused:
        confirm_2026(xinjiang, superuser)
    assert refused.value.code == "overlay_contrary"
    assert "2026-05-28" in refused.value.messages[0]
    assert not RegionalHolidayYear.objects.exists()
    assert CalendarOverlay.objects.filter(jurisdiction=xinjiang).count() == 1


def test_the_refusal_is_in_the_readers_language(xinjiang, superuser):
    days = [*DAYS_2026, (date(2027, 1, 1), HOLIDAY, "古尔邦节")]
    with pytest.raises(ValidationError) as refused:
        confirm_2026(xinjiang, superuser, days=days)
    with translation.override("en"):
        assert refused.value.messages == ["These dates are not in 2026: 2027-01-01."]
    with translation.override("zh-hans"):
        assert "2027-01-01" in refused.value.messages[0]
        assert "These dates" not in refused.value.messages[0]


def test_confirming_is_refused_when_the_jurisdiction_has_no_regional_holidays(xinjiang, superuser):
    plain = Jurisdiction.objects.create(name="某省某县")
    with pytest.raises(ValidationError):
        confirm_2026(plain, superuser)
    assert nothing_saved(plain)


# --- the warning ----------------------------------------------------------------------------


def inbox(client, user):
    client.force_login(user)
    return client.get("/workbench/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@travel(2026, 6, 1)
def test_an_administrator_is_warned_until_the_year_is_confirmed(
    client, xinjiang, administrator, superuser
):
    page = inbox(client, administrator)
    assert 'data-testid="regional-holiday-notice"' in page
    assert "Regional holidays (肉孜节, 古尔邦节) for 2026 are not confirmed" in page
    assert "2026-03-20" in page and "2026-05-27" in page
    assert reverse("admin:clocks_regionalholidayyear_confirm", args=[xinjiang.pk, 2026]) in page
    assert "for 2027" not in page  # next year's start is more than 60 days away

    confirm_2026(xinjiang, superuser)
    assert 'data-testid="regional-holiday-notice"' not in inbox(client, administrator)


@travel(2026, 11, 15)
def test_next_year_is_warned_about_too_when_it_begins_within_60_days(
    client, xinjiang, administrator, superuser
):
    confirm_2026(xinjiang, superuser)
    page = inbox(client, administrator)
    assert "for 2027 are not confirmed" in page
    assert "2027-03-09" in page and "2027-05-16" in page
    assert "for 2026 are not confirmed" not in page


@travel(2026, 6, 1)
def test_nobody_is_warned_when_no_jurisdiction_has_regional_holidays(
    client, xinjiang, administrator
):
    Jurisdiction.objects.update(has_regional_holidays=False)
    Jurisdiction.objects.create(name="某省某县")
    assert regional_years_unconfirmed(today=date(2026, 6, 1)) == []
    assert 'data-testid="regional-holiday-notice"' not in inbox(client, administrator)


@travel(2026, 6, 1)
def test_only_administrators_are_warned(client, xinjiang, drafter):
    assert 'data-testid="regional-holiday-notice"' not in inbox(client, drafter)


# --- the admin ------------------------------------------------------------------------------


def confirm_url(jurisdiction, year=2026):
    return reverse("admin:clocks_regionalholidayyear_confirm", args=[jurisdiction.pk, year])


def confirm_post(client, jurisdiction, days, *, initial=2, reference=REFERENCE):
    data = {
        "reference": reference,
        "note": "",
        "days-TOTAL_FORMS": len(days),
        "days-INITIAL_FORMS": initial,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
    }
    for i, (day, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": day.isoformat(), f"days-{i}-kind": kind, f"days-{i}-name": name}
    return client.post(confirm_url(jurisdiction), data)


def test_the_confirm_page_offers_the_expected_dates_as_editable_rows(client, xinjiang, superuser):
    client.force_login(superuser)
    page = client.get(confirm_url(xinjiang), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Confirm regional holidays for 2026" in html
    assert 'value="2026-03-20"' in html and 'value="2026-05-27"' in html
    assert "Umm al-Qura" in html and "新疆维吾尔自治区人民政府办公厅" in html
    assert page.context["formset"].initial_form_count() == 2


def test_the_confirm_page_saves_the_notices_days_through_the_service(client, xinjiang, superuser):
    client.force_login(superuser)
    response = confirm_post(client, xinjiang, DAYS_2026)
    assert response.status_code == 302, response.content.decode()[:3000]
    confirmation = RegionalHolidayYear.objects.get(jurisdiction=xinjiang, year=2026)
    assert confirmation.confirmed_by == superuser
    assert CalendarOverlay.objects.filter(jurisdiction=xinjiang).count() == len(DAYS_2026)
    assert [e.action for e in events_for(confirmation)] == ["calendar.regional_year_confirmed"]
    assert not is_working_day(date(2026, 5, 29), calendar=calendar_for(xinjiang))
    # The confirmation is shown read-only; the page of a confirmed year leads there.
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert "2026-05-30" in shown.content.decode()  # the days, with the make-up Saturday
    again = client.get(confirm_url(xinjiang))
    assert again.status_code == 302
    assert again["Location"] == response["Location"]


def test_the_confirm_page_shows_the_refusal_and_saves_nothing_when_a_day_is_wrong(
    client, xinjiang, superuser
):
    client.force_login(superuser)
    days = [*DAYS_2026, (date(2026, 5, 27), WORKING_DAY, "古尔邦节")]
    response = confirm_post(client, xinjiang, days, reference="")
    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    response = confirm_post(client, xinjiang, days)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert nothing_saved(xinjiang)


def test_a_removed_row_is_not_confirmed(client, xinjiang, superuser):
    client.force_login(superuser)
    data_days = DAYS_2026[:2]
    url = confirm_url(xinjiang)
    data = {
        "reference": REFERENCE,
        "days-TOTAL_FORMS": 3,
        "days-INITIAL_FORMS": 2,
        "days-MIN_NUM_FORMS": 0,
        "days-MAX_NUM_FORMS": 1000,
        "days-2-kind": HOLIDAY,  # a blank extra row, untouched
    }
    for i, (day, kind, name) in enumerate(data_days):
        data |= {f"days-{i}-date": day.isoformat(), f"days-{i}-kind": kind, f"days-{i}-name": name}
    data["days-1-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(CalendarOverlay.objects.values_list("date", flat=True)) == [date(2026, 3, 20)]


def test_the_confirm_page_is_not_found_when_the_jurisdiction_has_no_regional_holidays(
    client, xinjiang, superuser
):
    client.force_login(superuser)
    plain = Jurisdiction.objects.create(name="某省某县")
    assert client.get(confirm_url(plain)).status_code == 404


def test_the_confirm_page_is_refused_when_the_person_may_not_confirm(
    client, xinjiang, django_user_model
):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(confirm_url(xinjiang)).status_code == 403


@travel(2026, 6, 1)
def test_adding_a_confirmation_opens_the_page_of_the_first_year_to_confirm(
    client, xinjiang, superuser
):
    client.force_login(superuser)
    response = client.get(reverse("admin:clocks_regionalholidayyear_add"))
    assert response["Location"] == confirm_url(xinjiang, 2026)
    confirm_2026(xinjiang, superuser)
    response = client.get(reverse("admin:clocks_regionalholidayyear_add"))
    assert response["Location"] == confirm_url(xinjiang, 2027)


# --- the overlay admin refuses a date twice -------------------------------------------------


def test_the_overlay_admin_refuses_a_date_listed_twice_with_a_message(client, xinjiang, superuser):
    client.force_login(superuser)
    CalendarOverlay.objects.create(
        jurisdiction=xinjiang, date=date(2026, 3, 20), kind=HOLIDAY, name="肉孜节"
    )
    response = client.post(
        reverse("admin:clocks_calendaroverlay_add"),
        {"jurisdiction": xinjiang.pk, "date": "2026-03-20", "kind": WORKING_DAY, "name": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert CalendarOverlay.objects.filter(jurisdiction=xinjiang).count() == 1


def test_the_jurisdiction_admin_refuses_a_date_listed_twice_in_its_overlay_rows(
    client, xinjiang, superuser
):
    client.force_login(superuser)
    CalendarOverlay.objects.create(
        jurisdiction=xinjiang, date=date(2026, 3, 20), kind=HOLIDAY, name="肉孜节"
    )
    url = reverse("admin:clocks_jurisdiction_change", args=[xinjiang.pk])
    form = client.get(url).context["adminform"].form
    base = {
        "name": form.initial["name"],
        "is_default": "on",
        "has_regional_holidays": "on",
        "calendar_overlays-TOTAL_FORMS": 2,
        "calendar_overlays-INITIAL_FORMS": 0,
        "calendar_overlays-MIN_NUM_FORMS": 0,
        "calendar_overlays-MAX_NUM_FORMS": 1000,
    }
    for i in range(2):
        base |= {
            f"calendar_overlays-{i}-date": "2026-05-27",
            f"calendar_overlays-{i}-kind": HOLIDAY,
            f"calendar_overlays-{i}-name": "古尔邦节",
        }
    response = client.post(url, base)  # the same new date twice
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    base["calendar_overlays-TOTAL_FORMS"] = 1
    base["calendar_overlays-0-date"] = "2026-03-20"  # a date that has its row already
    response = client.post(url, base)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert any(form.errors for form in formset.forms) or formset.non_form_errors()
    assert CalendarOverlay.objects.filter(jurisdiction=xinjiang).count() == 1
