"""What an archive package holds of a subject's public consultations, whatever the subject
(a decision, 第十四条–第十五条; a normative document, 国办发〔2018〕37号 二(四)): every
consultation, comment (without the commenter's contact, which is never public), disposition
and published attachment as data, and the attachments and adoption reports as files.

Used by the archive adapters of decisions and normative documents, so both keep the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.core import serializers
from django.db.models import Model

from workflows.archive.registry import ContentFile

from .models import Comment, ConsultationAttachment, Disposition
from .selectors import consultations_for_subject

# Folder of the package's content that holds them.
FOLDER = "consultation"


def _rows(rows, **options) -> list:
    return json.loads(serializers.serialize("json", rows, **options))


def consultation_rows(subject: Model) -> dict[str, list]:
    """The rows, as Django's JSON serialisation, by group name."""
    consultations = consultations_for_subject(subject=subject).order_by("opens_at", "pk")
    comments = Comment.objects.filter(consultation__in=consultations).order_by("pk")
    comment_fields = [f.name for f in Comment._meta.fields if f.name != "contact"]
    return {
        "consultations": _rows(consultations),
        "comments": _rows(comments, fields=comment_fields),
        "dispositions": _rows(Disposition.objects.filter(comment__in=comments).order_by("pk")),
        "consultation_attachments": _rows(
            ConsultationAttachment.objects.filter(consultation__in=consultations)
        ),
    }


def consultation_files(subject: Model) -> Iterator[ContentFile]:
    """Each consultation's adoption report (意见采纳情况) and the documents published with it,
    each file checked against the hash taken when it was uploaded."""
    consultations = list(consultations_for_subject(subject=subject).order_by("opens_at", "pk"))
    several = len(consultations) > 1
    for number, consultation in enumerate(consultations, 1):
        folder = f"{FOLDER}/{number}" if several else FOLDER
        if consultation.adoption_report:
            yield ContentFile(
                name=f"{folder}/adoption-report.txt",
                title="意见采纳情况",
                data=(consultation.adoption_report.strip() + "\n").encode("utf-8"),
            )
        for attachment in consultation.attachments.order_by("uploaded_at", "pk"):
            yield ContentFile.stored(
                name=f"{folder}/attachments/{attachment.pk}.{attachment.file_type}",
                attachment=attachment,
            )
