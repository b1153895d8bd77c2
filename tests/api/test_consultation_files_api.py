"""A consultation's public attachments by API (第十四条: the public reads the draft and its
explanatory materials): put out with the consultation as multipart, checked by the same
``upload_check``, listed and downloadable wherever the consultation is; and a normative
document's consultations listed for whoever sees the document."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from decisions.models import Decision, Stage
from tests.decisions.conftest import LEGAL_BASIS, docx_bytes
from tests.normdocs import conftest as _normdocs
from workflows.consultations.models import Consultation, ConsultationAttachment
from workflows.consultations.services import consultation_attachment_add

from .conftest import normdoc_consultation

pytestmark = pytest.mark.django_db

county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def submitted(api, people, catalogue_item):
    """A decision whose draft was submitted by API: its consultation is to be opened."""
    client = api(people["drafter"])
    created = client.post(
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
    decision = Decision.objects.get(pk=created.json()["id"])
    response = client.post(
        f"/api/v1/decisions/{decision.pk}/draft/",
        {
            "title": "决定",
            "draft_text": "第一条 ……",
            "legal_basis": "《价格法》",
            "drafting_explanation": "起草说明",
            "start_decided_by": "县长",
            "start_decided_on": "2024-01-15",
            "start_reference": "县长批示〔2024〕3号",
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == Stage.CONSULTATION
    return decision


def _open(client, decision, files):
    now = timezone.now()
    return client.post(
        f"/api/v1/decisions/{decision.pk}/consultation-open/upload/",
        {
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=31)).isoformat(),
            "attachments": files,
        },
        format="multipart",
    )


def test_a_consultation_is_opened_with_its_attachments_as_multipart(api, people, submitted):
    response = _open(
        api(people["drafter"]),
        submitted,
        [SimpleUploadedFile("起草说明.pdf", PDF), SimpleUploadedFile("草案.docx", docx_bytes())],
    )
    assert response.status_code == 200, response.json()
    consultation = Consultation.objects.get()
    assert sorted(consultation.attachments.values_list("file_type", flat=True)) == ["docx", "pdf"]
    public = api(None).get(f"/api/v1/public/consultations/{consultation.pk}/").json()
    assert sorted(a["name"] for a in public["attachments"]) == ["草案.docx", "起草说明.pdf"]


def test_one_refused_attachment_refuses_the_whole_opening(api, people, submitted):
    response = _open(
        api(people["drafter"]),
        submitted,
        [SimpleUploadedFile("起草说明.pdf", PDF), SimpleUploadedFile("说明.pdf", docx_bytes())],
    )
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert not Consultation.objects.exists() and not ConsultationAttachment.objects.exists()


def test_a_forbidden_opening_is_a_403_and_an_invisible_one_a_404(api, people, submitted):
    files = [SimpleUploadedFile("起草说明.pdf", PDF)]
    assert _open(api(people["legal_advisor"]), submitted, files).status_code == 403
    assert _open(api(people["outsider"]), submitted, files).status_code == 404
    assert not Consultation.objects.exists()


@pytest.fixture
def consultation(bureau_body, drafter):
    """司法局's draft document out for comment, with one attachment."""
    c = normdoc_consultation(drafting_body=bureau_body, drafter=drafter)
    consultation_attachment_add(consultation=c, by=drafter, name="说明.pdf", data=PDF)
    return c


# who × the consultation on 司法局's draft → status
MATRIX = [
    # person, GET the document's consultations, GET an attachment (staff route)
    ("drafter", 200, 200),
    ("archivist", 200, 200),
    ("legal_advisor", 200, 404),  # sees the draft; its comments are the drafting body's
    ("outsider", 404, 404),  # another unit's draft does not exist
]


@pytest.mark.parametrize("who, listed, download", MATRIX)
def test_the_consultation_files_permission_matrix(
    api, request, consultation, who, listed, download
):
    client = api(request.getfixturevalue(who))
    attachment = consultation.attachments.get()
    response = client.get(f"/api/v1/normdocs/{consultation.subject_id}/consultations/")
    assert response.status_code == listed
    if listed == 200:
        [row] = response.json()["results"]
        assert row["id"] == consultation.pk and row["comment_count"] == 0
        assert [a["id"] for a in row["attachments"]] == [attachment.pk]
    url = f"/api/v1/consultations/{consultation.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == download


def test_the_public_downloads_an_attachment_only_while_the_consultation_is_open(api, consultation):
    attachment = consultation.attachments.get()
    url = f"/api/v1/public/consultations/{consultation.pk}/attachments/{attachment.pk}/"
    response = api(None).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    missing = api(None).get(
        f"/api/v1/public/consultations/{consultation.pk}/attachments/{attachment.pk + 999}/"
    )
    assert missing.status_code == 404
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CLOSED)
    assert api(None).get(url).status_code == 404


def test_the_document_consultation_list_refuses_bad_pages(api, drafter, consultation):
    url = f"/api/v1/normdocs/{consultation.subject_id}/consultations/"
    for query in ("page_size=0", "page_size=x", "cursor=%%%"):
        response = api(drafter).get(f"{url}?{query}")
        assert response.status_code == 400, query
