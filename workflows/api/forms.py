"""The UI's Django forms as API request bodies: one parser for both interfaces.

An API action that the UI performs through a form takes the same fields as a JSON object.
``form_serializer`` describes that object in the schema and checks each value's JSON type
(a form field would crash on a number where it expects text); the form itself then parses the
values exactly as it does for the page, so the two interfaces cannot drift apart.

Request bodies are JSON (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``). A form with a file
field (an upload) has, besides its JSON operation, its own ``multipart/form-data`` operation:
the same fields as form fields, plus the files (``form_multipart_serializer`` in the schema,
``form_files`` for the form). The files are checked where the page checks them: by the form and
then by the service's ``workflows.files.upload_check``.

A form field whose page text stands for structured data (the legal basis typed one per line,
options typed as blocks) is typed in the API as what it stands for (``shape_field``): an array
of strings, an array of objects; the API turns it back into the page's text for the form.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from workflows.files import too_large_error
from workflows.uploads import RefusedUpload

MAX_ID = 2**31 - 1
_SERIALIZERS: dict[str, type[serializers.Serializer]] = {}


@dataclass(frozen=True)
class FieldShape:
    """How the API types one form field: ``field(**common)`` builds the serializer field (the
    schema and the JSON type check), ``to_form(value)`` gives the form the page's text."""

    field: Callable[..., serializers.Field]
    to_form: Callable[[Any], Any]


_SHAPES: dict[tuple[type, str], FieldShape] = {}


def shape_field(form_class: type[forms.Form], name: str, shape: FieldShape) -> None:
    """Type ``form_class``'s field ``name`` in the API as ``shape`` (before its serializer is
    first built)."""
    _SHAPES[(form_class, name)] = shape


def _shape_of(form_class: type[forms.Form], name: str) -> FieldShape | None:
    for klass in form_class.__mro__:
        if (klass, name) in _SHAPES:
            return _SHAPES[(klass, name)]
    return None


class LinesField(serializers.ListField):
    """An array of strings; a string (the schema before version 1.1 typed it so) is still read
    as one entry per line."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [line for line in data.splitlines() if line.strip()]
        return super().to_internal_value(data)


def lines_shape(*, max_length: int = 500) -> FieldShape:
    """A text typed one entry per line on the page: an array of strings in the API."""
    return FieldShape(
        field=lambda **common: LinesField(
            child=serializers.CharField(max_length=max_length), **common
        ),
        to_form=lambda value: "\n".join(str(v).replace("\n", " ") for v in value),
    )


def _field_for(field: forms.Field, shape: FieldShape | None = None) -> serializers.Field | None:
    common = {"required": field.required, "help_text": str(field.label or "")}
    optional = not field.required
    if shape is not None:
        return shape.field(**common)
    if isinstance(field, forms.FileField):
        return None  # files go through the UI's upload page; JSON carries no file
    if isinstance(field, forms.ModelMultipleChoiceField):
        child = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        return serializers.ListField(child=child, **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(
            min_value=1, max_value=MAX_ID, allow_null=optional, **common
        )
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.ChoiceField):
        choices = [(value, label) for value, label in field.choices if value != ""]
        return serializers.ChoiceField(
            choices=choices, allow_blank=optional, allow_null=optional, **common
        )
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(allow_null=optional, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=optional, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value if field.min_value is not None else -MAX_ID,
            max_value=field.max_value if field.max_value is not None else MAX_ID,
            allow_null=optional,
            **common,
        )
    if isinstance(field, forms.URLField):
        return serializers.URLField(
            allow_blank=optional, allow_null=optional, max_length=field.max_length, **common
        )
    return serializers.CharField(
        allow_blank=optional,
        allow_null=optional,
        max_length=getattr(field, "max_length", None),
        trim_whitespace=False,
        **common,
    )


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file part of a multipart body (documented as binary, not as a URL)."""


def _is_multiple(field: forms.FileField) -> bool:
    return bool(getattr(field.widget, "allow_multiple_selected", False))


def _file_field_for(field: forms.FileField) -> serializers.Field:
    common = {"required": field.required, "help_text": str(field.label or "")}
    if _is_multiple(field):
        return serializers.ListField(child=UploadField(), **common)
    return UploadField(**common)


