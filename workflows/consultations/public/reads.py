"""What the public may see of a consultation, for every public page: one that has opened, whether
it takes comments now, and a page of a list (its public comments, or any other)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from .. import public_cache, rules
from ..models import Consultation
from ..moderation import COMMENTS_PER_PAGE
from ..selectors import comments_public

LIST_PER_PAGE = 20
CACHE_SCOPE = public_cache.SCOPE


def _published(pk) -> Consultation:
    """A consultation the public may see: it has opened. Anything else does not exist."""
    consultation = Consultation.objects.filter(pk=pk, opens_at__lte=timezone.now()).first()
    if consultation is None:
        raise Http404
    return consultation


def _is_accepting(consultation: Consultation) -> bool:
    return rules.is_accepting_comments(
        status_open=consultation.status == Consultation.Status.OPEN,
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        at=timezone.now(),
    )


def _page(queryset, request, per_page):
    # get_page: a bad or out-of-range number shows the nearest page, never an error.
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _comments_page(consultation: Consultation, request):
    """One page of public comments: a count and one slice, whatever the number of comments."""
    return _page(
        comments_public(consultation=consultation).order_by("submitted_at", "pk"),
        request,
        COMMENTS_PER_PAGE,
    )
