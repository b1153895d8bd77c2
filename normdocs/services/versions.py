"""The one writer of a document's text: every change of ``NormativeDocument.text`` is a new
version (征求意见稿 → 送审稿 → 修改稿 → 印发稿) with its SHA-256, who and when."""

from django.db.models import Max
from django.utils import timezone

from ..models import DocumentVersion, NormativeDocument, text_sha256


def version_current(document: NormativeDocument) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


def version_write(
    *, document: NormativeDocument, kind: str, by, text: str, note: str = ""
) -> DocumentVersion:
    """Keep ``text`` as the document's next version and make it the current text.

    Called inside the caller's transaction, on a document row the caller holds locked; the
    caller records the event (naming the version).

    Line ends are kept as ``\n`` whatever sent the text: a browser's textarea sends ``\r\n``,
    the API and the services ``\n``, and the same text must have the same hash either way.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    last = document.versions.aggregate(n=Max("number"))["n"] or 0
    version = DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        kind=kind,
        text=text,
        sha256=text_sha256(text),
        created_by=by,
        created_at=timezone.now(),
        note=note,
    )
    if document.text != text:
        document.text = text
        document.save(update_fields=["text"])
    return version


def version_ensure(
    *,
    document: NormativeDocument,
    kind: str,
    by,
    text: str | None = None,
    note: str = "",
    reuse: tuple[str, ...] = (),
) -> DocumentVersion:
    """The current version when it already is of ``kind`` (or one of ``reuse``) with this
    text, else a new version of ``kind``."""
    text = document.text if text is None else text
    current = version_current(document)
    if (
        current is not None
        and current.kind in (kind, *reuse)
        and current.sha256 == text_sha256(text)
    ):
        return current
    return version_write(document=document, kind=kind, by=by, text=text, note=note)


def version_payload(version: DocumentVersion | None) -> dict | None:
    """How the record names a version."""
    if version is None:
        return None
    return {
        "id": version.pk,
        "number": version.number,
        "kind": version.kind,
        "sha256": version.sha256,
    }
