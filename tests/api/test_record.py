"""The full-process record by API: readable where the subject is, verified, 404 elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.record.services import record_append

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("unit_records_visible_to_its_drafters"),
]


def _url(unit) -> str:
    return f"/api/v1/record/?subject=workflows.unit:{unit.pk}"


@pytest.fixture
def recorded(drafter, justice_bureau, township):
    for unit in (justice_bureau, township):
        record_append(actor=drafter, action="unit.renamed", subject=unit, payload={"n": 1})
        record_append(actor="system", action="unit.checked", subject=unit)


MATRIX = [
    ("drafter", "justice_bureau", 200),  # the subject's own unit: its predicate says yes
    ("drafter", "township", 404),  # another unit's subject: as if it did not exist
    ("outsider", "justice_bureau", 404),
    ("outsider", "township", 200),
    ("legal_advisor", "justice_bureau", 404),  # the predicate names drafters only
    ("archivist", "township", 200),  # archivists read every record
    ("administrator", "justice_bureau", 200),
]


@pytest.mark.parametrize("who, unit, expected", MATRIX)
def test_the_record_permission_matrix(api, request, recorded, administrator, who, unit, expected):
    client = api(request.getfixturevalue(who))
    assert client.get(_url(request.getfixturevalue(unit))).status_code == expected


def test_the_record_lists_events_oldest_first_and_verifies_them(
    api, drafter, recorded, justice_bureau
):
    body = api(drafter).get(_url(justice_bureau)).json()
    assert body["subject"] == f"workflows.unit:{justice_bureau.pk}"
    assert body["subject_exists"] is True
    assert [event["action"] for event in body["results"]] == ["unit.renamed", "unit.checked"]
    assert body["results"][0]["actor_label"]
    assert body["results"][0]["payload"] == {"n": 1}
    assert all(event["check"] == {"ok": True, "reason": None} for event in body["results"])
    assert body["verification"]["ok"] is True
    assert body["verification"]["checked"] == 2


def test_an_invisible_record_is_indistinguishable_from_a_missing_one(
    api, drafter, recorded, township
):
    client = api(drafter)
    invisible = client.get(_url(township))
    missing = client.get("/api/v1/record/?subject=workflows.unit:987654")
    unknown_model = client.get("/api/v1/record/?subject=nothing.here:1")
    assert invisible.status_code == missing.status_code == unknown_model.status_code == 404
    assert invisible.json() == missing.json() == unknown_model.json()


def test_a_malformed_subject_is_a_400(api, drafter):
    response = api(drafter).get("/api/v1/record/?subject=workflows-unit-1")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["subject"]


def test_the_record_costs_the_same_queries_for_1_or_50_events(
    api, drafter, justice_bureau, django_assert_num_queries
):
    for n in range(12):
        record_append(
            actor=drafter, action="unit.renamed", subject=justice_bureau, payload={"n": n}
        )
    client = api(drafter)
    url = _url(justice_bureau)
    client.get(url + "&page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get(url + "&page_size=1")
    with django_assert_num_queries(len(one)):
        body = client.get(url + "&page_size=50").json()
    assert len(body["results"]) == 12


def test_the_record_pages_follow_on_without_repeats(api, drafter, justice_bureau):
    for n in range(5):
        record_append(
            actor=drafter, action="unit.renamed", subject=justice_bureau, payload={"n": n}
        )
    client = api(drafter)
    first = client.get(_url(justice_bureau) + "&page_size=3").json()
    second = client.get(first["next"]).json()
    payloads = [e["payload"]["n"] for e in first["results"] + second["results"]]
    assert payloads == [0, 1, 2, 3, 4]
