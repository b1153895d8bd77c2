"""Uploaded files: the type is read from the content, never from the name, and the size is
limited (FAZHI_MAX_ATTACHMENT_BYTES). Shared by every app that accepts documents (decision
materials, consultation attachments), so one checker decides what a PDF is."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
