"""Every API error has one body shape, and each kind of failure one status code.

``{"detail": "...", "code": "...", "errors": {"field": ["..."]}}`` — ``errors`` is filled for
400 (one list of messages per field, ``non_field_errors`` for the rest) and empty otherwise.

- 400: bad input (serializer, query parameter or Django ``ValidationError`` from a service),
  and a step whose legal clock would end in a year with no holiday notice yet (its message
  says what the administrator must enter, domain.md §4);
- 401: no or bad credentials; 403: a forbidden action on something the caller may see;
- 404: anything the caller may not see, exactly as if it did not exist;
- 409: the state moved on (``Conflict``, ``workflows.errors.StaleState``, viewflow's
  ``FlowLockFailed`` and refused transitions);
- 413: a body larger than the endpoint accepts (the public comment's limit, otherwise
  DATA_UPLOAD_MAX_MEMORY_SIZE), answered before it is read whole where its length is declared;
- 429: rate limited, with ``Retry-After``.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed

from workflows.calendar import CalendarRangeError
from workflows.errors import StaleState


class Conflict(exceptions.APIException):
    """409: the action no longer applies (someone else acted first, the state moved on)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The object changed since you loaded it; reload and try again.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    """413: the body is larger than this endpoint accepts; nothing of it was used."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, *, limit: int):
        super().__init__(
            detail=_(
                "The request body is larger than %(limit_kib)s KiB, the most this endpoint accepts."
            )
            % {"limit_kib": max(1, limit // 1024)}
        )


class RateLimited(exceptions.Throttled):
    """429 in words a caller can read, in the caller's language (DRF's own message appends an
    English sentence its catalogues cannot translate). ``wait`` gives Retry-After."""

    def __init__(self, *, wait: float):
        seconds = max(1, int(-(-wait // 1)))
        minutes = max(1, (seconds + 59) // 60)
        # The same words as the portal's 429 page (public/429.html).
        detail = ngettext(
            "You have sent too many requests in a short time. Please wait about "
            "%(minutes)s minute and try again.",
            "You have sent too many requests in a short time. Please wait about "
            "%(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        exceptions.APIException.__init__(self, detail=detail, code="throttled")
        self.wait = seconds


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (documents it in the schema)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def _unsupported(exc: exceptions.UnsupportedMediaType, context) -> exceptions.APIException:
    """415 naming what the operation takes and what was sent."""
    request = (context or {}).get("request")
    parsers = getattr(request, "parsers", None) or []
    accepted = " or ".join(parser.media_type for parser in parsers) or "application/json"
    sent = (getattr(request, "content_type", "") or "").split(";")[0].strip()
    return exceptions.UnsupportedMediaType(
        sent,
        detail=_("This operation takes a body of type %(accepted)s, not “%(sent)s”.")
        % {"accepted": accepted, "sent": sent},
    )


def _as_api_exception(exc: Exception, context=None) -> Exception:
    """Domain and library errors as the API exception that names their meaning."""
    if isinstance(exc, StaleState):
        return Conflict(detail=str(exc), code=exc.code)
    if isinstance(exc, FlowLockFailed):
        return Conflict(detail=_("Another action on this process is in progress."), code="locked")
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(detail=_("This action no longer applies to the current state."))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, RateLimited):
        return RateLimited(wait=exc.wait or 1)
    if isinstance(exc, RequestDataTooBig):
        # Raised while DRF reads a body past DATA_UPLOAD_MAX_MEMORY_SIZE; left to Django it
        # would be the HTML 400 page.
        return PayloadTooLarge(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(detail=_("The request has too many fields or files."))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _unsupported(exc, context)
    if isinstance(exc, CalendarRangeError):
        return exceptions.ValidationError(
            detail={"non_field_errors": [str(exc)]}, code="calendar_year_unknown"
        )
    return exc


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"field.sub": ["message", ...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _refusal_code(exc: exceptions.ValidationError) -> str | None:
    """The code of a rule's refusal (``non_field_errors`` only, with one code of its own, e.g.
    ``published_before_registration``): a caller can tell refusals apart without reading the
    words. Field errors keep ``invalid``."""
    detail = exc.detail
    if not isinstance(detail, dict) or list(detail) != ["non_field_errors"]:
        return None
    codes = {getattr(item, "code", None) for item in detail["non_field_errors"]}
    if len(codes) != 1:
        return None
    code = codes.pop()
    return code if code and code not in ("invalid", "error") else None


def api_exception_handler(exc, context):
    """DRF's handler (headers such as WWW-Authenticate and Retry-After), then our body shape.

    Anything it does not recognise still raises: a 500 is a bug to fix, not to disguise.
    """
    exc = _as_api_exception(exc, context)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": str(_("Invalid input.")),
            "code": _refusal_code(exc) or "invalid",
            "errors": _flatten(exc.detail),
        }
        return response
    data = response.data if isinstance(response.data, dict) else {}
    detail = data.get("detail", getattr(exc, "detail", ""))
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"detail": str(detail), "code": str(code), "errors": {}}
    return response
