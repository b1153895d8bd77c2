"""Uploads are limited while they stream in, before the body is held anywhere.

Django reads a multipart body through its upload handlers (``FILE_UPLOAD_HANDLERS``).
``UploadLimitHandler`` comes first and stops the parser, without reading on:

- at the first file of a body whose declared length (``Content-Length``; Django never reads
  past it) is more than one attachment could need (``max_request_bytes``): only the small
  fields before the file (the CSRF token, the action) have been read;
- as soon as one file passes ``FAZHI_MAX_ATTACHMENT_BYTES``.

Below the limit Django's own handlers follow: a body up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` is
kept in memory, anything larger goes to a temporary file.

A refused file is not dropped silently (an optional upload would then look like none): it is
kept on the request as a ``RefusedUpload``, which ``upload_files`` puts back among the request's
files, so the form refuses it on its own field (``workflows.files.validate_upload_size``) on the
page and in the API alike.

The client may see its connection reset if it is still sending when the answer comes: the
proxy in front (``client_max_body_size`` in nginx) should refuse such bodies before Django.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.datastructures import MultiValueDict

# Room for the multipart boundaries and part headers around the file and the fields.
MULTIPART_OVERHEAD = 64 * 1024


def max_request_bytes() -> int:
    """The longest multipart body read: one attachment, the form fields Django already allows
    in memory (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and the multipart framing. Several attachments
    in one request share this."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return settings.FAZHI_MAX_ATTACHMENT_BYTES + fields + MULTIPART_OVERHEAD


class RefusedUpload(UploadedFile):
    """An upload refused unread: its name and the size known when it was refused (more than
    the limit), no content."""

    def __init__(self, *, name: str, size: int):
        super().__init__(
            file=io.BytesIO(b""), name=name, content_type="application/octet-stream", size=size
        )


class UploadLimitHandler(FileUploadHandler):
    """Stops reading the body at the first file past the limit (see the module's docstring).
    Installed first in ``FILE_UPLOAD_HANDLERS``."""

    body_length = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length
        return None  # the parser goes on; this handler only watches

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if self.body_length > max_request_bytes():
            self.refuse(size=self.body_length)

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > settings.FAZHI_MAX_ATTACHMENT_BYTES:
            self.refuse(size=received)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file

    def refuse(self, *, size: int):
        refused = getattr(self.request, "refused_uploads", None)
        if refused is None:
            refused = self.request.refused_uploads = MultiValueDict()
        refused.appendlist(self.field_name, RefusedUpload(name=self.file_name, size=size))
        # connection_reset: the parser stops here without reading (or holding) the rest.
        raise StopUpload(connection_reset=True)


def upload_files(request) -> MultiValueDict:
    """The request's files (a Django or a DRF request), with any upload refused while it
    streamed in standing in its field as a ``RefusedUpload``."""
    files = request.FILES  # parses the body when nothing has yet
    refused = getattr(request, "refused_uploads", None)
    if not refused:
        return files
    combined = files.copy()
    for field, uploads in refused.lists():
        for upload in uploads:
            combined.appendlist(field, upload)
    return combined
