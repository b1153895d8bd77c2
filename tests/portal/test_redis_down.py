"""With Redis stopped the portal stays up (workflows.public.outage, workflows.cache): every
public page answers 200, served uncached; a comment, by the form or by the API, is refused with
a readable 503 in the caller's format and language and nothing is stored (a comment accepted
without its rate limit would open the portal to spam); the outage is logged once, not per
request. When Redis is back, comments are taken and pages cached again.

The test's own redis-server is stopped, never the shared one."""

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.portal.conftest import comment_url, staff_url
from tests.support import own_redis_started
from workflows import cache as degrading
from workflows.consultations.models import Comment
from workflows.consultations.services import comment_submit

pytestmark = pytest.mark.django_db

COMMENT = {"text": "建议增加夜间公交班次", "name": "", "contact": "", "paragraph_ref": ""}


@pytest.fixture(scope="module")
def own_redis():
    server = own_redis_started(6393)
    yield server
    server.stop()


@pytest.fixture
def portal_redis(own_redis, settings, monkeypatch):
    """The cache (pages, fragments, rate limits) on the test's own redis-server, running."""
    if own_redis.proc is None:
        own_redis.start()
    monkeypatch.setattr(degrading, "_outages", {})  # no failure window left by another test
    settings.CACHES = {
        "default": {
            "BACKEND": "workflows.cache.DegradingRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "fazhi",
        }
    }
    return own_redis


def _public_pages(consultation) -> list[str]:
    return [
        "/public/",
        "/public/consultations/",
        comment_url(consultation),
        f"{comment_url(consultation)}?page=1",
        "/public/consultations/feed/",
        "/public/decisions/",
        "/public/documents/",
        "/public/documents/feed/",
        "/api/v1/public/consultations/",
        f"/api/v1/public/consultations/{consultation.pk}/",
        f"/api/v1/public/consultations/{consultation.pk}/comments/",
    ]


def _post_comment(client, consultation, **extra):
    return client.post(comment_url(consultation), COMMENT, **extra)


def _post_by_api(consultation, **extra):
    return APIClient(REMOTE_ADDR="10.20.30.40").post(
        f"/api/v1/public/consultations/{consultation.pk}/comments/",
        {"text": COMMENT["text"]},
        format="json",
        **extra,
    )


def test_every_public_page_answers_200_when_redis_is_stopped(portal_redis, open_consultation):
    comment_submit(consultation=open_consultation, text="停机前提交的意见")
    client = Client()
    pages = _public_pages(open_consultation)
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)  # cached now
    portal_redis.stop()
    answers = {url: client.get(url).status_code for url in pages}
    assert answers == {url: 200 for url in pages}
    page = client.get(comment_url(open_consultation)).content.decode()
    assert open_consultation.title in page and "停机前提交的意见" in page


@pytest.mark.parametrize(
    "first", ["/public/consultations/", "/api/v1/public/consultations/", "/api/v1/health/"]
)
def test_the_first_read_after_redis_stopped_is_served_too(portal_redis, open_consultation, first):
    """The rate limit meets the stopped Redis first; the read is then served without it."""
    portal_redis.stop()
    response = Client().get(first)
    assert response.status_code == 200
    if "consultations" in first:
        assert open_consultation.title in response.content.decode()


def test_a_public_page_is_served_uncached_while_redis_is_stopped(portal_redis, open_consultation):
    client = Client()
    portal_redis.stop()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(comment_url(open_consultation))
        assert response.status_code == 200
        assert len(queries) > 0  # rendered from the database each time: no copy to serve


def test_a_comment_by_the_form_is_refused_with_a_chinese_503_page_when_redis_is_stopped(
    portal_redis, open_consultation
):
    client = Client()
    client.get(comment_url(open_consultation))
    portal_redis.stop()
    response = _post_comment(client, open_consultation)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert 'data-testid="unavailable"' in page
    assert "目前无法接收意见" in page and "您的意见未被记录" in page
    assert not Comment.objects.exists()


def test_a_comment_by_the_form_is_refused_with_an_english_503_page_when_redis_is_stopped(
    portal_redis, open_consultation
):
    portal_redis.stop()
    response = _post_comment(Client(), open_consultation, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Comments cannot be received at the moment" in page
    assert "Your comment was not recorded" in page
    assert not Comment.objects.exists()


def test_a_comment_by_the_api_is_refused_with_503_json_in_both_languages_when_redis_is_stopped(
    portal_redis, open_consultation
):
    portal_redis.stop()
    chinese = _post_by_api(open_consultation)
    english = _post_by_api(open_consultation, HTTP_ACCEPT_LANGUAGE="en")
    for response in (chinese, english):
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert response["Retry-After"] == "60"
        assert response.json()["code"] == "temporarily_unavailable"
        assert response.json()["errors"] == {}
    assert "本次提交未被记录" in chinese.json()["detail"]
    assert "Nothing was recorded" in english.json()["detail"]
    assert not Comment.objects.exists()


def test_staff_moderation_keeps_working_when_redis_is_stopped(
    portal_redis, open_consultation, people, client
):
    comment = comment_submit(consultation=open_consultation, text="广告：低价出售")
    portal_redis.stop()
    client.force_login(people["drafter"])
    response = client.post(staff_url(open_consultation), {"comment": comment.pk, "reason": "广告"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden


def test_the_outage_is_logged_once_not_per_request(portal_redis, open_consultation, caplog):
    client = Client()
    portal_redis.stop()
    with caplog.at_level(logging.WARNING, logger="workflows.cache"):
        for _ in range(5):
            assert client.get(comment_url(open_consultation)).status_code == 200
            assert client.get("/public/").status_code == 200
            assert _post_comment(client, open_consultation).status_code == 503
    outages = [r for r in caplog.records if r.name == "workflows.cache"]
    assert len(outages) == 1
    assert "unreachable" in outages[0].getMessage()


def test_comments_are_taken_and_pages_cached_again_when_redis_is_back(
    portal_redis, open_consultation, monkeypatch
):
    client = Client()
    portal_redis.stop()
    assert _post_comment(client, open_consultation).status_code == 503
    portal_redis.start()  # empty, as after a crash
    monkeypatch.setattr(degrading, "RETRY_SECONDS", 0.0)  # no waiting out the failure window
    response = _post_comment(client, open_consultation)
    assert response.status_code == 302
    assert Comment.objects.get().text == COMMENT["text"]
    assert _post_by_api(open_consultation).status_code == 201
    client.get(comment_url(open_consultation))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(comment_url(open_consultation)).status_code == 200
    assert len(queries) == 0  # served from the cache again


def test_health_ends_the_failure_window_as_soon_as_redis_answers_again(
    portal_redis, open_consultation
):
    client = Client()
    portal_redis.stop()
    assert _post_comment(client, open_consultation).status_code == 503
    portal_redis.start()
    client.get("/health/")  # PINGs the cache's Redis: comments need not wait out the window
    assert _post_comment(client, open_consultation).status_code == 302


def test_the_api_schema_documents_the_503_of_a_public_write_and_only_there():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    comments = schema["paths"]["/api/v1/public/consultations/{id}/comments/"]
    refused = comments["post"]["responses"]["503"]
    assert "Retry-After" in refused["headers"]
    assert "503" not in comments["get"]["responses"]
    others = [
        f"{method} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "503" in operation.get("responses", {}) and not path.startswith("/api/v1/public/")
    ]
    assert others == []
