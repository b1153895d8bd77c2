"""Staff moderation, the adoption report, and the query count of a busy consultation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.portal.conftest import clear_portal_cache, comment_url, staff_url
from workflows.consultations.models import Comment
from workflows.consultations.services import comment_submit
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def _finish(consultation, people, outcome="partly_adopted", reason="分两年实施"):
    from decisions import services as s

    consultation.closes_at = timezone.now() - timedelta(seconds=1)
    consultation.save(update_fields=["closes_at"])
    s.decision_consultation_close(decision=consultation.subject)
    for comment in consultation.comments.all():
        s.decision_comment_dispose(
            comment=comment, by=people["drafter"], outcome=outcome, reason=reason
        )
    s.decision_consultation_finish(decision=consultation.subject, by=people["drafter"])


def test_the_drafter_hides_a_comment_with_a_reason_and_it_is_recorded(
    client, open_consultation, people
):
    comment = comment_submit(consultation=open_consultation, text="广告：低价出售")
    client.force_login(people["drafter"])
    response = client.post(staff_url(open_consultation), {"comment": comment.pk, "reason": "广告"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "广告"
    event = Event.objects.get(action="consultation.comment_hidden")
    assert event.payload == {"comment_id": comment.pk, "reason": "广告"}
    assert event.actor_user_id == people["drafter"].pk


def test_hiding_without_a_reason_is_refused(client, open_consultation, people):
    comment = comment_submit(consultation=open_consultation, text="意见")
    client.force_login(people["drafter"])
    response = client.post(staff_url(open_consultation), {"comment": comment.pk, "reason": " "})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert not comment.hidden


def test_a_hidden_comment_is_absent_publicly_and_present_for_staff(
    client, open_consultation, people, django_capture_on_commit_callbacks
):
    kept = comment_submit(consultation=open_consultation, text="建议延长过渡期")
    hidden = comment_submit(consultation=open_consultation, text="侮辱性言论XYZ")
    client.get(comment_url(open_consultation))  # warm the fragment cache
    client.force_login(people["drafter"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url(open_consultation), {"comment": hidden.pk, "reason": "人身攻击"})
    staff = client.get(staff_url(open_consultation)).content.decode()
    assert "侮辱性言论XYZ" in staff and f'data-comment="{hidden.pk}" data-hidden="true"' in staff
    assert "人身攻击" in staff
    client.logout()
    public = client.get(comment_url(open_consultation)).content.decode()
    assert "侮辱性言论XYZ" not in public  # the cached fragment was invalidated
    assert "建议延长过渡期" in public
    assert Comment.objects.filter(pk=hidden.pk).exists()  # kept, never deleted
    _finish(open_consultation, people)
    report = client.get(f"{comment_url(open_consultation)}report/").content.decode()
    assert "侮辱性言论XYZ" not in report and 'data-hidden="1"' in report
    assert f'data-comment="{kept.pk}" data-outcome="partly_adopted"' in report


def test_the_staff_page_is_a_404_for_staff_of_another_unit(client, open_consultation, people):
    client.force_login(people["outsider"])
    assert client.get(staff_url(open_consultation)).status_code == 404


def test_the_staff_page_asks_the_public_to_sign_in(client, open_consultation):
    response = client.get(staff_url(open_consultation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_archivist_reads_the_staff_page_but_may_not_hide(client, open_consultation, people):
    comment = comment_submit(consultation=open_consultation, text="意见", contact="138")
    client.force_login(people["archivist"])
    page = client.get(staff_url(open_consultation)).content.decode()
    assert 'data-may-hide="false"' in page and "138" in page
    response = client.post(staff_url(open_consultation), {"comment": comment.pk, "reason": "x"})
    assert response.status_code == 403


def test_the_adoption_report_is_published_only_when_the_consultation_is_finished(
    client, open_consultation, people
):
    comment_submit(consultation=open_consultation, text="建议", name="王五", show_name=True)
    report_url = f"{comment_url(open_consultation)}report/"
    assert client.get(report_url).status_code == 404
    _finish(open_consultation, people, outcome="not_adopted", reason="与上位法不符")
    page = client.get(report_url).content.decode()
    assert 'data-outcome="not_adopted"' in page and "与上位法不符" in page
    assert "王五" in page


def _consultation_page_queries(client, consultation) -> int:
    clear_portal_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(comment_url(consultation))
    assert response.status_code == 200
    return len(queries)


def _add_comments(consultation, n):
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            text=f"第{i}条意见",
            name=f"居民{i}",
            show_name=i % 2 == 0,
            submitted_at=now - timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_the_consultation_page_costs_the_same_queries_with_10_and_1000_comments(
    client, open_consultation
):
    _add_comments(open_consultation, 10)
    with_10 = _consultation_page_queries(client, open_consultation)
    _add_comments(open_consultation, 990)
    with_1000 = _consultation_page_queries(client, open_consultation)
    assert with_10 == with_1000
    page = client.get(comment_url(open_consultation)).content.decode()
    assert 'data-count="1000"' in page and 'data-pages="20"' in page


def test_the_adoption_report_costs_the_same_queries_with_10_and_1000_comments(
    client, open_consultation, people
):
    from workflows.consultations.models import Disposition

    _add_comments(open_consultation, 10)

    def finish_all():
        Disposition.objects.bulk_create(
            Disposition(
                comment=c,
                outcome="adopted",
                decided_by=people["drafter"],
                decided_at=timezone.now(),
            )
            for c in Comment.objects.filter(disposition__isnull=True)
        )

    finish_all()
    open_consultation.status = "finished"
    open_consultation.save(update_fields=["status"])
    url = f"{comment_url(open_consultation)}report/"

    def count():
        clear_portal_cache()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    with_10 = count()
    _add_comments(open_consultation, 990)
    finish_all()
    assert count() == with_10


def test_a_cached_page_costs_fewer_queries_than_a_cold_one(client, open_consultation):
    _add_comments(open_consultation, 10)
    cold = _consultation_page_queries(client, open_consultation)
    with CaptureQueriesContext(connection) as warm:
        client.get(comment_url(open_consultation))
    assert len(warm) < cold


def test_a_new_comment_shows_at_once_despite_the_cache(
    client, open_consultation, django_capture_on_commit_callbacks
):
    client.get(comment_url(open_consultation))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(open_consultation), {"text": "刚刚提交的意见"})
    assert "刚刚提交的意见" in client.get(comment_url(open_consultation)).content.decode()


def test_a_comment_hidden_outside_the_portal_leaves_the_public_page_at_once(
    client, open_consultation, people, django_capture_on_commit_callbacks
):
    from decisions import services as s

    comment = comment_submit(consultation=open_consultation, text="垃圾广告ABC")
    assert "垃圾广告ABC" in client.get(comment_url(open_consultation)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        s.decision_comment_hide(comment=comment, by=people["drafter"], reason="广告")
    assert "垃圾广告ABC" not in client.get(comment_url(open_consultation)).content.decode()
