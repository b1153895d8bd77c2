"""Rate limits for endpoints anyone may call without logging in.

The API's throttles are the portal's limiter (``workflows.public.ratelimit``) seen through
DRF: the same counters in the same store, the same client address (``client_ip``: the peer
address unless ``FAZHI_TRUSTED_PROXIES`` proxies are trusted), and the same answer when the
store is unreachable (``RateLimitStoreUnavailable``). The "public" rate is
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public"]`` (None: no limit).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from workflows.public.ratelimit import Limit, checks_for, client_ip, hit_all


def _public_rate() -> str | None:
    # Read at request time, so a settings change (and a test's override_settings) applies.
    return api_settings.DEFAULT_THROTTLE_RATES.get("public")


def _caller(request, *args, **kwargs) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user-{user.pk}"
    return client_ip(request)


# Every public endpoint, per client address (per account when the caller is logged in).
PUBLIC_API = Limit("api_public", key=_caller, rate=_public_rate)


class LimitsThrottle(BaseThrottle):
    """Counts ``limits`` (``ratelimit.Limit``) for the view's request, in order, stopping at
    the first one exceeded. Over a limit the API answers 429 with ``Retry-After`` (see
    ``exceptions``)."""

    limits: tuple[Limit, ...] = ()

    def allow_request(self, request, view):
        checks = checks_for(self.limits, request, *view.args, **view.kwargs)
        self.retry_after = hit_all(checks)
        return self.retry_after == 0

    def wait(self):
        return self.retry_after

    def get_ident(self, request):
        # DRF's own would read X-Forwarded-For as NUM_PROXIES says; there is one answer.
        return client_ip(request)


class PublicRateThrottle(LimitsThrottle):
    """The "public" rate per client address (per account when the caller is logged in)."""

    limits = (PUBLIC_API,)
