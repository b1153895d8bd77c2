"""Consultation attachments (第十四条: the public sees the draft text and its attachments):
checked by content when the drafter opens the consultation, downloadable while it is public."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from decisions import services as s
from tests.decisions.conftest import docx_bytes
from tests.decisions.test_screens import Scenario, form, local, task_url
from tests.portal.conftest import comment_url
from workflows.consultations.models import ConsultationAttachment
from workflows.consultations.services import consultation_attachment_add
from workflows.record.models import Event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submitted(drive, people):
    d = drive.initiate()
    s.decision_draft_submit(decision=d, by=people["drafter"])
    return d


def _open(d, people, *, attachments=(), opens_in=timedelta(days=-1)):
    now = timezone.now()
    return s.decision_consultation_open(
        decision=d,
        by=people["drafter"],
        opens_at=now + opens_in,
        closes_at=now + opens_in + timedelta(days=31),
        attachments=list(attachments),
    )


def test_an_attachment_is_refused_when_its_extension_lies_about_its_content(drive, people):
    d = _submitted(drive, people)
    with pytest.raises(ValidationError) as error:
        _open(d, people, attachments=[("说明.pdf", docx_bytes())])
    assert error.value.code == "extension_mismatch"
    # The whole opening is refused: no consultation, no stored attachment.
    assert not ConsultationAttachment.objects.exists()
    d.refresh_from_db()
    assert d.stage == "consultation"


def test_an_attachment_is_refused_when_its_content_is_not_a_document(open_consultation, people):
    with pytest.raises(ValidationError) as error:
        consultation_attachment_add(
            consultation=open_consultation,
            by=people["drafter"],
            name="说明.pdf",
            data=b"<html><script>alert(1)</script></html>",
        )
    assert error.value.code == "type_not_allowed"


def test_an_attachment_is_refused_when_larger_than_the_limit(open_consultation, people, settings):
    settings.FAZHI_MAX_ATTACHMENT_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError) as error:
        consultation_attachment_add(
            consultation=open_consultation, by=people["drafter"], name="a.pdf", data=PDF
        )
    assert error.value.code == "too_large"


def test_the_public_downloads_an_attachment_when_the_consultation_is_public(client, drive, people):
    d = _submitted(drive, people)
    consultation = _open(
        d, people, attachments=[("起草说明.pdf", PDF), ("草案.docx", docx_bytes())]
    )
    pdf = consultation.attachments.get(file_type="pdf")
    assert pdf.content_type == "application/pdf" and pdf.size == len(PDF)
    assert Event.objects.filter(action="consultation.attachment_added").count() == 2

    page = client.get(comment_url(consultation)).content.decode()
    assert page.count('data-testid="attachment"') == 2 and pdf.sha256 in page

    response = client.get(f"{comment_url(consultation)}attachments/{pdf.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_attachment_is_not_found_when_the_consultation_is_not_public_yet(client, drive, people):
    d = _submitted(drive, people)
    consultation = _open(d, people, attachments=[("起草说明.pdf", PDF)], opens_in=timedelta(days=3))
    attachment = consultation.attachments.get()
    assert client.get(comment_url(consultation)).status_code == 404
    assert client.get(f"{comment_url(consultation)}attachments/{attachment.pk}/").status_code == 404


def test_an_attachment_is_not_found_under_another_consultation(
    client, drive, people, open_consultation
):
    d = _submitted(drive, people)
    other = _open(d, people, attachments=[("起草说明.pdf", PDF)], opens_in=timedelta(days=3))
    attachment = other.attachments.get()
    url = f"{comment_url(open_consultation)}attachments/{attachment.pk}/"
    assert client.get(url).status_code == 404


def test_the_drafter_uploads_attachments_on_the_open_consultation_screen(drive, people, client):
    scenario = Scenario(drive, people)
    task = scenario.up_to("open_consultation")
    now = timezone.now()
    client.force_login(people["drafter"])
    data = form(
        "open",
        opens_at=local(now - timedelta(hours=1)),
        closes_at=local(now + timedelta(days=31)),
    )

    lying = {**data, "open-attachments": [SimpleUploadedFile("说明.pdf", docx_bytes())]}
    response = client.post(task_url(task), lying)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not ConsultationAttachment.objects.exists()

    good = {**data, "open-attachments": [SimpleUploadedFile("起草说明.pdf", PDF)]}
    assert client.post(task_url(task), good).status_code == 302
    attachment = ConsultationAttachment.objects.get()
    assert (
        attachment.original_name == "起草说明.pdf" and attachment.uploaded_by == people["drafter"]
    )


def test_a_file_lost_from_storage_is_a_404_that_says_so_and_an_error_in_the_log(
    client, drive, people, caplog
):
    """The database lists it, the disk no longer has it: a loss to restore from the backup,
    told to the administrator (logged with its fixity hash), never a server error."""
    d = _submitted(drive, people)
    consultation = _open(d, people, attachments=[("起草说明.pdf", PDF)])
    attachment = consultation.attachments.get()
    decision_file = s.attachment_add(decision=d, by=people["drafter"], name="a.pdf", data=PDF)
    attachment.file.storage.delete(attachment.file.name)
    decision_file.file.storage.delete(decision_file.file.name)

    public = client.get(f"{comment_url(consultation)}attachments/{attachment.pk}/")
    client.force_login(people["drafter"])
    staff = client.get(f"/decisions/register/{d.pk}/attachments/{decision_file.pk}/")

    assert public.status_code == 404 and staff.status_code == 404
    assert attachment.sha256 in caplog.text and decision_file.sha256 in caplog.text
    assert [r.levelname for r in caplog.records if "is missing" in r.getMessage()] == [
        "ERROR",
        "ERROR",
    ]
