"""The public side of consultations: open consultations, the comment form, the confirmation,
the adoption report, the Atom feed, and the staff moderation page.

Legal source: 《重大行政决策程序暂行条例》第十四条 (the public comments), 第十五条 (period, the
published reason for a shorter one, the handling of comments), 第三十三条 (hidden comments stay
in the record). Views parse input and call one service.
"""

import re

from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page

from workflows.files import stored_file_response
from workflows.public import caching
from workflows.public.countdown import next_midnight
from workflows.public.feeds import feed_summary
from workflows.public.guards import public_post
from workflows.public.nav import section_register
from workflows.public.ratelimit import prefetching, rate_limited

from . import public_cache, rules
from .limits import COMMENT_LIMITS
from .models import Comment, Consultation, ConsultationAttachment, Disposition
from .moderation import (
    COMMENTS_PER_PAGE,
    ModerationPolicy,
    moderation,
    moderation_policy_for,
    moderation_policy_register,
)
from .public_forms import CommentForm
from .selectors import comments_public, consultations_open_now
from .services import comment_submit

LIST_PER_PAGE = 20
CACHE_SCOPE = public_cache.SCOPE
RECEIPT_SALT = "consultations.public.receipt"


# --- reads ----------------------------------------------------------------------------------


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


# --- public pages ---------------------------------------------------------------------------


@rate_limited("page_ip")
def consultation_list(request):
    finished = Consultation.objects.filter(status=Consultation.Status.FINISHED).order_by(
        "-finished_at", "-pk"
    )
    return render(
        request,
        "consultations/public/list.html",
        {
            "page_obj": _page(
                consultations_open_now().order_by("closes_at", "pk"), request, LIST_PER_PAGE
            ),
            "finished": finished[:20],
        },
    )


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


# --- what the subject's app shows beside the text (决策草案说明, …) -------------------------------

_COMPANIONS: dict = {}


def companion_texts_register(*, model_label: str, texts) -> None:
    """``texts(subject_id) -> [(title, text), …]``: published beside the text put out for
    comment (e.g. the drafting explanation of a major decision, 第十四条). Shown escaped."""
    _COMPANIONS[model_label.lower()] = texts


def _companion_texts(consultation: Consultation) -> list:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(consultation.subject_type_id)
    texts = _COMPANIONS.get(f"{ct.app_label}.{ct.model}")
    return [(title, text) for title, text in texts(consultation.subject_id)] if texts else []


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


@rate_limited("page_ip")
def attachment_download(request, pk, attachment_pk):
    """An attachment of a consultation, public exactly while the consultation is (第十四条).
    Always a download, never rendered inline, and the browser may not second-guess the type."""
    consultation = _published(pk)
    attachment = ConsultationAttachment.objects.filter(
        pk=attachment_pk, consultation=consultation
    ).first()
    if attachment is None:
        raise Http404
    return stored_file_response(
        file=attachment.file,
        name=attachment.original_name,
        file_type=attachment.file_type,
        sha256=attachment.sha256,
    )


@rate_limited("page_ip")
def adoption_report(request, pk):
    """The adoption report (意见采纳情况, 第十五条、第三十二条): each public comment's disposition
    and reason; names only where the commenter allowed it. Hidden comments are counted, not shown."""
    consultation = _published(pk)
    if consultation.status != Consultation.Status.FINISHED:
        raise Http404
    counts = consultation.comments.aggregate(
        total=Count("pk"),
        hidden=Count("pk", filter=Q(hidden=True)),
        adopted=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.ADOPTED)),
        partly=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.PARTLY_ADOPTED)),
        not_adopted=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.NOT_ADOPTED)),
    )
    comments = (
        Comment.objects.filter(consultation=consultation, hidden=False)
        .select_related("disposition")
        .only(
            "pk",
            "name",
            "show_name",
            "text",
            "paragraph_ref",
            "submitted_at",
            "consultation_id",
            "disposition__outcome",
            "disposition__reason",
        )
        .order_by("submitted_at", "pk")
    )
    return render(
        request,
        "consultations/public/report.html",
        {
            "consultation": consultation,
            "counts": counts,
            "page_obj": _page(comments, request, COMMENTS_PER_PAGE),
            "cache_version": caching.version(CACHE_SCOPE, consultation.pk),
            "cache_ttl": caching.ttl(),
        },
    )


class ConsultationFeed(Feed):
    """New consultations, newest first (Atom)."""

    feed_type = Atom1Feed
    title = _("New public consultations")
    subtitle = _("Drafts put out for public comment")

    def link(self):
        return reverse("public:consultations")

    def items(self):
        return Consultation.objects.filter(opens_at__lte=timezone.now()).order_by(
            "-opens_at", "-pk"
        )[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return feed_summary(item.draft_text)

    def item_link(self, item):
        return reverse("public:consultation", args=[item.pk])

    def item_pubdate(self, item):
        return item.opens_at

    def item_updateddate(self, item):
        return item.finished_at or item.closed_at or item.opens_at


section_register(
    url_name="public:consultations", label=_("Public consultations"), testid="consultations"
)

urlpatterns = [
    path("consultations/", consultation_list, name="consultations"),
    path(
        "consultations/feed/",
        cache_page(caching.DEFAULT_TTL * 5)(ConsultationFeed()),
        name="consultations-feed",
    ),
    path("consultations/<int:pk>/", consultation_detail, name="consultation"),
    path("consultations/<int:pk>/thanks/", consultation_thanks, name="consultation-thanks"),
    path("consultations/<int:pk>/report/", adoption_report, name="consultation-report"),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="consultation-attachment",
    ),
    path("staff/consultations/<int:pk>/", moderation, name="consultation-moderation"),
]

__all__ = [
    "COMMENTS_PER_PAGE",
    "ModerationPolicy",
    "moderation",
    "moderation_policy_for",
    "companion_texts_register",
    "moderation_policy_register",
    "urlpatterns",
]
