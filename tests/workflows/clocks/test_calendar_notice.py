"""Administrators are told on every staff page when the working-day calendar is about to run
out (domain.md §4): next year's State Council holiday notice must be entered before clocks
reaching into that year are refused. The reminder sweep's log line alone reached nobody."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from workflows.calendar import package_last_year
from workflows.clocks import selectors
from workflows.clocks.selectors import calendar_end_if_soon

# The package's last year in the suite's world (config.settings.test: 2026).
LAST_YEAR = package_last_year()


pytestmark = pytest.mark.django_db


def test_the_calendars_end_is_near_within_the_warning_period_only():
    end = date(LAST_YEAR, 12, 31)
    assert calendar_end_if_soon(today=end - timedelta(days=35)) == end
    assert calendar_end_if_soon(today=end - timedelta(days=200)) is None


@pytest.fixture
def end_is_near(monkeypatch):
    monkeypatch.setattr(selectors, "CALENDAR_WARNING", timedelta(days=365 * 100))


def test_an_administrator_sees_the_notice_with_the_link_to_enter_it(
    client, make_person, county, end_is_near
):
    client.force_login(make_person("admin2", county, administrator=[county]))
    page = client.get("/workbench/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="calendar-notice"' in page
    assert f"ends on {LAST_YEAR}-12-31" in page
    assert reverse("admin:clocks_calendaryear_add") in page


def test_nobody_else_sees_it_and_nobody_sees_it_before_the_period(
    client, drafter, make_person, county, monkeypatch
):

    monkeypatch.setattr(selectors, "CALENDAR_WARNING", timedelta(days=365 * 100))
    client.force_login(drafter)
    assert 'data-testid="calendar-notice"' not in client.get("/workbench/inbox/").content.decode()
    monkeypatch.setattr(selectors, "CALENDAR_WARNING", timedelta(days=-365 * 100))
    client.force_login(make_person("admin2", county, administrator=[county]))
    assert 'data-testid="calendar-notice"' not in client.get("/workbench/inbox/").content.decode()
