"""Cursor pagination for every list: stable under inserts, no COUNT(*), bounded pages."""

from base64 import b64decode
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    """Pages ordered by a unique, indexed column (``-id`` unless the view sets ``ordering``).

    ``page_size`` must be an integer from 1 to ``max_page_size``, and a cursor must be one this
    API issued: anything else is a 400 naming the parameter, never a silent default.
    """

    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None:
                # DRF's decoder skips characters outside base64: "%%%" would read as page one.
                b64decode(encoded.encode("ascii"), validate=True)
            cursor = super().decode_cursor(request)
        except (NotFound, ValueError) as error:
            raise self._invalid_cursor() from error
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]})

    def _check_position(self, position: str) -> None:
        """A forged cursor must not reach the database as a value its column cannot hold."""
        field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            value = field.to_python(position)
        except DjangoValidationError as error:
            raise self._invalid_cursor() from error
        low, high = connection.ops.integer_field_ranges.get(field.get_internal_type(), (None, None))
        if isinstance(value, int) and not (
            (low is None or value >= low) and (high is None or value <= high)
        ):
            raise self._invalid_cursor()

    # ``next_cursor``/``previous_cursor``: the value to pass as ``cursor`` for the next or previous
    # page (a generated client calls the list operation again with it); ``next``/``previous``
    # are the same pages as URLs.
    def get_next_cursor(self) -> str | None:
        return self._cursor_of(self.get_next_link())

    def get_previous_cursor(self) -> str | None:
        return self._cursor_of(self.get_previous_link())

    def _cursor_of(self, link: str | None) -> str | None:
        if link is None:
            return None
        return parse_qs(urlsplit(link).query).get(self.cursor_query_param, [None])[0]

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "next_cursor": self.get_next_cursor(),
                "previous_cursor": self.get_previous_cursor(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        cursor = {"type": "string", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "next_cursor", "previous_cursor", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "next_cursor": {
                    **cursor,
                    "description": "Pass as `cursor` for the next page; null on the last.",
                },
                "previous_cursor": {
                    **cursor,
                    "description": "Pass as `cursor` for the previous page; null on the first.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
