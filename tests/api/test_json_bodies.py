"""Request bodies are JSON; the three uploads are their own multipart operations.

A body of a type the operation does not declare is refused (415, in the API's error shape,
saying what the operation takes): a form or multipart body once had its repeated keys read as
well as its fields, and a legal basis sent once was stored twice.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from decisions.models import Decision
from tests.decisions.conftest import LEGAL_BASIS

pytestmark = pytest.mark.django_db

UPLOADS = {
    ("post", "/api/v1/decisions/{id}/attachments/"),
    ("post", "/api/v1/decisions/{id}/draft/upload/"),
    ("post", "/api/v1/decisions/{id}/consultation-open/upload/"),
}
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _bodies(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                yield (method, path), operation


def test_every_body_is_json_but_the_three_uploads(schema):
    types = {key: set(op["requestBody"]["content"]) for key, op in _bodies(schema)}
    assert {key for key, found in types.items() if found == {"multipart/form-data"}} == UPLOADS
    assert all(found == {"application/json"} for key, found in types.items() if key not in UPLOADS)


def test_the_uploads_describe_their_files_as_binary(schema):
    components = schema["components"]["schemas"]
    for method, path in UPLOADS:
        ref = schema["paths"][path][method]["requestBody"]["content"]["multipart/form-data"]
        properties = components[ref["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
        files = [
            p
            for p in properties.values()
            if p.get("format") == "binary" or p.get("items", {}).get("format") == "binary"
        ]
        assert files, path


def test_the_415_of_each_operation_names_what_it_takes(schema):
    for key, operation in _bodies(schema):
        declared = " or ".join(operation["requestBody"]["content"])
        assert operation["responses"]["415"]["description"] == f"The body is not {declared}.", key


def _decision(api, people, catalogue_item) -> Decision:
    response = api(people["drafter"]).post(
        "/api/v1/decisions/",
        {
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "关于调整城区供热价格的决定",
            "problem": "供热成本上涨。",
            "legal_basis": LEGAL_BASIS,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Decision.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("content", ["multipart", "form"])
def test_a_proposal_in_a_form_body_is_refused_and_nothing_is_stored(
    api, people, catalogue_item, content
):
    body = {
        "lead_unit": people["bureau"].pk,
        "catalogue_item": catalogue_item.pk,
        "title": "T",
        "problem": "P",
        "legal_basis": ["《价格法》第十八条"],
    }
    client = api(people["drafter"])
    if content == "multipart":
        response = client.post("/api/v1/decisions/", body, HTTP_ACCEPT_LANGUAGE="en")
    else:
        from urllib.parse import urlencode

        response = client.post(
            "/api/v1/decisions/",
            urlencode(body, doseq=True),
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 415, response.content
    sent = "multipart/form-data" if content == "multipart" else "application/x-www-form-urlencoded"
    assert response.json() == {
        "detail": f"This operation takes a body of type application/json, not “{sent}”.",
        "code": "unsupported_media_type",
        "errors": {},
    }
    assert not Decision.objects.exists()


def test_a_step_in_a_form_body_is_refused_and_the_decision_unchanged(api, people, catalogue_item):
    decision = _decision(api, people, catalogue_item)
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{decision.pk}/draft/",
        {"title": "新", "draft_text": "x", "legal_basis": ["《价格法》第十八条"]},
    )
    assert response.status_code == 415
    decision.refresh_from_db()
    assert decision.legal_basis == LEGAL_BASIS and decision.title != "新"


def test_the_legal_basis_is_an_array_and_stored_once_by_json_and_by_multipart(
    api, people, catalogue_item
):
    decision = _decision(api, people, catalogue_item)
    client = api(people["drafter"])
    url = f"/api/v1/decisions/{decision.pk}/draft"
    body = {"title": "T", "draft_text": "第一条", "legal_basis": ["《价格法》第十八条"]}
    response = client.post(f"{url}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["legal_basis"] == ["《价格法》第十八条"]
    two = ["《价格法》第十八条", "《政府制定价格行为规则》第四条"]
    response = client.post(
        f"{url}/upload/",
        {**body, "legal_basis": two, "attachment": SimpleUploadedFile("说明.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    decision.refresh_from_db()
    assert decision.legal_basis == two
    assert decision.attachments.count() == 1


def test_the_options_are_objects_both_ways(api, people, catalogue_item):
    decision = _decision(api, people, catalogue_item)
    options = [
        {"title": "方案一", "text": "维持现价。"},
        {"title": "方案二", "text": "分两年调整。\n\n每年调整一半。"},
    ]
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{decision.pk}/draft/",
        {"title": "T", "draft_text": "第一条", "legal_basis": ["《价格法》"], "options": options},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["options"] == [
        options[0],
        {"title": "方案二", "text": "分两年调整。\n每年调整一半。"},
    ]


def test_an_upload_in_json_is_refused_naming_multipart(api, people, catalogue_item):
    decision = _decision(api, people, catalogue_item)
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{decision.pk}/draft/upload/",
        {"title": "T", "draft_text": "x", "legal_basis": ["《价格法》"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 415
    assert response.json()["detail"] == (
        "This operation takes a body of type multipart/form-data, not “application/json”."
    )


def test_the_schema_is_json_unless_yaml_is_asked_for():
    """What a client generator downloads first is JSON; YAML stays one parameter away."""
    plain = Client().get("/api/schema/")
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert plain.json()["openapi"].startswith("3.")
    yaml = Client().get("/api/schema/", {"format": "yaml"})
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.content.startswith(b"openapi:")


# Writes that change no process (a person's notifications, a citizen's comment) and the generic
# task operations, whose roles are those of the task (each open task lists them).
NOT_A_PROCESS_STEP = {
    ("post", "/api/v1/notifications/{id}/mark-read/"),
    ("post", "/api/v1/notifications/mark-all-read/"),
    ("post", "/api/v1/public/consultations/{id}/comments/"),
    ("post", "/api/v1/tasks/{id}/claim/"),
    ("post", "/api/v1/tasks/{id}/complete/"),
}


def test_every_operation_that_changes_a_process_names_its_roles(schema):
    unnamed = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
        and (method, path) not in NOT_A_PROCESS_STEP
        and not operation.get("x-roles")
    ]
    assert unnamed == []
