"""The public consultation goes into the subject's archive package (第三十三条: every stage's
records complete): its rows, the comments without the commenter's contact, the adoption
report and the documents published with it, for decisions and normative documents alike."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from decisions.models import Decision
from normdocs.models import NormativeDocument
from workflows.archive.check import package_check
from workflows.archive.services import archive_export_now
from workflows.consultations.services import (
    comment_submit,
    consultation_attachment_add,
    consultation_open,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FAZHI_DEMO_PASSWORD = "demo-password-for-tests"
    call_command("demo", quiet_accounts=True)
    return get_user_model().objects.get(username="archivist")


def export(kind, subject, by, tmp_path):
    package = tmp_path / kind
    return archive_export_now(kind=kind, object_id=subject.pk, by=by, directory=package), package


def test_a_normative_documents_consultation_is_in_its_package_without_contacts(demo, tmp_path):
    document = NormativeDocument.objects.get(number="恰政发〔2016〕8号")  # repealed in 2021
    drafter = get_user_model().objects.get(username="admin")
    now = timezone.now()
    consultation = consultation_open(
        subject=document,
        by=drafter,
        title=document.title,
        draft_text="第一条 ……",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    consultation_attachment_add(
        consultation=consultation, by=drafter, name="起草说明.pdf", data=PDF
    )
    comment_submit(consultation=consultation, text="建议明确适用范围。", contact="13900000000")

    _, package = export("normdoc", document, demo, tmp_path)

    assert package_check(package).ok, package_check(package).as_text()
    content = package / "data" / "content"
    attached = list((content / "consultation" / "attachments").iterdir())
    assert [p.read_bytes() for p in attached] == [PDF]
    procedure = json.loads((content / "procedure.json").read_text(encoding="utf-8"))
    assert [c["pk"] for c in procedure["consultations"]] == [consultation.pk]
    assert [c["fields"]["text"] for c in procedure["comments"]] == ["建议明确适用范围。"]
    assert "13900000000" not in (content / "procedure.json").read_text(encoding="utf-8")
    assert len(procedure["consultation_attachments"]) == 1


def test_a_decisions_consultation_attachments_are_in_its_package(demo, tmp_path):
    decision = Decision.objects.get(stage="archived", catalogue_item__year=2026)
    consultation = decision_consultation(decision)
    # Published with the draft when the consultation opened (the demo opens it without one).
    consultation.status, status = "open", consultation.status
    consultation.save(update_fields=["status"])
    consultation_attachment_add(
        consultation=consultation, by=demo, name="征求意见稿说明.pdf", data=PDF
    )
    consultation.status = status
    consultation.save(update_fields=["status"])

    _, package = export("decision", decision, demo, tmp_path)

    assert package_check(package).ok, package_check(package).as_text()
    content = package / "data" / "content"
    assert [p.read_bytes() for p in (content / "consultation" / "attachments").iterdir()] == [PDF]
    assert (content / "consultation" / "adoption-report.txt").exists()


def decision_consultation(decision):
    from workflows.consultations.selectors import consultation_latest

    return consultation_latest(subject=decision)