def file_fields(form_class: type[forms.Form]) -> dict[str, forms.FileField]:
    """The form's file fields by name."""
    return {
        name: field
        for name, field in form_class().fields.items()
        if isinstance(field, forms.FileField)
    }


def form_has_files(form_class: type[forms.Form]) -> bool:
    """True when the form takes an upload (and so the API takes it as multipart)."""
    return bool(file_fields(form_class))


def form_serializer(
    form_class: type[forms.Form], *, name: str, files: bool = False
) -> type[serializers.Serializer]:
    """A serializer with the fields of ``form_class`` (named ``name`` in the schema); with
    ``files``, its file fields too (a multipart body, for the schema: the values are checked by
    ``form_data`` and the files by the form)."""
    if name in _SERIALIZERS:
        return _SERIALIZERS[name]
    attrs = {}
    for field_name, field in form_class().fields.items():
        if files and isinstance(field, forms.FileField):
            converted = _file_field_for(field)
        else:
            converted = _field_for(field, _shape_of(form_class, field_name))
        if converted is not None:
            attrs[field_name] = converted
    attrs["__doc__"] = (form_class.__doc__ or "").strip() or f"The fields of {name}."
    serializer = type(name, (serializers.Serializer,), attrs)
    _SERIALIZERS[name] = serializer
    return serializer


def form_multipart_serializer(
    form_class: type[forms.Form], *, name: str
) -> type[serializers.Serializer]:
    """The multipart body of a form with files: its fields and its files."""
    return form_serializer(form_class, name=name, files=True)


def form_request(form_class: type[forms.Form], *, name: str):
    """What ``extend_schema(request=...)`` documents for an action parsed by ``form_class``:
    a JSON object (its files, if any, go to the action's own upload operation,
    ``form_upload_request``)."""
    return {"application/json": form_serializer(form_class, name=name)}


def form_upload_request(form_class: type[forms.Form], *, name: str):
    """The multipart body of the upload operation of an action whose form takes files."""
    return {"multipart/form-data": form_multipart_serializer(form_class, name=f"{name}Upload")}


def form_files(form_class: type[forms.Form], files, *, prefix: str | None = None) -> MultiValueDict:
    """The request's uploaded files (``workflows.uploads.upload_files``) of ``form_class``'s
    file fields, keyed as the form (with ``prefix``) reads them; a file field the request does
    not fill stays empty.

    A file refused while it streamed in (too large) is a 400 on its field at once, before the
    other fields are looked at: the rest of the body, fields included, was never read."""
    result = MultiValueDict()
    if not files:
        return result
    for name in file_fields(form_class):
        uploads = files.getlist(name)
        if any(isinstance(upload, RefusedUpload) for upload in uploads):
            raise ValidationError({name: too_large_error().messages})
        if uploads:
            result.setlist(f"{prefix}-{name}" if prefix else name, uploads)
    return result


def form_errors(form: forms.Form, *, under: str | None = None) -> ValidationError:
    """The form's errors as a 400 naming each field (``under.field`` when nested)."""
    errors = {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
    return ValidationError({under: errors} if under else errors)


def form_data(
    form_class: type[forms.Form], payload, *, name: str, prefix: str | None = None
) -> dict:
    """``payload`` checked against ``form_serializer`` and laid out as the form's POST data.

    Raises a 400 for a payload that is not an object or holds a value of the wrong type.
    """
    if not isinstance(payload, dict):
        raise ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
    if hasattr(payload, "getlist"):
        # A multipart body repeats the key of an array: every value, once each.
        payload = {
            key: payload.getlist(key) if key in list_keys else payload[key]
            for list_keys in [_list_fields(form_class, name)]
            for key in payload
        }
    serializer = form_serializer(form_class, name=name)(data=payload)
    serializer.is_valid(raise_exception=True)
    data = {}
    for key in serializer.fields:
        if key in payload and payload[key] is not None:
            value = payload[key]  # as sent: the form parses it as the page's field does
            shape = _shape_of(form_class, key)
            if shape is not None:
                value = shape.to_form(serializer.validated_data[key])
            data[f"{prefix}-{key}" if prefix else key] = value
    return data


def _list_fields(form_class: type[forms.Form], name: str) -> set[str]:
    fields = form_serializer(form_class, name=name)().fields
    return {key for key, field in fields.items() if isinstance(field, serializers.ListField)}
