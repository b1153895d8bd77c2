"""Uploaded files: the type is read from the content, never from the name, and the size is
limited (FAZHI_MAX_ATTACHMENT_BYTES; while the body streams in, ``workflows.uploads``). A zip
container (DOCX, OFD) is also limited in what it would unpack to, read from its central
directory without decompressing anything. Shared by every app that accepts documents (decision
materials, consultation attachments), so one checker decides what a PDF is, and one function
hands a stored file back (``stored_file_response``)."""

import hashlib
import io
import logging
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PDF, DOCX, OFD = "pdf", "docx", "ofd"
# The codes of ``upload_check``'s refusals: each is about the file itself.
REFUSAL_CODES = (
    "too_large",
    "too_many_entries",
    "unpacks_too_large",
    "compression_ratio",
    "type_not_allowed",
    "extension_mismatch",
)
ALLOWED = (PDF, DOCX, OFD)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    OFD: "application/ofd",
}


def too_large_error() -> ValidationError:
    limit = settings.FAZHI_MAX_ATTACHMENT_BYTES
    return ValidationError(
        _("The file is larger than %(limit)s bytes."), code="too_large", params={"limit": limit}
    )


def validate_upload_size(upload) -> None:
    """A form's file field refuses a file past the limit, among them one refused unread while
    it streamed in (``workflows.uploads.RefusedUpload``)."""
    if upload is not None and upload.size is not None:
        if upload.size > settings.FAZHI_MAX_ATTACHMENT_BYTES:
            raise too_large_error()


# End of central directory record: signature, then (at offset 10) the total number of entries.
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_OF_DIRECTORY_MAX = 22 + 0xFFFF  # the record and the longest comment
MIB = 1024 * 1024


def zip_entry_count(data: bytes) -> int | None:
    """How many entries the zip says it holds, read from its last 64 KiB before anything builds
    one object per entry; None when the count needs ZIP64 (65,535 entries or more)."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_OF_DIRECTORY_MAX))
    if at < 0 or at + 22 > len(data):
        return 0  # not a zip the checker can read; the sniffer refuses it
    (total,) = struct.unpack_from("<H", data, at + 10)
    return None if total == 0xFFFF else total


def zip_problem(data: bytes) -> ValidationError | None:
    """Why a zip container may not be accepted, or None: too many entries, too much once
    unpacked (FAZHI_MAX_UNPACKED_BYTES), or packed too tightly (FAZHI_MAX_COMPRESSION_RATIO, a
    zip bomb's mark: a DOCX packs about 3 to 10 times). Only the central directory's declared
    sizes are read; nothing is decompressed. (Python's zipfile never unpacks more than the
    declared size, so a lying directory cannot make a later reader here unpack more.)"""
    too_many = ValidationError(
        _("The file holds more than %(limit)s parts."),
        code="too_many_entries",
        params={"limit": settings.FAZHI_MAX_ZIP_ENTRIES},
    )
    entries = zip_entry_count(data)
    if entries is None or entries > settings.FAZHI_MAX_ZIP_ENTRIES:
        return too_many
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    if len(members) > settings.FAZHI_MAX_ZIP_ENTRIES:  # a directory longer than it says
        return too_many
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > settings.FAZHI_MAX_UNPACKED_BYTES:
        return ValidationError(
            _("The file would unpack to more than %(limit)s bytes."),
            code="unpacks_too_large",
            params={"limit": settings.FAZHI_MAX_UNPACKED_BYTES},
        )
    ratio = settings.FAZHI_MAX_COMPRESSION_RATIO
    # Overall and per member: one tightly packed member hides behind a large stored image.
    # Below 1 MiB unpacked a high ratio harms nobody (a short repetitive XML part packs well).
    tight = [
        m for m in members if m.file_size > MIB and m.file_size > ratio * max(m.compress_size, 1)
    ]
    if tight or (unpacked > MIB and unpacked > ratio * max(packed, 1)):
        return ValidationError(
            _("The file unpacks to more than %(ratio)s times its size."),
            code="compression_ratio",
            params={"ratio": ratio},
        )
    return None


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
    """Return the file's type (pdf, docx or ofd) or refuse it: too large, a zip container that
    would unpack too large or too many times its size, or holds too many entries, a type not
    accepted, or a name whose extension lies about the content."""
    if len(data) > settings.FAZHI_MAX_ATTACHMENT_BYTES:
        raise too_large_error()
    if data.startswith(b"PK\x03\x04"):
        try:
            problem = zip_problem(data)
        except zipfile.BadZipFile:
            problem = None  # not a readable zip: the sniffer below refuses it
        if problem is not None:
            raise problem
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
