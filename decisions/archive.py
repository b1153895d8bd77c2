"""What a major decision's archive package holds (《重大行政决策程序暂行条例》第三十三条: every
stage's records kept and archived completely): the decision as published, every draft version,
the consultation with its comments, dispositions, adoption report and published attachments, the
assessments, the legality opinions (the text and each approved, numbered 合法性审查意见书 .docx),
the meeting minutes, the Party report and publication, the attachments — and, as JSON,
every row the procedure wrote. Imported by ``DecisionsConfig.ready()``, which registers it."""

import json

from django.core import serializers
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.archive.registry import (
    ArchiveAdapter,
    ContentFile,
    SubjectDescription,
    register_archive_adapter,
)
from workflows.consultations.archive import consultation_files, consultation_rows

from .documents import meeting_minutes_docx
from .models import Decision, LegalityReview, Meeting, RiskDimension, Statement
from .opinion import legality_opinion_docx


def _refusal(decision: Decision) -> str | None:
    if decision.sealed_at is None:
        return _(
            "Decision %(id)s is not sealed: only a sealed decision is archived "
            "(《重大行政决策程序暂行条例》第三十三条)."
        ) % {"id": decision.pk}
    return None


def _is_final(decision: Decision) -> bool:
    return decision.sealed_at is not None


def _describe(decision: Decision) -> SubjectDescription:
    meeting = decision.meetings.exclude(decided_at=None).order_by("-decided_at").first()
    decided = meeting.decided_at if meeting else decision.sealed_at or decision.created_at
    publication = getattr(decision, "publication", None)
    return SubjectDescription(
        title=decision.title,
        # A decision carries no document number of its own; the Party report's reference is
        # the number under which it left the government.
        document_number=getattr(getattr(decision, "party_report", None), "reference", ""),
        responsible_party=decision.government.name,
        date=timezone.localdate(decided),
        classification_level="内部" if decision.not_disclosable else "公开",
        extra={
            "lead_unit": decision.lead_unit.name,
            "stage": decision.stage,
            "outcome": decision.outcome,
            "published": "true" if publication and publication.published else "false",
            "sealed_at": decision.sealed_at.isoformat() if decision.sealed_at else "",
            "seal_sha256": decision.seal_sha256,
        },
    )


def _text(name: str, title: str, text: str) -> ContentFile:
    return ContentFile(name=name, title=title, data=(text.strip() + "\n").encode("utf-8"))


def _rows_json(decision: Decision) -> bytes:
    """Every row of the procedure, as Django's JSON serialisation (the complete data)."""
    groups = {
        "decision": [decision],
        "draft_versions": decision.versions.all(),
        "hearings": decision.hearings.all(),
        "expert_opinions": decision.expert_opinions.all(),
        "risk_assessments": decision.risk_assessments.all(),
        "risk_dimensions": RiskDimension.objects.filter(assessment__decision=decision),
        "legality_reviews": decision.legality_reviews.all(),
        "agenda_items": decision.agenda_items.all(),
        "meetings": decision.meetings.all(),
        "statements": Statement.objects.filter(meeting__decision=decision),
        "party_report": [decision.party_report] if hasattr(decision, "party_report") else [],
        "publication": [decision.publication] if hasattr(decision, "publication") else [],
        "attachments": decision.attachments.all(),
        "execution_reports": decision.execution_reports.all(),
        "post_evaluations": decision.post_evaluations.all(),
        "adjustments": decision.adjustments.all(),
    }
    data = {name: json.loads(serializers.serialize("json", rows)) for name, rows in groups.items()}
    data.update(consultation_rows(decision))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _content(decision: Decision):
    publication = getattr(decision, "publication", None)
    final_text = publication.text if publication and publication.text else decision.draft_text
    yield _text("decision.txt", decision.title, final_text or decision.title)
    for version in decision.versions.order_by("number"):
        # An amended version carries the amendments a meeting decided (第三十条); the one
        # published is decision.txt (publication.version names it).
        kind = "amended" if version.kind == "amended" else "draft"
        yield _text(f"drafts/{kind}-v{version.number}.txt", version.title, version.text)
    yield from consultation_files(decision)
    for number, review in enumerate(decision.legality_reviews.order_by("submitted_at", "pk"), 1):
        if review.opinion:
            yield _text(f"legality-review/opinion-{number}.txt", "合法性审查意见", review.opinion)
        if review.status == LegalityReview.Status.COMPLETED and review.opinion_number:
            # The numbered opinion as issued once the review office's head approved it
            # (第二十八条): dated by that approval, the same bytes on every export.
            yield ContentFile(
                name=f"legality-review/opinion-{number}.docx",
                title=f"合法性审查意见书 {review.opinion_number}",
                data=legality_opinion_docx(review),
            )
    for number, meeting in enumerate(
        decision.meetings.filter(status=Meeting.Status.CONCLUDED).order_by("held_at", "pk"), 1
    ):
        yield ContentFile(
            name=f"meetings/minutes-{number}.docx",
            title=f"{meeting.get_kind_display()}纪要",
            data=meeting_minutes_docx(meeting),
        )
    if publication and publication.interpretation:
        yield _text("publication/interpretation.txt", "政策解读", publication.interpretation)
    for attachment in decision.attachments.order_by("uploaded_at", "pk"):
        yield ContentFile.stored(
            name=f"attachments/{attachment.kind}-{attachment.pk}.{attachment.file_type}",
            attachment=attachment,
        )
    yield ContentFile(name="procedure.json", title="决策过程数据", data=_rows_json(decision))


register_archive_adapter(
    ArchiveAdapter(
        kind="decision",
        model=Decision,
        label=gettext_lazy("Major decisions"),
        refusal=_refusal,
        is_final=_is_final,
        describe=_describe,
        content=_content,
        exportable=lambda: (
            Decision.objects.exclude(sealed_at=None)
            .select_related("government")
            .order_by("-sealed_at")
        ),
    )
)
