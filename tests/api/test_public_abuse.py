"""The public comment API under the portal's abuse policy: the same client address, the same
limits in the same counters (per address and per consultation), the same honeypot and body
limit, and refusals a caller can read (JSON, Retry-After, Chinese by default)."""

import json

import pytest
import redis
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.normdocs import conftest as _normdocs
from tests.portal.conftest import clear_portal_cache
from workflows.consultations.models import Comment
from workflows.public import ratelimit
from workflows.record.models import Event

from .conftest import normdoc_consultation

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body

DEFAULT_RATES = {"comment_ip": "5/10m", "comment_key": "200/h", "page_ip": "300/m"}


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    settings.FAZHI_PUBLIC_RATES = dict(DEFAULT_RATES)
    settings.FAZHI_TRUSTED_PROXIES = 0
    clear_portal_cache()
    yield
    clear_portal_cache()


@pytest.fixture
def consultation(bureau_body, drafter):
    return normdoc_consultation(drafting_body=bureau_body, drafter=drafter)


def url(consultation) -> str:
    return f"/api/v1/public/consultations/{consultation.pk}/comments/"


def post(client, consultation, body=None, **extra):
    return client.post(url(consultation), body or {"text": "意见"}, format="json", **extra)


# --- the client's address ---------------------------------------------------------------------

