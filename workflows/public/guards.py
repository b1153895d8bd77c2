"""Guards for public POSTs: the body-size limit, CSRF checked after it, and the honeypot."""

from functools import wraps

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .responses import too_large

# A 5,000-character Chinese comment is about 45 KiB once form-encoded; leave room for the rest.
DEFAULT_MAX_BODY_BYTES = 128 * 1024
HONEYPOT_FIELD = "website"


def max_body_bytes() -> int:
    return int(getattr(settings, "FAZHI_PUBLIC_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def body_too_large(request) -> bool:
    """Judged on the declared length, before anything reads the body. A body without a
    declared length is refused too: Django would read it up to DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return True
    return length < 0 or length > max_body_bytes()


def public_post(view):
    """Wrap a public view that accepts POST: an oversized body is refused (413) before the
    CSRF middleware would parse it, then CSRF is checked as usual (403 when it fails)."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if body_too_large(request):
            return too_large(request, limit=max_body_bytes())
        return protected(request, *args, **kwargs)

    # The middleware must not read the body first; csrf_protect above does the check instead.
    return csrf_exempt(wrapper)


class HoneypotField(forms.CharField):
    """A field people never see (hidden by CSS, skipped by keyboard and screen readers) and
    bots tend to fill. A filled honeypot marks the submission as automated."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "fz-hp"}),
        )
        super().__init__(**kwargs)


class HoneypotFormMixin(forms.Form):
    website = HoneypotField()

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())
