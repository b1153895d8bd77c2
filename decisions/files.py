"""Attachment type by content, never by name: a file called .pdf must be a PDF."""

import io
import zipfile

PDF, DOCX, OFD = "pdf", "docx", "ofd"
ALLOWED = (PDF, DOCX, OFD)


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
