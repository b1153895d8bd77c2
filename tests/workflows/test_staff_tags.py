"""The staff pages' shortcuts print what the long way printed: the menus served from memory
(``staff_tags.menu``), the ``minute`` and ``day`` date formats and the links reversed once a
page (``workflows.links``)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from workflows.links import reverse_by_pk
from workflows.permissions import role_grant, role_revoke
from workflows.templatetags import staff_tags

pytestmark = pytest.mark.django_db

INBOX = "workbench:inbox:index"
MENU = re.compile(
    r'<div class="vf-page__menu-primary">.*?<div class="vf-page__menu-secondary">', re.S
)


def _menu(html: str) -> str:
    (menu,) = MENU.findall(html)
    return menu


def _page(client, user, url=None, **headers) -> str:
    client.force_login(user)
    response = client.get(url or reverse(INBOX), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_menu_is_byte_for_byte_viewflows_when_served_from_memory(client, archivist):
    staff_tags._menus.clear()
    client.force_login(archivist)
    for name in (INBOX, "decisions:register:index"):
        first = client.get(reverse(name))  # rendered, and kept
        again = client.get(reverse(name))  # served from memory
        # viewflow's own layout, in the same request: its block includes the two menus.
        viewflow = (
            engines["django"]
            .from_string("{% extends 'viewflow/base_page.html' %}")
            .render({}, again.wsgi_request)
        )
        assert _menu(first.content.decode()) == _menu(viewflow)
        assert _menu(again.content.decode()) == _menu(viewflow)
    assert staff_tags._menus  # the pages did keep their menus


def test_a_menu_kept_for_one_person_is_not_shown_to_another_who_may_see_other_entries(
    client, archivist, drafter
):
    staff_tags._menus.clear()
    archive = reverse("workbench:archive_link:index")
    assert archive in _menu(_page(client, archivist))
    assert archive not in _menu(_page(client, drafter))
    assert archive in _menu(_page(client, archivist))


def test_a_role_granted_or_revoked_changes_the_menu_on_the_next_page(client, drafter, county):
    staff_tags._menus.clear()
    archive = reverse("workbench:archive_link:index")
    assert archive not in _menu(_page(client, drafter))
    role_grant(user=drafter, role="archivist", unit=county)
    assert archive in _menu(_page(client, drafter))
    role_revoke(user=drafter, role="archivist", unit=county)
    assert archive not in _menu(_page(client, drafter))


def test_the_menu_is_in_the_language_of_the_page(client, drafter):
    staff_tags._menus.clear()
    assert "工作台" in _menu(_page(client, drafter, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    english = _menu(_page(client, drafter, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Workbench" in english and "工作台" not in english
    assert "工作台" in _menu(_page(client, drafter, HTTP_ACCEPT_LANGUAGE="zh-hans"))


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "value",
    [
        # 01:30 on the 15th in Shanghai: the day and the hour are the local ones.
        dt.datetime(2026, 6, 14, 17, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI),
        dt.datetime(987, 3, 4, 5, 6, tzinfo=dt.UTC),  # a year of three digits
        dt.datetime(2026, 6, 15, 8, 5),  # naive: printed as it is
        None,
        "",
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("short, long", [("minute", "Y-m-d H:i"), ("day", "Y-m-d")])
def test_the_date_shortcuts_print_what_the_date_filter_prints_when_given_a_datetime(
    short, long, value, zone
):
    django = engines["django"]
    long_way = django.from_string(f'{{{{ v|date:"{long}" }}}}')
    short_way = django.from_string(f"{{% load staff_tags %}}{{{{ v|{short} }}}}")
    with timezone.override(zone):
        assert short_way.render({"v": value}) == long_way.render({"v": value})


@pytest.mark.parametrize("value", [dt.date(2026, 6, 15), dt.date(987, 3, 4)])
def test_day_prints_what_the_date_filter_prints_when_given_a_date(value):
    django = engines["django"]
    long_way = django.from_string('{{ v|date:"Y-m-d" }}')
    short_way = django.from_string("{% load staff_tags %}{{ v|day }}")
    assert short_way.render({"v": value}) == long_way.render({"v": value})


@pytest.mark.parametrize("prefix", ["/", "/fazhi/"])
def test_reverse_by_pk_answers_what_reverse_answers_when_under_a_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        url = reverse_by_pk("decisions:register:detail")
        for pk in (1, 7, 918, 10**12):
            assert url(pk) == reverse("decisions:register:detail", args=[pk])
        assert url(7).startswith(prefix)
    finally:
        set_script_prefix("/")