ADDRESSES = [
    # trusted proxies, REMOTE_ADDR, X-Forwarded-For → the address counted
    (0, "198.51.100.1", None, "198.51.100.1"),
    (0, "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # nobody trusted: the header is ignored
    (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
    (1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
    (2, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
    (1, "10.0.0.1", None, "10.0.0.1"),  # no header: the peer
    (2, "10.0.0.2", "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not their header
]


@pytest.mark.parametrize("proxies, peer, forwarded, expected", ADDRESSES)
def test_the_client_address_is_the_peer_unless_proxies_are_trusted(
    settings, proxies, peer, forwarded, expected
):
    settings.FAZHI_TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert ratelimit.client_ip(RequestFactory().post("/", **extra)) == expected


@pytest.mark.parametrize(
    "text, count, seconds",
    [("5/10m", 5, 600), ("200/h", 200, 3600), ("60/min", 60, 60), ("1000/day", 1000, 86400)],
)
def test_a_rate_is_read_in_the_portals_and_in_drfs_spelling(text, count, seconds):
    assert ratelimit.Rate.parse(text) == ratelimit.Rate(count, seconds)


# --- limits -----------------------------------------------------------------------------------


def test_100_comments_with_rotating_forwarded_for_store_no_more_than_the_address_limit(
    consultation,
):
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    codes = [
        post(client, consultation, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(100)
    ]
    assert codes[:5] == [201] * 5
    assert set(codes[5:]) == {429}
    assert Comment.objects.filter(consultation=consultation).count() == 5


def test_a_refused_comment_is_a_readable_429_in_chinese_by_default_and_in_english(consultation):
    client = APIClient(REMOTE_ADDR="198.51.100.8")
    for _ in range(5):
        assert post(client, consultation).status_code == 201
    refused = post(client, consultation)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert 0 < int(refused["Retry-After"]) <= 600
    body = refused.json()
    assert body["code"] == "throttled"
    assert "请求过多" in body["detail"] and "分钟" in body["detail"]
    english = post(client, consultation, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english.startswith("You have sent too many requests in a short time.")


def test_a_forged_left_most_forwarded_address_does_not_lift_the_limit_behind_one_proxy(
    settings, consultation
):
    settings.FAZHI_TRUSTED_PROXIES = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")  # every request arrives through the proxy
    codes = [
        post(proxy, consultation, HTTP_X_FORWARDED_FOR=f"6.6.{i}.6, 203.0.113.50").status_code
        for i in range(20)
    ]
    assert codes.count(201) == 5 and codes[5:] == [429] * 15
    # The right-most address is the one counted: another citizen behind the same proxy
    # has an allowance of their own.
    other = post(proxy, consultation, HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert other.status_code == 201
    assert Comment.objects.filter(consultation=consultation).count() == 6


def test_many_addresses_into_one_consultation_are_capped_by_its_own_limit(
    settings, consultation, bureau_body, drafter
):
    settings.FAZHI_PUBLIC_RATES = {**DEFAULT_RATES, "comment_key": "3/h"}
    codes = [
        post(APIClient(REMOTE_ADDR=f"198.51.100.{i}"), consultation).status_code for i in range(10)
    ]
    assert codes == [201] * 3 + [429] * 7
    assert Comment.objects.filter(consultation=consultation).count() == 3


def test_an_address_over_its_own_limit_does_not_use_up_the_consultations(settings, consultation):
    settings.FAZHI_PUBLIC_RATES = {**DEFAULT_RATES, "comment_ip": "2/h", "comment_key": "5/h"}
    flooder = APIClient(REMOTE_ADDR="198.51.100.66")
    assert [post(flooder, consultation).status_code for _ in range(20)].count(201) == 2
    citizens = [
        post(APIClient(REMOTE_ADDR=f"198.51.100.{i}"), consultation).status_code
        for i in range(1, 4)
    ]
    assert citizens == [201, 201, 201]


def test_the_form_and_the_api_share_one_allowance(client, consultation):
    for i in range(3):
        response = client.post(
            f"/public/consultations/{consultation.pk}/",
            {"text": f"表单{i}"},
            REMOTE_ADDR="198.51.100.9",
        )
        assert response.status_code == 302
    api = APIClient(REMOTE_ADDR="198.51.100.9")
    assert [post(api, consultation).status_code for _ in range(3)] == [201, 201, 429]
    assert Comment.objects.filter(consultation=consultation).count() == 5


# --- the honeypot -----------------------------------------------------------------------------


def test_a_filled_honeypot_is_answered_like_a_success_and_stores_nothing(consultation):
    client = APIClient(REMOTE_ADDR="198.51.100.10")
    response = post(
        client,
        consultation,
        {"text": "广告", "name": "机器人", "show_name": True, "website": "http://spam.example"},
    )
    assert response.status_code == 201
    assert set(response.json()) == {"id", "name", "text", "paragraph_ref", "submitted_at"}
    assert response.json()["text"] == "广告"
    assert "website" not in response.json()
    assert not Comment.objects.filter(consultation=consultation).exists()
    assert not Event.objects.filter(action="consultation.comment_submitted").exists()


def test_an_empty_honeypot_stores_the_comment(consultation):
    response = post(APIClient(), consultation, {"text": "赞成", "website": "  "})
    assert response.status_code == 201
    assert Comment.objects.get(consultation=consultation).text == "赞成"


def test_the_honeypot_is_documented_as_an_optional_write_only_field_to_leave_empty():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/public/consultations/{id}/comments/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    website = component["properties"]["website"]
    assert website["writeOnly"] is True
    assert "website" not in component.get("required", [])
    assert "leave empty" in website["description"].lower()
    assert {"413", "429"} <= set(operation["responses"])


# --- body size --------------------------------------------------------------------------------

THREE_MIB = json.dumps({"text": "x" * (3 * 1024 * 1024)})


@pytest.mark.parametrize(
    "language, words", [(None, "请求正文超过"), ("en", "The request body is larger than")]
)
def test_a_3_mib_comment_is_a_json_413_in_the_callers_language(consultation, language, words):
    extra = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = APIClient(REMOTE_ADDR="198.51.100.11").post(
        url(consultation), THREE_MIB, content_type="application/json", **extra
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"
    assert words in response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_comment_over_the_public_body_limit_is_refused_like_the_form(settings, consultation):
    settings.FAZHI_PUBLIC_MAX_BODY_BYTES = 10_000
    response = post(APIClient(), consultation, {"text": "x" * 20_000})
    assert response.status_code == 413
    assert "9 KiB" in response.json()["detail"]


@pytest.mark.parametrize("language, words", [(None, "请求正文超过"), ("en", "larger than")])
def test_a_3_mib_body_to_any_api_endpoint_is_a_json_413(api, drafter, language, words):
    extra = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = api(drafter).post(
        "/api/v1/decisions/", THREE_MIB, content_type="application/json", **extra
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large" and words in response.json()["detail"]


# --- the store --------------------------------------------------------------------------------


def test_the_limiter_raises_its_own_exception_when_the_store_cannot_be_reached(monkeypatch):
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setattr(ratelimit, "redis_client", lambda: unreachable)
    check = ratelimit.Check("comment_ip", "198.51.100.12", ratelimit.Rate(5, 600))
    with pytest.raises(ratelimit.RateLimitStoreUnavailable):
        ratelimit.hit_all([check])
