"""Consultations by API: staff moderation with contacts; public comment without them."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.normdocs import conftest as _normdocs
from workflows.consultations.models import Comment
from workflows.consultations.services import comment_submit

from .conftest import normdoc_consultation

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body


@pytest.fixture
def consultation(bureau_body, drafter):
    c = normdoc_consultation(drafting_body=bureau_body, drafter=drafter)
    comment_submit(consultation=c, text="建议修改", name="张三", contact="13800000000")
    return c


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def test_the_public_lists_open_consultations_and_comments_without_contacts(api, consultation):
    client = api(None)
    listed = client.get("/api/v1/public/consultations/")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [consultation.pk]
    comments = client.get(f"/api/v1/public/consultations/{consultation.pk}/comments/")
    assert comments.status_code == 200
    assert "13800000000" not in comments.content.decode()
    assert comments.json()["results"][0]["name"] == ""  # the author did not choose to show it


def test_the_public_comments_and_the_contact_is_kept_but_never_returned(api, consultation):
    response = api(None).post(
        f"/api/v1/public/consultations/{consultation.pk}/comments/",
        {"text": "赞成", "contact": "secret@example.com", "name": "李四", "show_name": True},
        format="json",
    )
    assert response.status_code == 201
    assert "secret@example.com" not in response.content.decode()
    assert Comment.objects.filter(contact="secret@example.com").count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": ["x"]}, {"text": "a", "show_name": "x"}]
)
def test_a_bad_public_comment_is_a_400(api, consultation, body):
    response = api(None).post(
        f"/api/v1/public/consultations/{consultation.pk}/comments/", body, format="json"
    )
    assert response.status_code == 400


def test_public_commenting_is_rate_limited(api, consultation, settings):
    rates = {**settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "public": "2/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        client = api(None)
        codes = [
            client.post(
                f"/api/v1/public/consultations/{consultation.pk}/comments/",
                {"text": "意见"},
                format="json",
            ).status_code
            for _ in range(3)
        ]
    assert codes[-1] == 429


# who × action on the consultation of 司法局's draft → status
MATRIX = [
    ("drafter", 200, 200, 200),  # the drafting body's drafter handles the comments
    ("outsider", 404, 404, 404),  # another unit: the consultation does not exist for them
    ("archivist", 200, 403, 403),  # reads everything, changes nothing
]


@pytest.mark.parametrize("who, read, dispose, hide", MATRIX)
def test_the_consultation_permission_matrix(api, request, consultation, who, read, dispose, hide):
    client = api(request.getfixturevalue(who))
    comment = consultation.comments.get()
    detail = client.get(f"/api/v1/consultations/{consultation.pk}/")
    assert detail.status_code == read
    if read == 200:
        assert detail.json()["comments"][0]["contact"] == "13800000000"  # staff only
    url = f"/api/v1/consultations/{consultation.pk}"
    assert (
        client.post(
            f"{url}/dispose/", {"comment": comment.pk, "outcome": "adopted"}, format="json"
        ).status_code
        == dispose
    )
    assert (
        client.post(
            f"{url}/hide/", {"comment": comment.pk, "reason": "广告"}, format="json"
        ).status_code
        == hide
    )


def test_disposing_without_a_reason_when_not_adopted_is_a_400(api, drafter, consultation):
    comment = consultation.comments.get()
    response = api(drafter).post(
        f"/api/v1/consultations/{consultation.pk}/dispose/",
        {"comment": comment.pk, "outcome": "not_adopted"},
        format="json",
    )
    assert response.status_code == 400
