"""In-app notifications: the toolbar bell, the list, mark as read; each person sees only theirs."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows.clocks.models import Notification
from workflows.clocks.services import notification_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox_of(reviewer, head):
    """Two notifications for the reviewer, one for the head."""
    return {
        "reviewer": [
            notification_create(recipient=reviewer, title="审查 A", body="<b>x</b>"),
            notification_create(recipient=reviewer, title="审查 B"),
        ],
        "head": [notification_create(recipient=head, title="逾期 C")],
    }


def unread_on_bell(html: str) -> int:
    match = re.search(r'data-testid="notification-bell"[^>]*data-unread="(\d+)"', html)
    assert match, "the bell is missing from the toolbar"
    return int(match.group(1))


def test_the_bell_counts_my_unread_notifications_with_one_query(client, reviewer, inbox_of):
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workbench:inbox:index"))
    assert response.status_code == 200
    assert unread_on_bell(response.content.decode()) == 2
    notification_queries = [q["sql"] for q in queries if "clocks_notification" in q["sql"]]
    assert len(notification_queries) == 1 and "COUNT(" in notification_queries[0]


def test_the_list_shows_only_my_notifications_with_user_text_escaped(client, reviewer, inbox_of):
    client.force_login(reviewer)
    response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    ids = {int(i) for i in re.findall(r'data-testid="notification" data-id="(\d+)"', html)}
    assert ids == {n.pk for n in inbox_of["reviewer"]}
    assert "逾期 C" not in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_marking_one_as_read_lowers_the_bell_count(client, reviewer, inbox_of):
    client.force_login(reviewer)
    first = inbox_of["reviewer"][0]
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    page = client.get(reverse("notifications:list")).content.decode()
    assert unread_on_bell(page) == 1
    assert f'data-id="{first.pk}" data-read="1"' in page


def test_marking_all_as_read_touches_only_my_notifications(client, reviewer, inbox_of):
    client.force_login(reviewer)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=reviewer, read_at=None).exists()
    assert Notification.objects.filter(pk=inbox_of["head"][0].pk, read_at=None).exists()


def test_someone_elses_notification_is_not_found_when_i_mark_it_read(client, reviewer, inbox_of):
    client.force_login(reviewer)
    theirs = inbox_of["head"][0]
    response = client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post_with_a_csrf_token(reviewer, inbox_of):
    mine = inbox_of["reviewer"][0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_marking_read_never_redirects_off_site(client, reviewer, inbox_of):
    client.force_login(reviewer)
    mine = inbox_of["reviewer"][0]
    response = client.post(
        reverse("notifications:read", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_the_notification_pages_require_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
