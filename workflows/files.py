"""Uploaded files: the type is read from the content, never from the name, and the size is
limited (FAZHI_MAX_ATTACHMENT_BYTES). Shared by every app that accepts documents (decision
materials, consultation attachments), so one checker decides what a PDF is, and one function
hands a stored file back (``stored_file_response``)."""

import hashlib
import io
import logging
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PDF, DOCX, OFD = "pdf", "docx", "ofd"
ALLOWED = (PDF, DOCX, OFD)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    OFD: "application/ofd",
}


def sniff_type(data: bytes) -> str | None:
    """PDF starts with %PDF; DOCX is a zip holding word/document.xml; OFD (GB/T 33190) is a zip
    holding OFD.xml. Anything else is refused."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "OFD.xml" in names:
            return OFD
    return None


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def upload_check(*, name: str, data: bytes) -> str:
    """Return the file's type (pdf, docx or ofd) or refuse it: too large, a type not accepted,
    or a name whose extension lies about the content."""
    limit = settings.FAZHI_MAX_ATTACHMENT_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s bytes."), code="too_large", params={"limit": limit}
        )
    detected = sniff_type(data)
    if detected is None:
        raise ValidationError(
            _("Only PDF, DOCX and OFD files are accepted."), code="type_not_allowed"
        )
    if extension_of(name) != detected:
        raise ValidationError(
            _("The file's name says .%(ext)s but its content is %(type)s."),
            code="extension_mismatch",
            params={"ext": extension_of(name), "type": detected.upper()},
        )
    return detected


def stored_file_response(*, file, name: str, file_type: str, sha256: str = "") -> FileResponse:
    """The stored ``file`` as a download named ``name``, typed by what the checker read from its
    content (never by its name), and the browser may not second-guess the type.

    A file the database lists but the storage no longer has is a loss to be restored from the
    backup, not the reader's fault: it is logged as an error (with its fixity hash, to find the
    right copy) and the reader gets a 404 saying so, never a server error.
    """
    try:
        handle = file.open("rb")
    except OSError as error:
        logger.error("Stored file %s (sha256 %s) is missing: %r", file.name, sha256 or "?", error)
        raise Http404(
            _("The file is missing from storage; an administrator must restore it.")
        ) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Longest original file name kept (the stored name is the content hash).
MAX_NAME = 255


def upload_store(stored, *, name: str, data: bytes) -> dict:
    """Check an uploaded document (``upload_check``) and fill ``stored``'s file fields:
    ``file`` saved under its SHA-256 (never under the uploaded name), ``original_name`` without
    any client path, ``file_type`` as read from the content, ``size``, ``sha256``, and
    ``content_type`` where the model has one. The row itself is left to the caller to save.
    Returns the facts the full-process record keeps of the upload."""
    file_type = upload_check(name=name, data=data)
    sha = hashlib.sha256(data).hexdigest()
    stored.original_name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:MAX_NAME]
    stored.file_type = file_type
    stored.size = len(data)
    stored.sha256 = sha
    if hasattr(stored, "content_type"):
        stored.content_type = CONTENT_TYPES[file_type]
    stored.file.save(f"{sha}.{file_type}", ContentFile(data), save=False)
    return {"name": stored.original_name, "type": file_type, "size": len(data), "sha256": sha}
