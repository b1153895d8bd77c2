"""The document's versions of the text by API (issue 17): number, kind, SHA-256, when and the
note of each, oldest first; the text itself only once, the current one, as ``text``."""

from datetime import date

import pytest

from normdocs import services
from normdocs.models import DocumentVersion, text_sha256
from normdocs.services.versions import version_write
from tests.normdocs import conftest as _normdocs

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body
officials = _normdocs.officials

FIRST = "第一条　本县居民办理证明事项，须缴纳工本费十元。"
SECOND = "第一条　本县居民办理证明事项，不收取任何费用。"


def test_the_detail_lists_every_version_without_their_texts(api, drafter, bureau_body):
    draft = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="证明事项办理规定", text=FIRST
    )
    version_write(
        document=draft, kind=DocumentVersion.Kind.REVISED, by=drafter, text=SECOND, note="删去收费"
    )
    body = api(drafter).get(f"/api/v1/normdocs/{draft.pk}/").json()
    assert body["text"] == SECOND
    versions = body["versions"]
    assert [(v["number"], v["kind"], v["sha256"], v["note"]) for v in versions] == [
        (1, "for_review", text_sha256(FIRST), ""),
        (2, "revised", text_sha256(SECOND), "删去收费"),
    ]
    assert all(set(v) == {"number", "kind", "sha256", "created_at", "note"} for v in versions)
    assert versions[0]["created_at"].endswith("+08:00")  # as the county reads it


def test_an_imported_document_lists_its_text_as_issued_and_one_without_text_none(
    api, drafter, officials, county_body
):
    def imported(serial, text):
        return services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title=f"乌恰县文件{serial}",
            number=f"恰政规〔2020〕{serial}号",
            published_on=date(2020, 4, 1),
            text=text,
        )

    with_text, without = imported(2, FIRST), imported(3, "")
    client = api(drafter)
    versions = client.get(f"/api/v1/normdocs/{with_text.pk}/").json()["versions"]
    assert [(v["number"], v["kind"], v["sha256"]) for v in versions] == [
        (1, "as_issued", text_sha256(FIRST))
    ]
    assert client.get(f"/api/v1/normdocs/{without.pk}/").json()["versions"] == []


def test_the_schema_types_every_field_of_a_version():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    detail = components["DocumentDetail"]["properties"]["versions"]
    assert detail["type"] == "array" and detail["readOnly"] is True
    assert detail["items"]["$ref"] == "#/components/schemas/DocumentVersion"
    fields = components["DocumentVersion"]["properties"]
    assert set(fields) == {"number", "kind", "sha256", "created_at", "note"}
    assert all("type" in f or "$ref" in f or "allOf" in f for f in fields.values())
