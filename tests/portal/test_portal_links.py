"""The portal beside the staff site: a published decision's attachments, the days a
consultation still takes comments, the links between the two sites and their icon."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from decisions import services as s
from tests.portal.conftest import comment_url
from workflows.public.countdown import next_midnight, remaining

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day, hour=10, minute=0):
    return datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI)


# --- days remaining: calendar days to the closing date, in Asia/Shanghai ----------------------


@pytest.mark.parametrize(
    ("closes_at", "now", "state", "days"),
    [
        (at(20, 17), at(15, 10), "open", 5),
        (at(16, 0, 30), at(15, 23, 59), "open", 1),
        # 23:30 UTC on the 15th is already the 16th in Shanghai: the closing day itself.
        (at(16, 17), datetime(2026, 6, 15, 23, 30, tzinfo=ZoneInfo("UTC")), "today", 0),
        (at(15, 17), at(15, 9), "today", 0),
        (at(15, 17), at(15, 17), "closed", 0),
        (at(15, 17), at(16, 9), "closed", 0),
    ],
)
def test_the_days_left_count_calendar_days_to_the_closing_date_in_shanghai(
    closes_at, now, state, days
):
    left = remaining(closes_at=closes_at, at=now)
    assert (left.state, left.days) == (state, days)


def test_the_days_left_change_at_midnight_in_shanghai():
    assert next_midnight(at(15, 23, 59)) == at(16, 0)
    assert next_midnight(datetime(2026, 6, 15, 17, 0, tzinfo=ZoneInfo("UTC"))) == at(17, 0)


def test_an_open_consultation_shows_its_days_left_in_chinese(client, open_consultation):
    closes = timezone.localdate(open_consultation.closes_at)
    expected = (closes - timezone.localdate()).days
    for path in (comment_url(open_consultation), "/public/consultations/", "/public/"):
        page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        marker = f'data-testid="days-remaining" data-state="open" data-days="{expected}"'
        assert marker in page, path
        assert f"剩余{expected}天" in page, path


def test_on_its_last_day_a_consultation_closes_today_and_then_has_closed(
    client, open_consultation, travel_to
):
    closes_at = timezone.localtime(open_consultation.closes_at)
    travel_to(closes_at - timedelta(minutes=5))
    page = client.get(comment_url(open_consultation), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-state="today"' in page.content.decode() and "今日截止" in page.content.decode()

    travel_to(closes_at + timedelta(minutes=5))
    page = client.get(comment_url(open_consultation), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-state="closed"' in page.content.decode() and "已截止" in page.content.decode()


def test_a_cached_page_does_not_keep_yesterdays_count(client, open_consultation, travel_to):
    first = client.get(comment_url(open_consultation)).content.decode()
    days = int(
        first.split('data-testid="days-remaining" data-state="open" data-days="')[1][:3].split('"')[
            0
        ]
    )
    travel_to(next_midnight(timezone.now()) + timedelta(hours=1))
    later = client.get(comment_url(open_consultation)).content.decode()
    assert f'data-days="{days - 1}"' in later


# --- a published decision's attachments (第三十二条) ---------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_published_decision_offers_its_materials_but_not_its_review_papers(
    client, drive, people, media
):
    d = drive.initiate()
    material = s.attachment_add(
        decision=d, by=people["drafter"], name="附件1 收费标准.pdf", data=PDF
    )
    risk = s.attachment_add(
        decision=d,
        by=people["drafter"],
        name="风险评估报告.pdf",
        data=PDF + b"%risk\n",
        kind="risk_report",
    )
    material_url = f"/public/decisions/{d.pk}/attachments/{material.pk}/"
    # Not published yet: nothing exists for the public.
    assert client.get(material_url).status_code == 404

    drive.consult(d)
    drive.assess(d)
    drive.review(d)
    drive.to_meeting(d)
    drive.adopt(d)
    drive.publish(d)

    page = client.get(f"/public/decisions/{d.pk}/").content.decode()
    assert f'data-testid="decision-attachment" data-attachment="{material.pk}"' in page
    assert f'data-attachment="{risk.pk}"' not in page and "风险评估报告" not in page
    download = client.get(material_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client.get(f"/public/decisions/{d.pk}/attachments/{risk.pk}/").status_code == 404


# --- the two sites link to each other; both have an icon ---------------------------------------


def test_the_portal_links_to_the_staff_login_and_the_staff_site_to_the_portal(client, drafter):
    portal = client.get("/public/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="staff-login-link"' in portal and "工作人员登录" in portal
    assert 'href="/accounts/login/"' in portal

    login_page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="portal-link"' in login_page and 'href="/public/"' in login_page

    client.force_login(drafter)
    inbox = client.get("/workbench/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="portal-link"' in inbox and "公众门户" in inbox


def test_both_sites_have_an_icon_served_locally(client, drafter):
    from django.contrib.staticfiles import finders

    assert finders.find("workflows/favicon.svg")
    icon = '<link rel="icon" href="/static/workflows/favicon.svg" type="image/svg+xml">'
    assert icon in client.get("/public/").content.decode()
    assert icon in client.get("/accounts/login/").content.decode()
    client.force_login(drafter)
    assert icon in client.get("/workbench/inbox/").content.decode()

    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == "/static/workflows/favicon.svg"


def test_a_missing_portal_page_leads_back_to_the_portal_not_the_inbox(client):
    page = client.get("/public/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 404
    html = page.content.decode()
    assert 'data-testid="portal-home-link"' in html and "返回公众门户" in html
    assert "返回待办" not in html
    staff = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert staff.status_code == 404 and "返回待办" in staff.content.decode()
