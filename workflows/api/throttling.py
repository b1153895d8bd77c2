"""Rate limits for endpoints anyone may call without logging in.

Counts live in the default cache (Redis in production, shared by every web process); the
rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PublicRateThrottle(SimpleRateThrottle):
    """The "public" rate per client address (per account when the caller is logged in).

    Over the rate the API answers 429 with ``Retry-After`` (see ``exceptions``).
    """

    scope = "public"

    def get_rate(self):
        # Read at request time, not import time, so a settings change (and a test's
        # override_settings) takes effect without a restart of the class.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
