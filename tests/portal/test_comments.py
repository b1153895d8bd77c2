"""The public comment form and its abuse resistance (《重大行政决策程序暂行条例》第十四条、第十五条)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.portal.conftest import comment_url
from workflows.consultations.models import Comment
from workflows.consultations.services import comment_submit
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def post(client, consultation, **data):
    return client.post(comment_url(consultation), {"text": "建议分步实施", **data})


def test_an_anonymous_comment_is_stored_and_confirmed_when_posted_within_the_period(
    client, open_consultation
):
    response = post(client, open_consultation)
    assert response.status_code == 302
    comment = Comment.objects.get(consultation=open_consultation)
    assert comment.name == "" and comment.text == "建议分步实施"
    assert Event.objects.filter(
        action="consultation.comment_submitted", actor_kind="public"
    ).exists()
    thanks = client.get(response["Location"])
    assert b'data-testid="comment-confirmation"' in thanks.content
    assert f'data-comment="{comment.pk}"'.encode() in thanks.content


def test_the_form_shows_period_and_closing_date_when_the_consultation_is_open(
    client, open_consultation
):
    page = client.get(comment_url(open_consultation)).content.decode()
    assert 'data-testid="comment-form"' in page
    assert open_consultation.closes_at.isoformat()[:10] in page
    assert 'data-accepting="true"' in page


def test_the_published_reason_is_shown_when_the_period_was_shortened(client, drive, people):
    from decisions import services as s

    decision = drive.initiate()
    s.decision_draft_submit(decision=decision, by=people["drafter"])
    now = timezone.now()
    consultation = s.decision_consultation_open(
        decision=decision,
        by=people["drafter"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        short_period_reason="供暖季临近，情况紧急",
    )
    page = client.get(comment_url(consultation)).content.decode()
    assert 'data-testid="short-period-reason"' in page and "供暖季临近，情况紧急" in page


def test_a_closed_consultation_has_no_form_and_refuses_a_post(client, open_consultation):
    open_consultation.closes_at = timezone.now() - timedelta(minutes=1)
    open_consultation.save(update_fields=["closes_at"])
    page = client.get(comment_url(open_consultation)).content.decode()
    assert 'data-testid="comment-form"' not in page
    assert 'data-testid="consultation-closed"' in page
    response = post(client, open_consultation)
    assert response.status_code == 409
    assert b'data-testid="comment-refused"' in response.content
    assert b'data-testid="comment-form"' not in response.content
    assert not Comment.objects.exists()


def test_a_consultation_not_yet_open_does_not_exist_for_the_public(client, open_consultation):
    open_consultation.opens_at = timezone.now() + timedelta(days=1)
    open_consultation.closes_at = timezone.now() + timedelta(days=40)
    open_consultation.save(update_fields=["opens_at", "closes_at"])
    assert client.get(comment_url(open_consultation)).status_code == 404
    assert post(client, open_consultation).status_code == 404


def test_a_comment_over_5000_characters_is_refused_when_posted(client, open_consultation):
    response = post(client, open_consultation, text="长" * 5001)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_5000_character_chinese_comment_is_accepted_within_the_body_limit(
    client, open_consultation
):
    assert post(client, open_consultation, text="长" * 5000).status_code == 302
    assert len(Comment.objects.get().text) == 5000


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, open_consultation):
    response = post(client, open_consultation, website="http://spam.example")
    assert response.status_code == 302
    assert "/thanks/" in response["Location"]
    assert not Comment.objects.exists()
    assert not Event.objects.filter(action="consultation.comment_submitted").exists()


def test_an_oversized_body_is_refused_with_a_readable_413_page(client, open_consultation, settings):
    settings.FAZHI_PUBLIC_MAX_BODY_BYTES = 10_000
    response = post(client, open_consultation, text="x" * 20_000)
    assert response.status_code == 413
    assert b'data-testid="too-large"' in response.content
    assert not Comment.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(open_consultation):
    client = Client(enforce_csrf_checks=True)
    response = post(client, open_consultation)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_post_with_the_csrf_token_from_the_page_is_accepted(open_consultation):
    client = Client(enforce_csrf_checks=True)
    client.get(comment_url(open_consultation))
    token = client.cookies["csrftoken"].value
    response = post(client, open_consultation, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_an_address_posting_too_often_gets_a_readable_429_page(client, open_consultation, settings):
    settings.FAZHI_PUBLIC_RATES = {"comment_ip": "2/h"}
    assert post(client, open_consultation, text="一").status_code == 302
    assert post(client, open_consultation, text="二").status_code == 302
    response = post(client, open_consultation, text="三")
    assert response.status_code == 429
    assert b'data-testid="rate-limited"' in response.content
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.count() == 2
    # Another address is not affected.
    other = client.post(comment_url(open_consultation), {"text": "四"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_consultation_flooded_from_many_addresses_gets_429_past_its_own_limit(
    client, open_consultation, settings
):
    settings.FAZHI_PUBLIC_RATES = {"comment_key": "3/h"}
    codes = [
        client.post(
            comment_url(open_consultation), {"text": f"意见{i}"}, REMOTE_ADDR=f"10.0.1.{i}"
        ).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Comment.objects.count() == 3


def test_public_pages_answer_429_when_one_address_requests_too_many(
    client, open_consultation, settings
):
    settings.FAZHI_PUBLIC_RATES = {"page_ip": "3/m"}
    codes = [client.get("/public/consultations/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_contact_is_never_shown_on_public_pages(client, open_consultation, people):
    from decisions import services as s

    response = post(
        client,
        open_consultation,
        name="张三",
        contact="13800001111 zhang@example.com",
        show_name="",
    )
    thanks = client.get(response["Location"]).content.decode()
    comment = Comment.objects.get()
    assert comment.contact == "13800001111 zhang@example.com"
    pages = [thanks, client.get(comment_url(open_consultation)).content.decode()]
    open_consultation.closes_at = timezone.now() - timedelta(seconds=1)
    open_consultation.save(update_fields=["closes_at"])
    s.decision_consultation_close(decision=open_consultation.subject)
    s.decision_comment_dispose(comment=comment, by=people["drafter"], outcome="adopted")
    s.decision_consultation_finish(decision=open_consultation.subject, by=people["drafter"])
    pages.append(client.get(f"{comment_url(open_consultation)}report/").content.decode())
    for page in pages:
        assert "13800001111" not in page and "zhang@example.com" not in page
        # Without consent, the name is not shown either.
        assert "张三" not in page


def test_the_name_is_shown_when_the_commenter_allowed_it(client, open_consultation):
    post(client, open_consultation, name="李四", show_name="on")
    page = client.get(comment_url(open_consultation)).content.decode()
    assert "李四" in page


LONG = "A" * 3000


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", '<b onmouseover="x()">bold</b>', LONG],
)
def test_user_text_is_escaped_on_public_and_staff_pages(client, open_consultation, people, hostile):
    comment_submit(
        consultation=open_consultation,
        text=hostile,
        name=hostile[:100],
        contact=hostile[:200],
        paragraph_ref=hostile[:100],
        show_name=True,
    )
    public = client.get(comment_url(open_consultation)).content.decode()
    client.force_login(people["drafter"])
    staff = client.get(f"/public/staff/consultations/{open_consultation.pk}/").content.decode()
    for page in (public, staff):
        assert "<script>alert" not in page and "<b onmouseover" not in page
        if hostile.startswith("<"):
            assert "&lt;" in page and hostile.replace("<", "&lt;").replace(">", "&gt;")[:10] in page
        else:
            # The long string is there whole, inside an element that wraps it (CSS .fz-text).
            assert f'class="fz-text" data-testid="comment-text">{LONG}<' in public or (
                f'class="fz-text" data-testid="staff-comment-text">{LONG}<' in staff
            )
