"""The consultation page is served from a cached copy (workflows.public.caching.page), and the
copy is never stale nor anybody else's: a new or hidden comment, a new attachment, the period
running out at closes_at (《重大行政决策程序暂行条例》第十四条: comments only within the period)
and the close itself show at once; each language has its own copy; every request gets its own
CSRF token, valid for the POST; rate limits and escaping hold on cached copies."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.portal.conftest import comment_url
from workflows.consultations.models import Comment
from workflows.consultations.services import comment_submit
from workflows.public import caching

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _get(client, consultation, **extra):
    """The page, and how many SQL statements serving it cost (0: the cached copy)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(comment_url(consultation), **extra)
    assert response.status_code == 200
    return response, len(queries)


def _warm(client, consultation, **extra):
    """Fetch the page until it comes from the cache; returns the cached response."""
    _get(client, consultation, **extra)
    response, queries = _get(client, consultation, **extra)
    assert queries == 0, "the second request should be served from the cached copy"
    return response


def test_a_cached_page_reads_nothing_from_the_database_and_equals_a_fresh_one(open_consultation):
    client = Client()
    fresh, queries = _get(client, open_consultation)
    assert queries > 0
    cached = _warm(client, open_consultation)
    # Same page but for the CSRF tokens (new per request).
    assert TOKEN.sub("", fresh.content.decode()) == TOKEN.sub("", cached.content.decode())
    assert cached["Content-Type"] == fresh["Content-Type"]
    for header in ("Vary", "Content-Language"):
        assert cached[header] == fresh[header]
    assert "Cookie" in cached["Vary"] and "Accept-Language" in cached["Vary"]
    assert caching.CSRF_SLOT not in cached.content.decode()


def test_a_new_comment_shows_on_a_cached_page_at_once(
    client, open_consultation, django_capture_on_commit_callbacks
):
    _warm(client, open_consultation)
    with django_capture_on_commit_callbacks(execute=True):
        comment_submit(consultation=open_consultation, text="缓存之后提交的意见")
    page, queries = _get(client, open_consultation)
    assert queries > 0
    assert "缓存之后提交的意见" in page.content.decode()
    assert 'data-count="1"' in page.content.decode()


def test_a_new_attachment_shows_on_a_cached_page_at_once(
    client, open_consultation, people, django_capture_on_commit_callbacks, settings, tmp_path
):
    from workflows.consultations.services import consultation_attachment_add

    settings.MEDIA_ROOT = tmp_path
    _warm(client, open_consultation)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_attachment_add(
            consultation=open_consultation,
            by=people["drafter"],
            name="起草说明.pdf",
            data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        )
    assert "起草说明.pdf" in _get(client, open_consultation)[0].content.decode()


def test_the_form_goes_at_closes_at_although_nothing_was_written(
    client, open_consultation, monkeypatch
):
    page = _warm(client, open_consultation).content.decode()
    assert 'data-accepting="true"' in page and 'data-testid="comment-form"' in page
    after_close = open_consultation.closes_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: after_close)
    page = _get(client, open_consultation)[0].content.decode()
    assert 'data-accepting="false"' in page
    assert 'data-testid="comment-form"' not in page
    assert 'data-testid="consultation-closed"' in page


def test_the_close_shows_on_a_cached_page_at_once(
    client, open_consultation, django_capture_on_commit_callbacks
):
    from workflows.consultations.services import consultation_close

    with django_capture_on_commit_callbacks(execute=True):
        open_consultation.closes_at = timezone.now() - timedelta(seconds=1)
        open_consultation.save(update_fields=["closes_at"])
    page = _warm(client, open_consultation).content.decode()
    assert 'data-status="open"' in page and 'data-accepting="false"' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert consultation_close(consultation=open_consultation)
    assert 'data-status="closed"' in _get(client, open_consultation)[0].content.decode()


def test_a_consultation_moved_back_to_the_future_vanishes_from_a_cached_page(
    client, open_consultation, django_capture_on_commit_callbacks
):
    _warm(client, open_consultation)
    with django_capture_on_commit_callbacks(execute=True):
        open_consultation.opens_at = timezone.now() + timedelta(days=1)
        open_consultation.closes_at = timezone.now() + timedelta(days=40)
        open_consultation.save(update_fields=["opens_at", "closes_at"])
    assert client.get(comment_url(open_consultation)).status_code == 404


