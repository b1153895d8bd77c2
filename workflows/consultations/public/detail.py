"""A consultation's page (the draft, the period, the comment form and the public comments), its
cached copies, the comment as it is submitted (第十四条) and the confirmation that follows."""

import re

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from workflows.public import caching
from workflows.public.countdown import next_midnight
from workflows.public.guards import public_post
from workflows.public.ratelimit import prefetching, rate_limited

from ..limits import COMMENT_LIMITS
from ..models import Comment, Consultation
from ..public_forms import CommentForm
from ..services import comment_submit
from .companions import _companion_texts
from .reads import CACHE_SCOPE, _comments_page, _is_accepting, _published

RECEIPT_SALT = "consultations.public.receipt"


def _requested_page(request) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return 1
    return int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else None


def _comments_html(consultation: Consultation, request) -> tuple[str, bool]:
    """The comments of the page asked for, as cached HTML, and whether that page is the one
    asked for.

    A cached copy is looked up under the page number asked for, but stored only under the
    number actually shown: a number out of range, or no number at all, renders the nearest
    page (``get_page``) without filling the cache with copies of it.
    """
    language = get_language()
    shown = {}

    def render_comments() -> str:
        shown["page"] = page_obj = _comments_page(consultation, request)
        return render_to_string(
            "consultations/public/_comments.html", {"page_obj": page_obj}, request=request
        )

    asked = _requested_page(request)
    if asked is None:
        return render_comments(), False
    html = caching.fragment(
        CACHE_SCOPE,
        consultation.pk,
        f"comments:{asked}:{language}",
        render_comments,
        keep=lambda: shown["page"].number == asked,
    )
    # A copy found in the cache was stored only for the page it showed.
    return html, "page" not in shown or shown["page"].number == asked


def _detail_context(request, consultation, *, accepting, form=None, refused=False):
    if accepting and form is None:
        form = CommentForm()
    comments_html, exact = _comments_html(consultation, request)
    context = {
        "consultation": consultation,
        "accepting": accepting,
        "form": form if accepting else None,
        "refused": refused,
        "attachments": list(
            consultation.attachments.only(
                "pk", "consultation_id", "original_name", "file_type", "size", "sha256"
            )
        ),
        "comments_html": comments_html,
        "companions": _companion_texts(consultation),
    }
    return context, exact


def _render_detail(request, consultation, *, form=None, refused=False, status=200):
    context, _exact = _detail_context(
        request, consultation, accepting=_is_accepting(consultation), form=form, refused=refused
    )
    return render(request, "consultations/public/detail.html", context, status=status)


_CACHEABLE_QUERY = re.compile(r"(page=[1-9][0-9]{0,4})?")


def _cacheable_query(request) -> bool:
    """Only the page itself and its comment pages (``?page=N``, nothing else) are cached: any
    other query string would let anybody fill the cache with copies of one page."""
    return _CACHEABLE_QUERY.fullmatch(request.META.get("QUERY_STRING", "")) is not None


def _detail_part(request) -> str | None:
    """What a cached copy of the page is filed under besides the consultation, or None when
    this request's page is not cached: the language and the full path (the language switcher
    sends people back to it)."""
    if request.method not in ("GET", "HEAD") or not _cacheable_query(request):
        return None
    return f"detail:{get_language()}:{request.get_full_path()}"


def _detail_cache_keys(request, pk) -> list[str]:
    part = _detail_part(request)
    return [] if part is None else caching.page_keys(CACHE_SCOPE, pk, part)


def _detail_page(request, pk):
    """The page as most people read it (GET, no form errors): served from a cached copy with
    this request's CSRF token, so a hit reads nothing from the database.

    The copy is filed by ``_detail_part`` (and read with the rate limit's round trip,
    ``prefetching``), checked against the consultation's version (bumped by every new or
    hidden comment, attachment and change of the consultation, ``public_cache``), and, while
    the consultation takes comments, never served past ``closes_at``: at that moment the form
    goes (第十四条) whether or not anything was written; nor past midnight, when the days left
    change.
    """
    now = timezone.now()

    def render_page() -> caching.Rendered:
        consultation = _published(pk)
        accepting = _is_accepting(consultation)
        context, exact = _detail_context(request, consultation, accepting=accepting)
        context["csrf_token"] = caching.CSRF_SLOT
        response = render(request, "consultations/public/detail.html", context)
        # The days left change at midnight (Asia/Shanghai): no copy outlives its day.
        until = min(consultation.closes_at, next_midnight(now)) if accepting else None
        return caching.Rendered(response, keep=exact, until=until)

    part = _detail_part(request)
    if part is None:
        return _render_detail(request, _published(pk))
    return caching.page(request, CACHE_SCOPE, pk, part, render_page, now=now)


@rate_limited(*COMMENT_LIMITS)
@rate_limited("page_ip", methods=("GET", "HEAD"))
@prefetching(_detail_cache_keys)
@public_post
def consultation_detail(request, pk):
    """The draft, the period and the comment form; comments as the public may see them."""
    if request.method != "POST":
        return _detail_page(request, pk)
    consultation = _published(pk)
    if not _is_accepting(consultation):
        # 第十四条: comments are taken only within the period. The form is gone; say so plainly.
        return _render_detail(request, consultation, refused=True, status=409)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, consultation, form=form, status=400)
    thanks = reverse("public:consultation-thanks", args=[consultation.pk])
    if form.is_bot:
        # Look the same as success, so a bot learns nothing; nothing is stored.
        return redirect(thanks)
    data = form.cleaned_data
    try:
        comment = comment_submit(
            consultation=consultation,
            text=data["text"],
            name=data["name"],
            contact=data["contact"],
            paragraph_ref=data["paragraph_ref"],
            show_name=data["show_name"],
        )
    except ValidationError as error:
        if error.code == "closed":
            return _render_detail(request, consultation, refused=True, status=409)
        form.add_error("text", error)
        return _render_detail(request, consultation, form=form, status=400)
    receipt = signing.dumps(comment.pk, salt=RECEIPT_SALT)
    return redirect(f"{thanks}?r={receipt}")


@rate_limited("page_ip")
def consultation_thanks(request, pk):
    consultation = _published(pk)
    comment = None
    try:
        comment_pk = signing.loads(request.GET.get("r", ""), salt=RECEIPT_SALT, max_age=86400)
        comment = (
            Comment.objects.filter(pk=comment_pk, consultation=consultation)
            .only("pk", "submitted_at", "consultation_id")
            .first()
        )
    except signing.BadSignature:
        pass
    return render(
        request,
        "consultations/public/thanks.html",
        {"consultation": consultation, "comment": comment},
    )
