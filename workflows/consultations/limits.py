"""The abuse policy for public comments, one for every face a comment comes through: the
portal's form (``public``) and the public API (``api``) count the same limits in the same
counters, so a citizen's allowance is one allowance whichever way they write.

- per client address (``comment_ip``, default 5 per 10 minutes): a person rarely writes more;
- per consultation (``comment_key``, default 200 per hour, from every address together): a
  flood from many addresses stops there. The address is counted first, so one address over
  its own limit never eats into the consultation's allowance.

Rates are settings (``FAZHI_PUBLIC_RATES``); the client's address is ``client_ip``'s. A filled
honeypot (``guards.HONEYPOT_FIELD``) is answered like a success and stores nothing, on both
faces; the body-size limit (``guards.max_body_bytes``) is the same on both too.
"""

from workflows.public.ratelimit import Limit


def _consultation_key(request, *args, pk=None, **kwargs) -> str:
    return f"consultation:{pk}"


COMMENT_LIMITS = (
    Limit("comment_ip", methods=("POST",)),
    Limit("comment_key", key=_consultation_key, methods=("POST",)),
)
