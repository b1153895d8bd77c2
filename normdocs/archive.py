"""What the archive packages of normative documents and cleanup campaigns hold. A document is
archived once it has ceased to apply (amended, repealed, expired, declared invalid: its file is
complete); a cleanup once it is closed and its result lists published (国办发〔2018〕37号
五(十八)). Imported by ``NormdocsConfig.ready()``, which registers both adapters."""

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

from .models import (
    ENDED_STATES,
    CleanupCampaign,
    CleanupItem,
    Filing,
    NormativeDocument,
)

VERSION_ZH = {
    "for_comment": "征求意见稿",
    "for_review": "送审稿",
    "revised": "修改稿",
    "as_issued": "印发稿",
}
OUTCOME_ZH = {
    "continue": "继续有效",
    "amend": "修改",
    "repeal": "废止",
    "declare_invalid": "宣布失效",
}


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _rows(rows) -> list:
    return json.loads(serializers.serialize("json", rows))


# --- documents ------------------------------------------------------------------------------


def _document_refusal(document: NormativeDocument) -> str | None:
    if document.status not in ENDED_STATES:
        return _(
            "Document %(id)s is %(status)s: only a document that has ceased to apply (amended, "
            "repealed, expired or declared invalid) is archived."
        ) % {"id": document.pk, "status": document.get_status_display()}
    return None


def _document_final(document: NormativeDocument) -> bool:
    return document.status in ENDED_STATES


def _document_describe(document: NormativeDocument) -> SubjectDescription:
    return SubjectDescription(
        title=document.title,
        document_number=document.number or "",
        responsible_party=document.drafting_body.unit.name,
        date=document.published_on or timezone.localdate(document.created_at),
        classification_level="公开",  # a normative document is valid only once published
        extra={
            "status": document.status,
            "index_number": document.index_number or "",
            "ended_on": document.ended_on.isoformat() if document.ended_on else "",
            "end_reason": document.end_reason,
        },
    )


def _document_content(document: NormativeDocument):
    """The files of a document's package: its text, every version of it, its register entry,
    its public consultation's files and the data of its procedure."""
    if document.text.strip():
        yield ContentFile(
            name="text.txt", title=document.title, data=(document.text.strip() + "\n").encode()
        )
    yield from _version_files(document)
    yield _register_entry_file(document)
    data = _procedure_rows(document)
    yield from consultation_files(document)
    yield ContentFile(name="procedure.json", title="制定过程数据", data=_json(data))


def _version_files(document: NormativeDocument):
    """Every version of the text (征求意见稿 → 送审稿 → 修改稿 → 印发稿), each with its SHA-256."""
    versions = list(document.versions.order_by("number"))
    for version in versions:
        yield ContentFile(
            name=f"version-{version.number}-{version.kind}.txt",
            title=f"{document.title}（{VERSION_ZH[version.kind]}，第{version.number}版）",
            data=version.text.encode("utf-8"),
        )
    yield ContentFile(
        name="versions.json",
        title="文本版本",
        data=_json(
            [
                {
                    "number": v.number,
                    "kind": v.kind,
                    "kind_zh": VERSION_ZH[v.kind],
                    "sha256": v.sha256,
                    "created_at": v.created_at.isoformat(),
                    "created_by": v.created_by.get_username() if v.created_by else "",
                    "note": v.note,
                    "file": f"version-{v.number}-{v.kind}.txt",
                }
                for v in versions
            ]
        ),
    )


def _register_entry_file(document: NormativeDocument) -> ContentFile:
    """The document's entry in the register (登记信息)."""
    register_entry = {
        "number": document.number,
        "index_number": document.index_number,
        "title": document.title,
        "drafting_body": document.drafting_body.unit.name,
        "published_on": document.published_on,
        "effective_on": document.effective_on,
        "valid_until": document.valid_until,
        "status": document.status,
        "ended_on": document.ended_on,
        "end_reason": document.end_reason,
        "legal_basis": document.legal_basis,
        "cited_laws": document.cited_laws,
    }
    return ContentFile(
        name="register-entry.json",
        title="登记信息",
        data=json.dumps(register_entry, ensure_ascii=False, indent=2, default=str).encode(),
    )


def _procedure_rows(document: NormativeDocument) -> dict:
    """The rows of the document's procedure (制定过程数据), model by model."""
    return {
        "document": _rows([document]),
        "legality_reviews": _rows(document.reviews.order_by("id")),
        "deliberations": _rows(document.deliberations.all()),
        "renewals": _rows(document.renewals.all()),
        "filing": _rows(Filing.objects.filter(document=document)),
        "cleanup_items": _rows(document.cleanup_verdicts.all()),
        # Its public consultation, when it had one (国办发〔2018〕37号 二(四)).
        **consultation_rows(document),
    }


# --- cleanup campaigns ----------------------------------------------------------------------


def _cleanup_refusal(campaign: CleanupCampaign) -> str | None:
    if not campaign.is_closed:
        return _(
            "Cleanup %(id)s is not closed: only a closed cleanup with its published result lists "
            "is archived."
        ) % {"id": campaign.pk}
    return None


def _cleanup_describe(campaign: CleanupCampaign) -> SubjectDescription:
    return SubjectDescription(
        title=campaign.title,
        document_number="",
        responsible_party=campaign.government.name,
        date=campaign.results_published_on or timezone.localdate(campaign.closed_at),
        classification_level="公开",
        extra={"kind": campaign.kind, "opened_on": campaign.opened_on.isoformat()},
    )


def _cleanup_content(campaign: CleanupCampaign):
    items = campaign.verdicts.select_related("document__drafting_body__unit").order_by("pk")
    lines = [f"{campaign.title}", f"结果公布日期：{campaign.results_published_on or ''}", ""]
    for outcome, label in OUTCOME_ZH.items():
        chosen = [i for i in items if i.outcome == outcome]
        lines.append(f"{label}的规范性文件（{len(chosen)}件）")
        lines.extend(
            f"  {n}. {i.document.number or ''} {i.document.title}（{i.reason}）"
            for n, i in enumerate(chosen, 1)
        )
        lines.append("")
    yield ContentFile(
        name="result-lists.txt", title="清理结果目录", data="\n".join(lines).encode("utf-8")
    )
    data = {
        "campaign": _rows([campaign]),
        "assignments": _rows(campaign.assignments.all()),
        "items": _rows(CleanupItem.objects.filter(campaign=campaign).order_by("pk")),
    }
    yield ContentFile(name="procedure.json", title="清理过程数据", data=_json(data))


register_archive_adapter(
    ArchiveAdapter(
        kind="normdoc",
        model=NormativeDocument,
        label=gettext_lazy("Normative documents"),
        refusal=_document_refusal,
        is_final=_document_final,
        describe=_document_describe,
        content=_document_content,
        exportable=lambda: (
            NormativeDocument.objects.filter(status__in=ENDED_STATES)
            .select_related("drafting_body__unit")
            .order_by("-ended_on", "-id")
        ),
    )
)
register_archive_adapter(
    ArchiveAdapter(
        kind="cleanup",
        model=CleanupCampaign,
        label=gettext_lazy("Cleanup campaigns"),
        refusal=_cleanup_refusal,
        is_final=lambda campaign: campaign.is_closed,
        describe=_cleanup_describe,
        content=_cleanup_content,
        exportable=lambda: CleanupCampaign.objects.filter(
            status=CleanupCampaign.Status.CLOSED
        ).order_by("-closed_at"),
    )
)
