"""Uploads are limited while they stream in (workflows.uploads) and zip containers by what they
would unpack to (workflows.files): measured on the parser itself, byte by byte, with bodies
that are produced lazily and never exist in memory."""

import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import override_settings

from workflows.files import upload_check
from workflows.uploads import RefusedUpload, max_request_bytes

BOUNDARY = "fazhi-boundary"
MIB = 1024 * 1024


class LazyBody(io.RawIOBase):
    """A multipart body of ``size`` bytes: ``head`` then zeros, made as it is read; counts how
    much the server read."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.position = head, size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        chunk = self.head[self.position : self.position + wanted]
        chunk += bytes(wanted - len(chunk))
        buffer[:wanted] = chunk
        self.position += wanted
        return wanted


def multipart_head(*fields: tuple[str, str], file_field="file", file_name="big.pdf") -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
        f'name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    )
    return "".join(parts).encode()


def request_with(body: io.RawIOBase, length: int) -> WSGIRequest:
    return WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(length),
            "wsgi.input": body,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
        }
    )


def complete_body(data: bytes, *fields: tuple[str, str]) -> bytes:
    head = multipart_head(*fields)[: -len(b"%PDF-1.7\n")]
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_body_declared_larger_than_the_limit_is_refused_at_its_first_file_unread():
    size = 400 * MIB  # the upload: made as it is read, never held
    body = LazyBody(multipart_head(("csrfmiddlewaretoken", "t"), ("action", "upload")), size)
    request = request_with(body, size)

    assert request.FILES.getlist("file") == []
    # The fields before the file (CSRF token, action) were read; of the file, nothing.
    assert request.POST["action"] == "upload"
    assert body.position < 256 * 1024
    refused = request.refused_uploads.getlist("file")
    assert len(refused) == 1 and isinstance(refused[0], RefusedUpload)
    assert refused[0].name == "big.pdf" and refused[0].size == size


@override_settings(FAZHI_MAX_ATTACHMENT_BYTES=100_000)
def test_a_file_is_refused_as_soon_as_it_streams_past_the_limit():
    size = max_request_bytes()  # not more than a request may declare
    body = LazyBody(multipart_head(("action", "upload")), size)
    request = request_with(body, size)

    assert request.FILES.getlist("file") == []
    # Read up to the limit and one chunk (64 KiB) of the parser's look-ahead, not the rest.
    assert body.position <= 100_000 + 3 * 64 * 1024 < size
    assert request.refused_uploads["file"].size > 100_000


@override_settings(FAZHI_MAX_ATTACHMENT_BYTES=100_000, FILE_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_file_within_the_limit_above_the_memory_size_goes_to_a_temporary_file():
    data = b"%PDF-1.7\n" + os.urandom(50_000)
    raw = complete_body(data, ("action", "upload"))
    request = request_with(io.BytesIO(raw), len(raw))

    upload = request.FILES["file"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.read() == data
    assert not getattr(request, "refused_uploads", None)


@override_settings(FAZHI_MAX_ATTACHMENT_BYTES=100_000)
def test_a_file_exactly_at_the_limit_is_accepted():
    data = b"%PDF-1.7\n" + bytes(100_000 - 9)
    raw = complete_body(data)
    request = request_with(io.BytesIO(raw), len(raw))
    assert request.FILES["file"].size == 100_000


# --- zip containers ----------------------------------------------------------------------------


def docx(**members: bytes | tuple[bytes, int]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in members.items():
            if isinstance(content, tuple):
                archive.writestr(name, content[0], compress_type=content[1])
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def no_decompression(monkeypatch):
    """Any attempt to unpack a member fails the test: the checks read the directory only."""

    def refuse(*args, **kwargs):
        raise AssertionError("a member was decompressed")

    monkeypatch.setattr(zipfile, "_get_decompressor", refuse)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        upload_check(name=name, data=data)
    return error.value.code


def test_a_zip_bomb_docx_is_refused_by_its_compression_ratio_without_unpacking(no_decompression):
    bomb = docx(**{"word/media/image1.bin": bytes(10 * MIB)})  # 10 MiB of zeros
    assert len(bomb) < 100 * 1024
    assert refusal("炸弹.docx", bomb) == "compression_ratio"


@override_settings(FAZHI_MAX_UNPACKED_BYTES=2 * MIB)
def test_a_docx_unpacking_to_more_than_the_limit_is_refused(no_decompression):
    # Incompressible and stored: the ratio is 1, only the unpacked size is too much.
    big = docx(**{"word/media/image1.png": (os.urandom(3 * MIB), zipfile.ZIP_STORED)})
    assert refusal("图片.docx", big) == "unpacks_too_large"


@override_settings(FAZHI_MAX_ZIP_ENTRIES=10)
def test_a_docx_with_too_many_parts_is_refused(no_decompression):
    many = docx(**{f"word/part{i}.xml": b"<p/>" for i in range(20)})
    assert refusal("多.docx", many) == "too_many_entries"


def test_an_ofd_bomb_is_refused_too(no_decompression):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        archive.writestr("Doc_0/Res/zeros.bin", bytes(10 * MIB))
    assert refusal("公文.ofd", buffer.getvalue()) == "compression_ratio"


def test_an_ordinary_docx_with_a_well_packed_text_is_accepted(no_decompression):
    # 2 MiB of ordinary XML packs a few times, far from a bomb's ratio.
    text = b"".join(
        b"<w:p><w:r><w:t>%d %s</w:t></w:r></w:p>" % (i, os.urandom(8).hex().encode())
        for i in range(40_000)
    )
    assert upload_check(name="草案.docx", data=docx(**{"word/document2.xml": text})) == "docx"
