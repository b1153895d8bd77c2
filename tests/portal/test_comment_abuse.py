"""The comment form under the public abuse policy: the client's address is the peer's unless
proxies are trusted, so a rotating X-Forwarded-For lifts no limit (the API's side is
tests/api/test_public_abuse.py)."""

import pytest

from tests.portal.conftest import comment_url
from workflows.consultations.models import Comment

pytestmark = pytest.mark.django_db

DEFAULT_RATES = {"comment_ip": "5/10m", "comment_key": "200/h", "page_ip": "300/m"}


@pytest.fixture(autouse=True)
def default_limits(settings):
    settings.FAZHI_PUBLIC_RATES = dict(DEFAULT_RATES)
    settings.FAZHI_TRUSTED_PROXIES = 0


def post(client, consultation, **extra):
    return client.post(comment_url(consultation), {"text": "建议分步实施"}, **extra)


def test_100_comments_with_rotating_forwarded_for_store_no_more_than_the_address_limit(
    client, open_consultation
):
    codes = [
        post(
            client,
            open_consultation,
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(100)
    ]
    assert codes[:5] == [302] * 5
    assert set(codes[5:]) == {429}
    assert Comment.objects.filter(consultation=open_consultation).count() == 5


def test_the_429_page_is_chinese_by_default_and_english_when_asked(client, open_consultation):
    for _ in range(5):
        post(client, open_consultation)
    chinese = post(client, open_consultation)
    assert chinese.status_code == 429 and int(chinese["Retry-After"]) > 0
    assert "请求过于频繁" in chinese.content.decode()
    english = post(client, open_consultation, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429 and "Too many requests" in english.content.decode()


def test_a_forged_left_most_forwarded_address_does_not_lift_the_limit_behind_one_proxy(
    client, open_consultation, settings
):
    settings.FAZHI_TRUSTED_PROXIES = 1
    codes = [
        post(
            client,
            open_consultation,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.{i}.6, 203.0.113.50",
        ).status_code
        for i in range(20)
    ]
    assert codes[:5] == [302] * 5 and codes[5:] == [429] * 15
    # The right-most address counts: another citizen behind the proxy is not affected.
    other = post(
        client, open_consultation, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert other.status_code == 302
    assert Comment.objects.filter(consultation=open_consultation).count() == 6


def test_many_addresses_into_one_consultation_are_capped_by_its_own_limit(
    client, open_consultation, settings
):
    settings.FAZHI_PUBLIC_RATES = {**DEFAULT_RATES, "comment_key": "3/h"}
    codes = [
        post(client, open_consultation, REMOTE_ADDR=f"198.51.100.{i}").status_code
        for i in range(10)
    ]
    assert codes == [302] * 3 + [429] * 7
    assert Comment.objects.filter(consultation=open_consultation).count() == 3


def test_an_address_over_its_own_limit_does_not_use_up_the_consultations(
    client, open_consultation, settings
):
    settings.FAZHI_PUBLIC_RATES = {**DEFAULT_RATES, "comment_ip": "2/h", "comment_key": "5/h"}
    flood = [post(client, open_consultation, REMOTE_ADDR="198.51.100.66") for _ in range(20)]
    assert [r.status_code for r in flood].count(302) == 2
    citizens = [
        post(client, open_consultation, REMOTE_ADDR=f"198.51.100.{i}").status_code
        for i in range(1, 4)
    ]
    assert citizens == [302, 302, 302]


def test_a_filled_honeypot_counts_against_the_limit_too(client, open_consultation):
    for _ in range(5):
        client.post(comment_url(open_consultation), {"text": "广告", "website": "http://spam"})
    assert post(client, open_consultation).status_code == 429
    assert not Comment.objects.exists()