def test_each_language_has_its_own_copy(open_consultation):
    client = Client()
    chinese = _warm(client, open_consultation).content.decode()
    assert '<html lang="zh-hans">' in chinese and "Send a comment" not in chinese
    english = _get(client, open_consultation, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    assert '<html lang="en">' in english and "Send a comment" in english
    english = _warm(client, open_consultation, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
    # The switcher's choice (the language cookie) is honoured on cached copies too.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    again = _get(client, open_consultation, HTTP_ACCEPT_LANGUAGE="en")[0].content.decode()
    assert '<html lang="zh-hans">' in again and "Send a comment" not in again


def test_the_language_switcher_returns_to_the_page_asked_for(open_consultation):
    client = Client()
    _warm(client, open_consultation)
    second = client.get(comment_url(open_consultation) + "?page=2").content.decode()
    path = comment_url(open_consultation)
    assert f'name="next" type="hidden" value="{path}?page=2"' in second
    first = client.get(path).content.decode()
    assert f'name="next" type="hidden" value="{path}"' in first


def test_every_request_gets_its_own_csrf_token_valid_for_the_post(open_consultation):
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _get(alice, open_consultation)
    alice_page = _warm(alice, open_consultation)
    bob_page, bob_queries = _get(bob, open_consultation)
    assert bob_queries == 0  # Bob reads the copy made for Alice's requests
    alice_tokens = TOKEN.findall(alice_page.content.decode())
    bob_tokens = TOKEN.findall(bob_page.content.decode())
    # Both forms on the page (language switcher, comment form) carry the request's token.
    assert len(alice_tokens) == len(bob_tokens) == 2
    assert set(alice_tokens).isdisjoint(bob_tokens)
    assert "csrftoken" in bob_page.cookies and "csrftoken" in alice_page.cookies
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    # Alice's token does not pass with Bob's cookie.
    stolen = bob.post(
        comment_url(open_consultation), {"text": "冒用", "csrfmiddlewaretoken": alice_tokens[1]}
    )
    assert stolen.status_code == 403
    assert not Comment.objects.exists()
    # Each one's own token does.
    for client, token in ((alice, alice_tokens[1]), (bob, bob_tokens[1])):
        response = client.post(
            comment_url(open_consultation), {"text": "同意", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    assert Comment.objects.count() == 2


def test_text_that_looks_like_the_token_slot_is_escaped_and_left_alone(client, open_consultation):
    comment_submit(consultation=open_consultation, text=f"注入{caching.CSRF_SLOT}试探")
    page = _warm(client, open_consultation).content.decode()
    assert "注入&lt;fz-csrf-slot&gt;试探" in page
    assert len(TOKEN.findall(page)) == 2


def test_other_query_strings_are_not_cached(client, open_consultation):
    url = comment_url(open_consultation) + "?utm_source=x"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) > 0


def test_rate_limits_count_cached_pages_too(client, open_consultation, settings):
    settings.FAZHI_PUBLIC_RATES = {"page_ip": "3/m"}
    codes = [client.get(comment_url(open_consultation)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_cached_copy_is_not_kept_past_its_until(client, open_consultation, monkeypatch):
    """The store itself never serves a copy past ``until``, whatever the caller does."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    now = timezone.now()
    renders = []

    def render():
        renders.append(1)
        return caching.Rendered(HttpResponse(b"x"), until=now + timedelta(seconds=30))

    for at in (now, now + timedelta(seconds=29), now + timedelta(seconds=30)):
        caching.page(request, "test-scope", 1, "p", render, now=at)
    assert len(renders) == 2


def test_the_rate_limit_reads_the_page_ahead_only_when_it_lets_the_request_through():
    from django.core.cache import cache
    from django.test import RequestFactory

    from workflows.public import backend
    from workflows.public.ratelimit import Check, Rate, hit_all

    cache.set("public-v:test-ahead", ("copy", 1), 30)
    allowed, refused = RequestFactory().get("/"), RequestFactory().get("/")
    check = Check("page_ip", "203.0.113.7", Rate(1, 60))
    keys = ["public-v:test-ahead", "public-v:test-absent"]
    assert hit_all([check], fetch=keys, request=allowed) == 0
    assert backend.prefetched(allowed, keys) == {"public-v:test-ahead": ("copy", 1)}
    assert hit_all([check], fetch=keys, request=refused) > 0
    assert backend.prefetched(refused, keys) is None


def test_a_bump_starts_a_version_at_random_and_counts_it_up_by_one(open_consultation):
    """``caching.bump`` on the kept Redis client: a subject without a version gets a random
    one (a copy stored under an evicted version must not match a count started again), and
    each bump after that moves it by exactly one."""
    from django.core.cache import cache

    key = caching._version_key("test-scope", open_consultation.pk)
    cache.delete(key)
    caching.bump("test-scope", open_consultation.pk)
    first = cache.get(key)
    assert isinstance(first, int) and first > 1
    caching.bump("test-scope", open_consultation.pk)
    assert cache.get(key) == first + 1
    cache.set(key, 41, timeout=None)
    caching.bump("test-scope", open_consultation.pk)
    assert cache.get(key) == 42
