"""The UI's Django forms as API request bodies: one parser for both interfaces.

An API action that the UI performs through a form takes the same fields as a JSON object.
``form_serializer`` describes that object in the schema and checks each value's JSON type
(a form field would crash on a number where it expects text); the form itself then parses the
values exactly as it does for the page, so the two interfaces cannot drift apart.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

MAX_ID = 2**31 - 1
_SERIALIZERS: dict[str, type[serializers.Serializer]] = {}


def _field_for(field: forms.Field) -> serializers.Field | None:
    common = {"required": field.required, "help_text": str(field.label or "")}
    optional = not field.required
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


def form_serializer(form_class: type[forms.Form], *, name: str) -> type[serializers.Serializer]:
    """A serializer with the fields of ``form_class`` (named ``name`` in the schema)."""
    if name in _SERIALIZERS:
        return _SERIALIZERS[name]
    attrs = {}
    for field_name, field in form_class().fields.items():
        converted = _field_for(field)
        if converted is not None:
            attrs[field_name] = converted
    attrs["__doc__"] = (form_class.__doc__ or "").strip() or f"The fields of {name}."
    serializer = type(name, (serializers.Serializer,), attrs)
    _SERIALIZERS[name] = serializer
    return serializer


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
        raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
    serializer = form_serializer(form_class, name=name)(data=payload)
    serializer.is_valid(raise_exception=True)
    data = {}
    for key in serializer.fields:
        if key in payload and payload[key] is not None:
            data[f"{prefix}-{key}" if prefix else key] = payload[key]
    return data
