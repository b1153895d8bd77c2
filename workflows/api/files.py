"""Uploaded documents by API: how they are described, downloaded and refused.

Uploads are checked where the pages check them (the form, then the service's
``workflows.files.upload_check``); this module only turns those answers into the API's: a file
the checker refuses is a 400 on the field that carried it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from workflows.files import CONTENT_TYPES, REFUSAL_CODES, stored_file_response

# The refusals of ``upload_check``: they are about the file, so the 400 names the file field.
UPLOAD_REFUSALS = REFUSAL_CODES


def is_upload_refusal(error: DjangoValidationError) -> bool:
    return any(e.code in UPLOAD_REFUSALS for e in error.error_list)


def upload_refusal(error: DjangoValidationError, *, field: str) -> ValidationError:
    """``upload_check``'s refusal as a 400 naming ``field``."""
    return ValidationError({field: [str(message) for message in error.messages]})


def download_responses(description: str) -> dict:
    """``extend_schema(responses=...)`` of a download: the file's bytes. Listed first as
    ``application/octet-stream`` (what a generated client reads as a file), then as each type
    the file may be served with (its Content-Type is the type read from its content)."""
    types = ["application/octet-stream", *CONTENT_TYPES.values()]
    return {
        (200, content_type): OpenApiResponse(response=OpenApiTypes.BINARY, description=description)
        for content_type in types
    }


def file_download(*, file, name: str, file_type: str, sha256: str = "") -> FileResponse:
    """The stored ``file`` as a download (``workflows.files.stored_file_response``)."""
    return stored_file_response(file=file, name=name, file_type=file_type, sha256=sha256)


class StoredFileSerializer(serializers.Serializer):
    """A stored document: what the checker read from it and its fixity hash."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    file_type = serializers.ChoiceField(choices=sorted(CONTENT_TYPES))
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
